// The open conversation: its header with the session actions (take, transfer, end, star, block), and the
// messages with the session's history in line (transfers with their reason, alarms). An agent recalls its own
// message within two minutes; recalled messages stay visible to agents, marked.

import { api } from "./api.js";
import { h, fill, clock } from "./dom.js";
import { t } from "./i18n.js";

const recallWindow = 120 * 1000;

export class Conversation {
  constructor({ header, messages, composer, me, nameOf, onChanged, toast, transferDialog, team }) {
    Object.assign(this, { header, messagesElement: messages, composer, me, nameOf, onChanged, toast, transferDialog, team });
    this.session = null;
    this.recallTimer = null;
  }

  get id() {
    return this.session?.id ?? null;
  }

  async open(id) {
    const session = await api("GET", `/v1/sessions/${id}`);
    this.session = session;
    this.render();
    return session;
  }

  async reload() {
    if (this.session) await this.open(this.session.id);
  }

  close() {
    this.session = null;
    this.render();
  }

  isMine() {
    return this.session?.agent && this.session.agent === this.me().agent;
  }

  render() {
    const session = this.session;
    this.composer.hidden = !(session && session.state === "active" && this.isMine());
    if (!session) {
      fill(this.header, h("p", { class: "placeholder" }, t("pickSession")));
      fill(this.messagesElement);
      return;
    }
    this.renderHeader();
    this.renderMessages();
  }

  renderHeader() {
    const session = this.session;
    const customer = session.customer ?? {};
    const action = (label, handler, attributes = {}) =>
      h("button", { type: "button", dataset: { action: label }, onclick: () => this.run(handler), ...attributes }, t(label));
    const actions = [];
    if (session.state === "queued" || (session.state !== "ended" && !session.agent)) actions.push(action("take", () => this.take()));
    if (session.state !== "ended" && session.state !== "queued") actions.push(action("transfer", () => this.transfer()));
    if (session.state !== "ended") actions.push(action("end", () => this.end()));
    actions.push(session.starred ? action("unstar", () => this.post("unstar")) : action("star", () => this.post("star")));
    actions.push(
      customer.blocked
        ? action("unblock", () => this.block(false))
        : action("block", () => this.block(true)),
    );
    fill(
      this.header,
      h(
        "div",
        { class: "who" },
        h("strong", { id: "conversation-title" }, customer.name || session.customerId),
        h("span", { class: "channel" }, session.channel),
        h("span", { class: `state state-${session.state}` }, t(session.state === "ended" ? "ended" : session.state)),
        session.agent ? h("span", { class: "agent" }, this.nameOf(session.agent)) : null,
        session.alarm ? h("span", { class: "alarm-mark", title: t("alarm") }, "⏰") : null,
      ),
      h("div", { class: "actions", role: "toolbar", "aria-labelledby": "conversation-title" }, actions),
    );
  }

  /** Messages and the session's history, in time order. */
  renderMessages() {
    const session = this.session;
    const entries = [
      ...(session.messages ?? []).map((message) => ({ at: message.createdAt, node: this.message(message) })),
      ...(session.events ?? [])
        .filter((event) => ["transferred", "alarm", "ended", "offline", "assigned"].includes(event.kind))
        .map((event) => ({ at: event.at, node: this.event(event) })),
    ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    fill(this.messagesElement, entries.map((entry) => entry.node));
    this.messagesElement.scrollTop = this.messagesElement.scrollHeight;
    // A recall button goes when its two minutes are up.
    clearTimeout(this.recallTimer);
    const next = (session.messages ?? [])
      .filter((message) => this.canRecall(message))
      .map((message) => Date.parse(message.createdAt) + recallWindow - Date.now());
    if (next.length > 0) this.recallTimer = setTimeout(() => this.renderMessages(), Math.max(1000, Math.min(...next)));
  }

  canRecall(message) {
    return (
      message.sender === "agent" && message.senderId === this.me().agent && !message.recalled &&
      Date.now() - Date.parse(message.createdAt) < recallWindow
    );
  }

  message(message) {
    const sender =
      message.sender === "agent"
        ? message.senderId === this.me().agent ? t("you") : this.nameOf(message.senderId)
        : t(message.sender === "customer" ? "customer" : message.sender);
    let body;
    switch (message.kind) {
      case "image":
        body = message.attachments.map((attachment) =>
          attachment.url ? h("img", { src: attachment.url, alt: attachment.name, class: "attachment-image" }) : h("span", {}, `[${t("image")}] ${attachment.name}`));
        break;
      case "file":
        body = message.attachments.map((attachment) =>
          attachment.url
            ? h("a", { href: attachment.url, target: "_blank", rel: "noopener noreferrer" }, `${attachment.name} (${attachment.size} B)`)
            : h("span", {}, `[${t("file")}] ${attachment.name}`));
        break;
      case "emoji":
        body = h("span", { class: "emoji" }, message.body);
        break;
      default:
        body = message.body;
    }
    return h(
      "li",
      {
        class: `message from-${message.sender}${message.recalled ? " recalled" : ""}`,
        dataset: { message: message.id },
      },
      h("span", { class: "meta" }, `${sender} · ${clock(message.createdAt)}`),
      h("div", { class: "bubble" }, body),
      message.recalled ? h("span", { class: "recalled-mark" }, t("recalled")) : null,
      this.canRecall(message)
        ? h("button", { type: "button", class: "link recall", onclick: () => this.run(() => this.recall(message.id)) }, t("recall"))
        : null,
    );
  }

  event(event) {
    let text;
    switch (event.kind) {
      case "transferred":
        text = t("eventTransferred", { actor: this.nameOf(event.actor), target: event.toAgent ? this.nameOf(event.toAgent) : event.toGroup ?? "" });
        break;
      case "assigned":
        text = event.actor === event.toAgent
          ? t("eventTaken", { agent: this.nameOf(event.toAgent) })
          : t("eventAssigned", { actor: this.nameOf(event.actor), agent: this.nameOf(event.toAgent ?? "") });
        break;
      case "ended":
        text = t("eventEnded", { actor: this.nameOf(event.actor) });
        break;
      case "alarm":
        text = t("eventAlarm");
        break;
      case "offline":
        text = t("eventOffline");
        break;
      default:
        text = t("eventOther", { kind: event.kind, actor: event.actor });
    }
    return h(
      "li",
      { class: `system-event event-${event.kind}` },
      h("span", {}, `${clock(event.at)} · ${text}`),
      event.note ? h("span", { class: "note" }, ` — ${t("reason", { note: event.note })}`) : null,
    );
  }

  async run(action) {
    try {
      await action();
    } catch (error) {
      this.toast(t("error", { message: error.message }));
    }
  }

  async post(action, body) {
    this.session = { ...this.session, ...(await api("POST", `/v1/sessions/${this.session.id}/${action}`, body)) };
    await this.reload();
    this.onChanged();
  }

  async take() {
    await this.post("assign");
  }

  async end() {
    await this.post("end");
  }

  async block(blocked) {
    await api("POST", `/v1/customers/${encodeURIComponent(this.session.customerId)}/${blocked ? "block" : "unblock"}`);
    await this.reload();
    this.onChanged();
  }

  async recall(messageId) {
    await api("POST", `/v1/messages/${messageId}/recall`);
    await this.reload();
  }

  /** The transfer dialog: an agent or a skill group, and the reason, kept in the session's history. */
  async transfer() {
    const dialog = this.transferDialog;
    const form = dialog.querySelector("form");
    const team = await this.team();
    const groups = [...new Set(team.flatMap((agent) => agent.groups ?? []))].sort();
    fill(form.elements.agent, h("option", { value: "" }, "—"),
      team.filter((agent) => agent.agent !== this.me().agent).map((agent) =>
        h("option", { value: agent.agent }, `${agent.name ?? agent.agent} (${t(`status${agent.status[0].toUpperCase()}${agent.status.slice(1)}`)} ${agent.load}/${agent.capacity})`)));
    fill(form.elements.group, h("option", { value: "" }, "—"), groups.map((group) => h("option", { value: group }, group)));
    form.elements.note.value = "";
    form.querySelector(".error").textContent = "";
    dialog.showModal();
    const choice = await new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true }));
    if (choice !== "ok") return;
    const agent = form.elements.agent.value;
    const group = form.elements.group.value;
    if (!agent && !group) return;
    await this.post("transfer", { agent: agent || undefined, group: group || undefined, note: form.elements.note.value || undefined });
  }

  /** A live event: true when it concerned the open conversation (which is then brought up to date). */
  async onEvent(kind, data) {
    if (!this.session) return false;
    const id = data.session?.id ?? data.session ?? data.sessionId;
    if (id !== this.session.id) return false;
    if (kind === "message" && !this.session.messages?.some((message) => message.id === data.message.id)) {
      this.session.messages = [...(this.session.messages ?? []), data.message];
      this.renderMessages();
      return true;
    }
    await this.reload();
    return true;
  }
}
