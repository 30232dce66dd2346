// The right sidebar, as tabs (the WAI-ARIA tabs pattern): the customer's information (editable), contact
// history, the quick-reply library by folder and scope, a knowledge search over bot answers and articles, smart
// replies for the last customer message with their confidence, and the service summary (editable after the end).

import { api, query } from "./api.js";
import { h, fill, highlighted, clock } from "./dom.js";
import { t } from "./i18n.js";

const tabs = [
  { id: "smart", label: "tabSmart" },
  { id: "customer", label: "tabCustomer" },
  { id: "quick", label: "tabQuick" },
  { id: "knowledge", label: "tabKnowledge" },
  { id: "summary", label: "tabSummary" },
  { id: "history", label: "tabHistory" },
];

export class Sidebar {
  /** use(item, meta): put a suggestion into the reply box; openSession(id); describe(item) for labels. */
  constructor({ tablist, panels, getSession, me, use, openSession, describe, toast, onChanged }) {
    Object.assign(this, { tablist, panelsElement: panels, getSession, me, use, openSession, describe, toast, onChanged });
    this.selected = "smart";
    this.panels = {};
    this.smart = null;
    this.folder = "";
    this.scope = "";
    this.build();
  }

  build() {
    fill(this.tablist);
    fill(this.panelsElement);
    for (const tab of tabs) {
      const button = h(
        "button",
        {
          type: "button", role: "tab", id: `tab-${tab.id}`, "aria-controls": `panel-${tab.id}`,
          "aria-selected": String(tab.id === this.selected), tabindex: tab.id === this.selected ? "0" : "-1",
          dataset: { tab: tab.id },
          onclick: () => this.select(tab.id),
          onkeydown: (event) => this.tabKey(event, tab.id),
        },
        t(tab.label),
      );
      this.tablist.append(button);
      const panel = h("section", { role: "tabpanel", id: `panel-${tab.id}`, "aria-labelledby": `tab-${tab.id}`, class: "panel", hidden: tab.id !== this.selected });
      this.panels[tab.id] = panel;
      this.panelsElement.append(panel);
    }
  }

  translate() {
    for (const tab of tabs) this.tablist.querySelector(`[data-tab=${tab.id}]`).textContent = t(tab.label);
    this.refresh();
  }

  tabKey(event, id) {
    const index = tabs.findIndex((tab) => tab.id === id);
    let next = null;
    if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
    if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
    if (event.key === "Home") next = tabs[0];
    if (event.key === "End") next = tabs[tabs.length - 1];
    if (!next) return;
    event.preventDefault();
    this.select(next.id);
    this.tablist.querySelector(`[data-tab=${next.id}]`).focus();
  }

  select(id) {
    this.selected = id;
    for (const button of this.tablist.querySelectorAll("[role=tab]")) {
      const chosen = button.dataset.tab === id;
      button.setAttribute("aria-selected", String(chosen));
      button.tabIndex = chosen ? 0 : -1;
    }
    for (const [panelId, panel] of Object.entries(this.panels)) panel.hidden = panelId !== id;
    this.refresh();
  }

  /** Redraws the chosen tab for the open session. */
  refresh() {
    const run = { smart: () => this.renderSmart(), customer: () => this.renderCustomer(), quick: () => this.renderQuick(),
      knowledge: () => this.renderKnowledge(), summary: () => this.renderSummary(), history: () => this.renderHistory() }[this.selected];
    Promise.resolve(run()).catch((error) => this.toast(t("error", { message: error.message })));
  }

  /** A new conversation is open, or the open one changed. */
  sessionChanged() {
    this.smart = null;
    this.refresh();
  }

  // MARK: Smart replies

  /** Smart replies arrived live for a customer message of the open session. */
  smartRepliesArrived(message, smartReplies) {
    this.smart = { message, result: smartReplies };
    if (this.selected === "smart") this.drawSmart();
  }

  async renderSmart() {
    const session = this.getSession();
    if (!session) return fill(this.panels.smart);
    const last = [...(session.messages ?? [])].reverse().find((message) => message.sender === "customer" && !message.recalled);
    if (!last) return fill(this.panels.smart, h("p", { class: "placeholder" }, t("noCustomerMessage")));
    if (!this.smart || this.smart.message.id !== last.id) {
      const result = await api("POST", "/v1/smart-replies", { conversation: session.id, limit: 3 });
      this.smart = { message: last, result };
    }
    this.drawSmart();
  }

  drawSmart() {
    const { message, result } = this.smart;
    const answers = result.answers ?? [];
    fill(
      this.panels.smart,
      h("p", { class: "smart-for" }, t("smartFor", { message: message.body })),
      result.noGoodAnswer ? h("p", { class: "no-good-answer", role: "status" }, t("noGoodAnswer")) : null,
      h("ol", { class: "smart-replies" },
        answers.map((answer, index) =>
          h("li", { class: result.noGoodAnswer ? "weak" : "" },
            h("div", { class: "title" }, answer.suggestion.title),
            h("div", { class: "labels" }, `${this.describe(answer.suggestion).source} · ${t("confidence", { value: answer.confidence.toFixed(2) })}`),
            h("div", { class: "snippet" }, answer.suggestion.content),
            h("button", { type: "button", onclick: () => this.use(answer.suggestion, { position: index, shown: answers.map((a) => a.suggestion.id), query: message.body }) }, t("use")),
          ))),
    );
  }

  // MARK: Customer

  async renderCustomer() {
    const session = this.getSession();
    if (!session) return fill(this.panels.customer);
    const customer = await api("GET", `/v1/customers/${encodeURIComponent(session.customerId)}`);
    const field = (name, label, value) => h("label", {}, h("span", {}, t(label)), h("input", { name, value: value ?? "" }));
    const form = h(
      "form",
      { class: "customer-form", onsubmit: (event) => this.saveCustomer(event, customer) },
      h("p", { class: "muted" }, `${customer.id} · ${customer.channel}`),
      field("name", "name", customer.name),
      field("level", "level", customer.level),
      field("tags", "tags", (customer.tags ?? []).join(", ")),
      field("language", "language", customer.language),
      field("identity", "identity", customer.identity),
      Object.entries(customer.attributes ?? {}).map(([key, value]) => h("label", {}, h("span", {}, key), h("input", { name: `attribute:${key}`, value }))),
      h("button", { type: "submit", class: "primary" }, t("save")),
      h("span", { class: "saved", role: "status" }),
    );
    fill(this.panels.customer, form);
  }

  async saveCustomer(event, customer) {
    event.preventDefault();
    const form = event.target;
    const value = (name) => form.elements[name].value.trim() || null;
    const attributes = { ...(customer.attributes ?? {}) };
    for (const input of form.querySelectorAll("input[name^='attribute:']")) attributes[input.name.slice(10)] = input.value;
    try {
      await api("PUT", `/v1/customers/${encodeURIComponent(customer.id)}`, {
        id: customer.id, name: value("name"), channel: customer.channel, level: value("level"), language: value("language"),
        identity: value("identity"), tags: (form.elements.tags.value || "").split(/[,，]/).map((tag) => tag.trim()).filter(Boolean),
        attributes,
      });
      form.querySelector(".saved").textContent = t("saved");
      this.onChanged();
    } catch (error) {
      this.toast(t("error", { message: error.message }));
    }
  }

  // MARK: Contact history

  async renderHistory() {
    const session = this.getSession();
    if (!session) return fill(this.panels.history);
    const answer = await api("GET", `/v1/history${query({ customer: session.customerId, per_page: 20 })}`);
    const earlier = answer.sessions.filter((other) => other.id !== session.id);
    fill(this.panels.history,
      earlier.length === 0 ? h("p", { class: "placeholder" }, t("noResults")) :
        h("ul", { class: "contact-history" }, earlier.map((other) =>
          h("li", {}, h("button", { type: "button", class: "link", onclick: () => this.openSession(other.id) },
            `${clock(other.createdAt)} · ${other.agent ?? ""} · ${other.summary ? t(other.summary.status === "follow-up" ? "followUp" : other.summary.status) : ""}`)))));
  }

  // MARK: Quick replies

  /** The library, a page of 100 at a time: `more` asks for the next page and adds it to those shown. */
  async renderQuick(more = false) {
    const folders = await api("GET", "/v1/folders");
    const shown = more ? this.quickShown : { items: [], total: 0, page: 0 };
    const page = shown.page + 1;
    const answer = await api("GET", `/v1/quick-replies${query({ folder: this.folder, scope: this.scope, page, per_page: 100, enabled: "true" })}`);
    const items = { items: [...shown.items, ...answer.items], total: answer.total, page };
    this.quickShown = items;
    const scopeSelect = h("select", { name: "scope", "aria-label": t("scope"), onchange: (event) => { this.scope = event.target.value; this.renderQuick(); } },
      h("option", { value: "" }, t("all")),
      h("option", { value: "company" }, t("scopeCompany")),
      h("option", { value: `personal:${this.me().agent}` }, t("scopePersonal")),
      (this.me().groups ?? []).map((group) => h("option", { value: `group:${group}` }, t("scopeGroup", { name: group }))));
    scopeSelect.value = this.scope;
    fill(
      this.panels.quick,
      h("div", { class: "row" }, scopeSelect),
      h("ul", { class: "folders", "aria-label": t("folders") },
        h("li", {}, h("button", { type: "button", class: "link", "aria-current": this.folder === "" ? "true" : false, onclick: () => { this.folder = ""; this.renderQuick(); } }, t("all"))),
        folders.folders.map((folder) => h("li", {}, h("button", { type: "button", class: "link", "aria-current": this.folder === folder.name ? "true" : false,
          onclick: () => { this.folder = folder.name; this.renderQuick(); } }, `${folder.name} (${folder.count})`)))),
      h("ul", { class: "library" }, items.items.map((item, index) =>
        h("li", {}, h("div", { class: "title" }, item.title),
          h("div", { class: "labels" }, this.describe({ ...item, source: "quick" }).scope),
          h("div", { class: "snippet" }, item.content),
          h("button", { type: "button", onclick: () => this.use({ ...item, source: "quick" }, { position: index, shown: items.items.map((shown) => shown.id), query: "" }) }, t("use"))))),
      items.total > items.items.length
        ? h("button", { type: "button", class: "link more", onclick: () => this.renderQuick(true) }, t("more", { shown: items.items.length, total: items.total }))
        : null,
    );
  }

  // MARK: Knowledge search

  renderKnowledge() {
    if (this.panels.knowledge.childElementCount > 0) return;
    const results = h("ol", { class: "knowledge-results" });
    const input = h("input", { type: "search", name: "knowledge", "aria-label": t("searchKnowledge"), placeholder: t("searchKnowledge") });
    const form = h("form", { class: "row", onsubmit: async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      try {
        const answer = await api("GET", `/v1/suggest${query({ q: text, sources: "bot,internal", limit: 10 })}`);
        fill(results, answer.suggestions.length === 0 ? h("li", { class: "placeholder" }, t("noResults")) :
          answer.suggestions.map((item, index) => h("li", {},
            h("div", { class: "title" }, highlighted(item.title, item.titleHighlights)),
            h("div", { class: "labels" }, this.describe(item).source),
            h("div", { class: "snippet" }, highlighted(item.snippet, item.snippetHighlights)),
            this.getSession() ? h("button", { type: "button", onclick: () => this.use(item, { position: index, shown: answer.suggestions.map((shown) => shown.id), query: text }) }, t("use")) : null)));
      } catch (error) {
        this.toast(t("error", { message: error.message }));
      }
    } }, input, h("button", { type: "submit" }, t("search")));
    fill(this.panels.knowledge, form, results);
  }

  // MARK: Service summary

  renderSummary() {
    const session = this.getSession();
    if (!session) return fill(this.panels.summary);
    const summary = session.summary ?? {};
    const status = h("select", { name: "status" },
      ["resolved", "unresolved", "follow-up"].map((value) => h("option", { value }, t(value === "follow-up" ? "followUp" : value))));
    status.value = summary.status ?? "resolved";
    const form = h("form", { class: "summary-form", onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api("PUT", `/v1/sessions/${session.id}/summary`, {
          status: status.value, category: form.elements.category.value || null, notes: form.elements.notes.value || null,
        });
        form.querySelector(".saved").textContent = t("summarySaved");
        this.onChanged();
      } catch (error) {
        this.toast(t("error", { message: error.message }));
      }
    } },
      h("label", {}, h("span", {}, t("summaryStatus")), status),
      h("label", {}, h("span", {}, t("category")), h("input", { name: "category", value: summary.category ?? "" })),
      h("label", {}, h("span", {}, t("notes")), h("textarea", { name: "notes", rows: "4" }, summary.notes ?? "")),
      h("button", { type: "submit", class: "primary" }, t("save")),
      h("span", { class: "saved", role: "status" }),
    );
    fill(this.panels.summary, form);
  }
}
