import { $, show } from './dom.js';
import { showError } from './errors.js';

// NextToken paging: the token of each page seen so far, so that "Previous page" can go back.
export class Pages {
  constructor() {
    this.reset();
  }

  reset() {
    this.tokens = [undefined];
    this.index = 0;
    this.nextToken = undefined;
  }

  get token() {
    return this.tokens[this.index];
  }

  get hasPrevious() {
    return this.index > 0;
  }

  get hasNext() {
    return Boolean(this.nextToken);
  }

  /** Records the NextToken the current page answered. */
  loaded(nextToken) {
    this.nextToken = nextToken || undefined;
  }

  forward() {
    this.tokens = this.tokens.slice(0, this.index + 1);
    this.tokens.push(this.nextToken);
    this.index += 1;
  }

  back() {
    if (this.index > 0) this.index -= 1;
  }
}

/** Page size: 10, or ?pageSize=N (1-100) on the console's URL. */
export function pageSize() {
  const asked = Number(new URLSearchParams(window.location.search).get('pageSize'));
  return Number.isInteger(asked) && asked >= 1 && asked <= 100 ? asked : 10;
}

/**
 * A paged list on the page (its elements named `<name>-list`, `-status`, `-error`, `-prev`, `-next`): loads one
 * page at a time, shows only the latest load (an earlier one answering later is dropped), and offers the pages
 * there are once it is done.
 */
export class PagedList {
  constructor(name, load) {
    this.pages = new Pages();
    this.ticket = 0;
    this.list = $(`${name}-list`);
    this.status = $(`${name}-status`);
    this.error = $(`${name}-error`);
    this.prev = $(`${name}-prev`);
    this.next = $(`${name}-next`);
    this.next.addEventListener('click', () => { this.pages.forward(); load(); });
    this.prev.addEventListener('click', () => { this.pages.back(); load(); });
  }

  clear(status = '') {
    this.ticket += 1;
    this.pages.reset();
    this.list.replaceChildren();
    this.status.textContent = status;
    show(this.error, false);
    this.settle();
  }

  /**
   * Shows the page that fetch(token) answers: { cards, nextToken, status(pages) }; a failure shows in the list's
   * error, with the registry's words.
   */
  async show(loading, endpoint, fetch) {
    const ticket = ++this.ticket;
    this.list.setAttribute('aria-busy', 'true');
    this.prev.disabled = true;
    this.next.disabled = true;
    this.status.textContent = loading;
    show(this.error, false);
    try {
      const page = await fetch(this.pages.token);
      if (ticket !== this.ticket) return;
      this.pages.loaded(page.nextToken);
      this.list.replaceChildren(...page.cards);
      this.status.textContent = page.status(this.pages);
    } catch (error) {
      if (ticket !== this.ticket) return;
      this.list.replaceChildren();
      this.status.textContent = '';
      showError(this.error, error, endpoint);
    } finally {
      if (ticket === this.ticket) this.settle();
    }
  }

  settle() {
    this.list.removeAttribute('aria-busy');
    this.prev.disabled = !this.pages.hasPrevious;
    this.next.disabled = !this.pages.hasNext;
  }
}
