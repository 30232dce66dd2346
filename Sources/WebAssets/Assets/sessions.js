// The session groups (queued, active, offline, ended passively, starred and the saved ones, each with its count)
// and the list of the chosen group: customer, channel, last message, waiting time, alarm, star.

import { api, query } from "./api.js";
import { h, fill, since } from "./dom.js";
import { t } from "./i18n.js";

const builtInGroups = [
  { view: "queued", label: "groupQueued" },
  { view: "active", label: "groupActive" },
  { view: "offline", label: "groupOffline" },
  { view: "ended-passive", label: "groupEndedPassive" },
  { view: "starred", label: "groupStarred" },
];
const channels = ["web", "app", "wechat", "whatsapp", "messenger", "line", "email"];

export class SessionLists {
  constructor({ groupsElement, listElement, heading, sortSelect, channelSelect, groupSelect, onOpen }) {
    Object.assign(this, { groupsElement, listElement, heading, sortSelect, channelSelect, groupSelect, onOpen });
    this.view = "active";
    this.saved = [];
    this.counts = {};
    this.sessions = [];
    this.openId = null;
    this.refreshTimer = null;
    for (const select of [sortSelect, channelSelect, groupSelect]) select.addEventListener("change", () => this.loadList());
    // Waiting times move on by themselves.
    setInterval(() => this.renderList(), 15000);
  }

  /** Fills the skill-group filter from the team's groups. */
  setSkillGroups(groups) {
    const chosen = this.groupSelect.value;
    fill(this.groupSelect, h("option", { value: "" }, t("allGroups")), groups.map((group) => h("option", { value: group }, group)));
    this.groupSelect.value = groups.includes(chosen) ? chosen : "";
  }

  translate() {
    const chosen = this.channelSelect.value;
    fill(this.channelSelect, h("option", { value: "" }, t("allChannels")), channels.map((channel) => h("option", { value: channel }, channel)));
    this.channelSelect.value = chosen;
    if (this.groupSelect.options[0]) this.groupSelect.options[0].textContent = t("allGroups");
    this.renderGroups();
    this.renderList();
  }

  async loadAll() {
    const saved = await api("GET", "/v1/session-groups");
    this.saved = saved.groups;
    await Promise.all([this.loadCounts(), this.loadList()]);
  }

  /** Reloads counts and the list soon: several events in a row cost one reload. */
  refreshSoon() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.loadCounts();
      this.loadList();
    }, 150);
  }

  get views() {
    return [...builtInGroups.map((group) => ({ ...group, name: t(group.label) })),
      ...this.saved.map((group) => ({ view: group.view, name: group.name, saved: true }))];
  }

  async loadCounts() {
    const answers = await Promise.all(
      this.views.map((group) => api("GET", `/v1/sessions${query({ view: group.view, per_page: 1 })}`).catch(() => null)),
    );
    this.views.forEach((group, index) => {
      if (answers[index]) this.counts[group.view] = answers[index].total;
    });
    this.renderGroups();
  }

  renderGroups() {
    const items = this.views.map((group) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "group-button",
            "aria-current": group.view === this.view ? "true" : false,
            dataset: { view: group.view },
            onclick: () => this.choose(group.view),
          },
          h("span", { class: "group-name" }, group.name),
          h("span", { class: "count", dataset: { count: group.view } }, String(this.counts[group.view] ?? "")),
        ),
      ),
    );
    const savedStart = builtInGroups.length;
    if (this.saved.length > 0) items.splice(savedStart, 0, h("li", { class: "group-heading", role: "presentation" }, t("savedGroups")));
    fill(this.groupsElement, items);
  }

  choose(view) {
    this.view = view;
    this.renderGroups();
    this.loadList();
  }

  async loadList() {
    const view = this.view;
    const answer = await api(
      "GET",
      `/v1/sessions${query({
        view,
        sort: this.sortSelect.value,
        channel: this.channelSelect.value,
        group: view === "queued" ? this.groupSelect.value : "",
        per_page: 100,
      })}`,
    );
    if (view !== this.view) return;
    this.sessions = answer.sessions;
    this.counts[view] = answer.total;
    this.renderGroups();
    this.renderList();
  }

  renderList() {
    const group = this.views.find((candidate) => candidate.view === this.view);
    this.heading.textContent = group ? group.name : "";
    this.groupSelect.hidden = this.view !== "queued";
    if (this.sessions.length === 0) {
      fill(this.listElement, h("li", { class: "empty" }, t("noSessions")));
      return;
    }
    fill(this.listElement, this.sessions.map((session) => this.item(session)));
  }

  item(session) {
    const name = session.customer?.name || session.customerId;
    const last = session.lastMessage;
    const waitingSince =
      session.state === "queued" ? session.createdAt
        : last?.sender === "customer" && session.state === "active" ? last.createdAt : null;
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: `session-item${session.alarm ? " alarm" : ""}`,
          "aria-current": session.id === this.openId ? "true" : false,
          dataset: { session: session.id },
          onclick: () => this.onOpen(session.id),
        },
        h("span", { class: "session-name" }, name),
        h("span", { class: "channel" }, session.channel),
        session.starred ? h("span", { class: "star", title: t("starred") }, "★") : null,
        session.alarm ? h("span", { class: "alarm-mark", title: t("alarm") }, "⏰") : null,
        h("span", { class: "last-message" }, last ? this.preview(last) : ""),
        waitingSince ? h("span", { class: "waiting" }, t("waiting", { time: since(waitingSince) })) : null,
        session.queuePosition ? h("span", { class: "queue-position" }, t("queuePosition", { position: session.queuePosition })) : null,
      ),
    );
  }

  preview(message) {
    if (message.kind === "image") return `[${t("image")}]`;
    if (message.kind === "file") return `[${t("file")}]`;
    return message.body;
  }

  markOpen(id) {
    this.openId = id;
    for (const button of this.listElement.querySelectorAll(".session-item")) {
      if (Number(button.dataset.session) === id) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
  }
}
