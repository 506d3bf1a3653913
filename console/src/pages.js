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
