// The reply box: `#` completion (and, when the agent switched it on, suggestions as it types), inserting a
// suggestion with its variables filled from the conversation, and sending. A variable the conversation cannot
// fill stays visible in the box and blocks sending until the agent replaces it: a reply never goes out raw.

import { SuggestList } from "./suggest-list.js";
import { caretPosition } from "./caret.js";
import { api, query } from "./api.js";
import { t } from "./i18n.js";

/** `{{visitor.order_id}}` and `{{name|fallback}}` left in a text: the names. */
export function placeholders(text) {
  return [...text.matchAll(/\{\{\s*([^}|]+?)\s*(?:\|[^}]*)?\}\}/g)].map((match) => match[1]);
}

/** An id for a message, so that a retried send is stored once. */
function clientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export class Composer {
  constructor({ textarea, sendButton, warning, status, container, getSession, asYouType, onSent, describe, metrics }) {
    Object.assign(this, { textarea, sendButton, warning, getSession, asYouType, onSent, metrics });
    this.picked = null;
    this.container = container;
    this.list = new SuggestList({
      input: textarea,
      container,
      status,
      describe,
      emptyText: t("noSuggestions"),
      countText: (count) => t("suggestionsCount", { count }),
      currentQuery: () => this.queryAtCaret()?.query ?? null,
      search: (text, signal) => this.search(text, signal),
      onPick: (item, meta) => this.insert(item, meta),
      onRendered: (timing) => metrics?.push({ query: timing.query, ms: timing.renderedAt - timing.startedAt }),
    });
    textarea.addEventListener("keydown", (event) => this.keydown(event));
    textarea.addEventListener("input", (event) => this.refresh(event.timeStamp));
    textarea.addEventListener("click", () => this.refresh());
    textarea.addEventListener("keyup", (event) => {
      if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) this.refresh();
    });
    textarea.addEventListener("blur", () => this.list.close());
    sendButton.addEventListener("click", () => this.send());
  }

  /** What the box asks suggestions for at the caret: the text after a `#` (at the start or after a space),
   * or, suggesting as the agent types, the whole text before the caret. */
  queryAtCaret() {
    const { value, selectionStart, selectionEnd } = this.textarea;
    if (selectionStart !== selectionEnd) return null;
    const before = value.slice(0, selectionStart);
    const hash = before.lastIndexOf("#");
    if (hash >= 0 && (hash === 0 || /\s/.test(before[hash - 1]))) {
      const typed = before.slice(hash + 1);
      if (!typed.includes("\n") && typed.length <= 64) return { query: typed, start: hash, end: selectionStart };
    }
    if (this.asYouType() && before.trim().length > 0 && before.length <= 256) {
      return { query: before.trim(), start: 0, end: selectionStart };
    }
    return null;
  }

  refresh(startedAt = performance.now()) {
    const session = this.getSession();
    const at = session ? this.queryAtCaret() : null;
    if (!at) {
      this.list.request(null);
    } else {
      const caret = caretPosition(this.textarea, at.start);
      const position = {
        left: this.textarea.offsetLeft + caret.left,
        top: this.textarea.offsetTop + caret.top + caret.height + 4,
        above: this.textarea.offsetTop + caret.top,
      };
      this.list.request(at.query, position, startedAt).catch((error) => this.warn(t("error", { message: error.message })));
    }
    if (!this.textarea.value) this.picked = null;
    this.checkPlaceholders(false);
  }

  async search(text, signal) {
    const session = this.getSession();
    const answer = await api("GET", `/v1/suggest${query({ q: text, limit: 8, conversation: session?.id })}`, undefined, {
      signal,
    });
    return answer.suggestions;
  }

  keydown(event) {
    if (this.list.handleKeydown(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey) {
      event.preventDefault();
      this.send();
    }
  }

  /** Replaces the typed query with the suggestion's text as this conversation fills it. */
  async insert(item, meta) {
    const session = this.getSession();
    const at = this.queryAtCaret() ?? { start: this.textarea.selectionStart, end: this.textarea.selectionEnd };
    let text = item.content;
    try {
      const rendered = await api("POST", `/v1/sessions/${session.id}/render`, {
        suggestion: item.id,
        source: item.source,
      });
      text = rendered.text ?? rendered.draft ?? text;
    } catch (error) {
      this.warn(t("error", { message: error.message }));
    }
    const value = this.textarea.value;
    this.textarea.value = value.slice(0, at.start) + text + value.slice(at.end);
    const caret = at.start + text.length;
    this.textarea.setSelectionRange(caret, caret);
    this.textarea.focus();
    this.picked = { suggestion: item.id, source: item.source, input: meta.query, position: meta.position, shown: meta.shown };
    this.checkPlaceholders(true);
  }

  /** Shows (or, `announce` false, only clears) the warning for variables left in the box; true when there are. */
  checkPlaceholders(announce) {
    const names = placeholders(this.textarea.value);
    if (names.length === 0) {
      this.textarea.removeAttribute("aria-invalid");
      if (this.warning.dataset.kind === "unresolved") this.warn("");
      return false;
    }
    if (announce || this.warning.dataset.kind === "unresolved") {
      this.textarea.setAttribute("aria-invalid", "true");
      this.warn(t("unresolvedBlock", { names: names.map((name) => `{{${name}}}`).join(", ") }), "unresolved");
    }
    return true;
  }

  warn(text, kind = "") {
    this.warning.textContent = text;
    this.warning.dataset.kind = text ? kind : "";
  }

  async send() {
    const session = this.getSession();
    const text = this.textarea.value;
    if (!session || !text.trim()) return;
    this.list.close();
    if (this.checkPlaceholders(true)) return;
    const body = { sender: "agent", body: text, clientId: clientId(), ...(this.picked ?? {}) };
    this.sendButton.disabled = true;
    try {
      const posted = await api("POST", `/v1/sessions/${session.id}/messages`, body);
      this.textarea.value = "";
      this.picked = null;
      this.warn("");
      this.onSent(posted);
    } catch (error) {
      this.warn(t("sendFailed", { message: error.message }));
    } finally {
      this.sendButton.disabled = false;
      this.textarea.focus();
    }
  }

  /** A conversation was opened (or closed): the box starts empty. */
  reset() {
    this.list.close();
    this.textarea.value = "";
    this.picked = null;
    this.warn("");
  }
}
