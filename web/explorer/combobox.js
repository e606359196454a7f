// A search box with suggestions, following the WAI-ARIA combobox pattern:
// the input keeps focus while the arrow keys move through a listbox of
// entities that the API's search returns, debounced as the user types.

import { search } from './api.js';
import { kindStyle } from './style.js';

let nextID = 0;

export class Combobox {
  /**
   * @param {HTMLInputElement} input  the text box (markup gives its label)
   * @param {object} opts
   * @param {(item: object) => void} opts.onSelect  called with the chosen entity
   * @param {(err: Error) => void} opts.onError     called when a search fails
   * @param {number} [opts.delay]                    debounce, in milliseconds
   * @param {() => object} [opts.params]            more arguments of the search, such as {kinds}
   */
  constructor(input, { onSelect, onError, delay = 200, params = () => ({}) }) {
    this.input = input;
    this.params = params;
    this.onSelect = onSelect;
    this.onError = onError;
    this.delay = delay;
    this.items = [];
    this.active = -1;
    this.timer = 0;
    this.controller = null;
    this.selected = null; // the entity last chosen, until the text changes

    const id = `suggestions-${++nextID}`;
    this.list = document.createElement('ul');
    this.list.id = id;
    this.list.className = 'suggestions';
    this.list.setAttribute('role', 'listbox');
    this.list.setAttribute('aria-label', `Suggestions for ${input.getAttribute('aria-label') || input.name || 'search'}`);
    this.list.hidden = true;
    input.insertAdjacentElement('afterend', this.list);

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', id);
    input.autocomplete = 'off';
    input.spellcheck = false;

    input.addEventListener('input', () => this.#changed());
    input.addEventListener('keydown', (e) => this.#key(e));
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    input.addEventListener('focus', () => {
      if (this.items.length && !this.selected) this.#open();
    });
    // mousedown, not click: it comes before the input's blur closes the list.
    this.list.addEventListener('mousedown', (e) => {
      const li = e.target.closest('[role="option"]');
      if (!li || li.getAttribute('aria-disabled') === 'true') return;
      e.preventDefault();
      this.#choose(Number(li.dataset.index));
    });
  }

  /** Fills the box with an entity as if the user had chosen it. */
  set(item) {
    this.selected = item;
    this.input.value = item ? item.label : '';
    this.close();
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.active = -1;
  }

  #open() {
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  #changed() {
    this.selected = null;
    clearTimeout(this.timer);
    const text = this.input.value.trim();
    if (text.length < 2) {
      this.controller?.abort();
      this.items = [];
      this.close();
      return;
    }
    this.timer = setTimeout(() => this.#fetch(text), this.delay);
  }

  async #fetch(text) {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.list.setAttribute('aria-busy', 'true');
    try {
      const items = await search(text, { ...this.params(), signal: controller.signal });
      if (controller.signal.aborted) return;
      this.#render(items);
    } catch (err) {
      if (err.name === 'AbortError') return;
      this.items = [];
      this.close();
      this.onError(err);
    } finally {
      if (this.controller === controller) this.list.removeAttribute('aria-busy');
    }
  }

  #render(items) {
    this.items = items;
    this.active = -1;
    this.list.replaceChildren();
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.setAttribute('role', 'option');
      li.setAttribute('aria-disabled', 'true');
      li.textContent = 'No matches';
      this.list.append(li);
    }
    items.forEach((item, i) => {
      const li = document.createElement('li');
      li.id = `${this.list.id}-${i}`;
      li.dataset.index = String(i);
      li.dataset.id = item.id;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');

      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = kindStyle(item.kind).color;
      swatch.setAttribute('aria-hidden', 'true');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = item.label;
      const kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = kindStyle(item.kind).label;
      li.append(swatch, name, kind);
      if (item.description) {
        const desc = document.createElement('span');
        desc.className = 'desc';
        desc.textContent = item.description;
        li.append(desc);
      }
      this.list.append(li);
    });
    this.#open();
  }

  #move(delta) {
    if (!this.items.length) return;
    if (this.list.hidden) this.#open();
    const n = this.items.length;
    this.active = (this.active + delta + n) % n;
    for (const li of this.list.children) {
      const on = Number(li.dataset.index) === this.active;
      li.setAttribute('aria-selected', String(on));
      if (on) {
        this.input.setAttribute('aria-activedescendant', li.id);
        li.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  #key(e) {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        this.#move(1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        this.#move(-1);
        break;
      case 'Enter':
        if (!this.list.hidden && this.items.length) {
          e.preventDefault();
          this.#choose(this.active >= 0 ? this.active : 0);
        }
        break;
      case 'Escape':
        if (!this.list.hidden) {
          e.preventDefault();
          this.close();
        }
        break;
    }
  }

  #choose(i) {
    const item = this.items[i];
    if (!item) return;
    this.set(item);
    this.onSelect(item);
  }
}
