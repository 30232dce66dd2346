// The suggestion list under the reply box: the WAI-ARIA combobox pattern (list autocomplete) over a textarea.
//
// The box keeps the focus; the list is a listbox whose active option the box names in
// aria-activedescendant, so screen readers hear it. ↑/↓ move the highlight, Tab or Enter insert the
// highlighted suggestion, Esc closes. Nothing is highlighted until the agent moves: a bare Enter is the box's
// own (send), never an insertion by surprise. Each request cancels the one before it, and an answer is shown
// only while the box still holds the text it was asked for.

import { h, fill, highlighted } from "./dom.js";

let lists = 0;

export class SuggestList {
  /**
   * input: the textarea (the combobox); container: where the list is placed (positioned relative);
   * search(query, signal): the suggestions for a query; currentQuery(): the query the box holds now (null when
   * it holds none); onPick(item, {position, shown, query}); describe(item): {source, scope} labels;
   * onRendered({query, startedAt, renderedAt}); status: a live region that announces countText(count);
   * emptyText: what an empty answer shows.
   */
  constructor({ input, container, search, currentQuery, onPick, describe, onRendered, status, emptyText, countText }) {
    Object.assign(this, { input, search, currentQuery, onPick, describe, onRendered, status, emptyText, countText });
    this.id = `suggest-list-${++lists}`;
    this.items = [];
    this.active = -1;
    this.query = null;
    this.controller = null;
    this.sequence = 0;
    this.element = h("ul", { id: this.id, role: "listbox", class: "suggest-list", hidden: true });
    this.element.addEventListener("mousedown", (event) => {
      // The box keeps the focus; a click picks the option under it.
      event.preventDefault();
      const option = event.target.closest("[role=option]");
      if (option) this.pick(Number(option.dataset.index));
    });
    container.append(this.element);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", this.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-haspopup", "listbox");
  }

  get isOpen() {
    return !this.element.hidden;
  }

  /** Asks for `query`'s suggestions (cancelling the request before), to show at `position` ({left, top}). */
  async request(query, position, startedAt = performance.now()) {
    this.controller?.abort();
    if (query === null) {
      this.close();
      return;
    }
    const sequence = ++this.sequence;
    const controller = new AbortController();
    this.controller = controller;
    let items;
    try {
      items = await this.search(query, controller.signal);
    } catch (error) {
      if (error.name === "AbortError") return;
      throw error;
    }
    // A later keystroke asked again, or the box no longer holds this text: the answer is stale.
    if (sequence !== this.sequence || this.currentQuery() !== query) return;
    this.show(query, items, position);
    const renderedAt = performance.now();
    this.onRendered?.({ query, startedAt, renderedAt, count: items.length });
  }

  show(query, items, position) {
    this.query = query;
    this.items = items;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    fill(
      this.element,
      items.length === 0
        ? h("li", { class: "suggest-empty", role: "presentation" }, this.emptyText ?? "")
        : items.map((item, index) => this.option(item, index)),
    );
    this.element.hidden = false;
    if (position) this.place(position);
    this.input.setAttribute("aria-expanded", "true");
    if (this.status) this.status.textContent = this.countText ? this.countText(items.length) : String(items.length);
  }

  /** Under the caret line (`position.top`), or above it (`position.above`) when the window has no room below:
   * a reply box sits at the bottom of the page. */
  place(position) {
    this.element.style.left = `${Math.max(0, position.left)}px`;
    this.element.style.top = `${position.top}px`;
    if (position.above === undefined) return;
    const origin = this.element.offsetParent?.getBoundingClientRect().top ?? 0;
    const height = this.element.offsetHeight;
    const roomBelow = window.innerHeight - (origin + position.top);
    if (height > roomBelow && origin + position.above - height >= 0) {
      this.element.style.top = `${position.above - height - 4}px`;
    }
  }

  option(item, index) {
    const labels = this.describe(item);
    return h(
      "li",
      { id: `${this.id}-${index}`, role: "option", class: "suggest-option", "aria-selected": "false", dataset: { index } },
      h("span", { class: "suggest-title" }, highlighted(item.title, item.titleHighlights)),
      h("span", { class: `suggest-source source-${item.source}` }, labels.source),
      h("span", { class: "suggest-scope" }, labels.scope),
      item.snippet ? h("span", { class: "suggest-snippet" }, highlighted(item.snippet, item.snippetHighlights)) : null,
    );
  }

  close() {
    this.controller?.abort();
    this.sequence++;
    this.element.hidden = true;
    this.items = [];
    this.active = -1;
    this.query = null;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  highlight(index) {
    const options = this.element.querySelectorAll("[role=option]");
    options.forEach((option, at) => option.setAttribute("aria-selected", String(at === index)));
    this.active = index;
    if (index >= 0 && options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  /** Handles a key pressed in the box; true when the list used it (the box must then do nothing more). */
  handleKeydown(event) {
    if (!this.isOpen || event.isComposing) return false;
    const count = this.items.length;
    switch (event.key) {
      case "ArrowDown":
        if (count === 0) return false;
        this.highlight(this.active + 1 >= count ? 0 : this.active + 1);
        return true;
      case "ArrowUp":
        if (count === 0) return false;
        this.highlight(this.active <= 0 ? count - 1 : this.active - 1);
        return true;
      case "Enter":
      case "Tab":
        if (this.active < 0 || event.shiftKey) return false;
        this.pick(this.active);
        return true;
      case "Escape":
        this.close();
        return true;
      default:
        return false;
    }
  }

  pick(index) {
    const item = this.items[index];
    if (!item) return;
    const meta = { position: index, shown: this.items.map((shown) => shown.id), query: this.query };
    this.close();
    this.onPick(item, meta);
  }
}
