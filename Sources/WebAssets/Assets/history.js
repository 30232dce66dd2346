// History search: ended sessions by time range, agent, customer, summary status and the text of their
// messages (the service's analyzer: Simplified and Traditional Chinese find each other).

import { api, query } from "./api.js";
import { h, fill, clock } from "./dom.js";
import { t } from "./i18n.js";

export class HistorySearch {
  constructor({ dialog, form, results, closeButton, openSession, toast }) {
    Object.assign(this, { dialog, form, results, openSession, toast });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.search();
    });
    closeButton.addEventListener("click", () => dialog.close());
  }

  open() {
    fill(this.results);
    this.dialog.showModal();
    this.form.elements.q.focus();
  }

  async search() {
    const value = (name) => this.form.elements[name].value.trim();
    const day = (text, end) => (text ? new Date(`${text}T${end ? "23:59:59" : "00:00:00"}`).toISOString() : "");
    try {
      const answer = await api("GET", `/v1/history${query({
        q: value("q"), from: day(value("from"), false), to: day(value("to"), true), agent: value("agent"),
        customer: value("customer"), status: value("status"), per_page: 50,
      })}`);
      fill(this.results, answer.sessions.length === 0 ? h("li", { class: "empty" }, t("noResults")) :
        answer.sessions.map((session) => h("li", {}, h("button", {
          type: "button", class: "session-item", dataset: { session: session.id },
          onclick: () => {
            this.dialog.close();
            this.openSession(session.id);
          },
        },
        h("span", { class: "session-name" }, session.customer?.name || session.customerId),
        h("span", { class: "channel" }, session.channel),
        h("span", { class: "last-message" }, `${clock(session.endedAt ?? session.createdAt)} · ${session.agent ?? ""}`)))));
    } catch (error) {
      this.toast(t("error", { message: error.message }));
    }
  }
}
