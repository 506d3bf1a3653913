// The partner's view: my sources, the accounts they are offered to and their state there; create,
// delete, and send a test event.
import {
  CreatePartnerEventSourceCommand, DeletePartnerEventSourceCommand, ListPartnerEventSourceAccountsCommand,
  ListPartnerEventSourcesCommand, PutPartnerEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { $, busy, el, expiry, show, stateBadge, time } from './dom.js';
import { showError } from './errors.js';
import { PagedList, pageSize } from './pages.js';

const PREFIX_KEY = 'partner-registry-console.prefix';

export class PartnerView {
  constructor(session) {
    this.session = session;
    this.paged = new PagedList('partner', () => this.load());
    this.status = this.paged.status;
    this.prefix = $('partner-prefix');
    $('partner-prefix-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.paged.pages.reset();
      this.load();
    });
    $('create-form').addEventListener('submit', (event) => this.create(event));
  }

  reset() {
    this.paged.clear();
    this.prefix.value = sessionStorage.getItem(PREFIX_KEY) || '';
    show($('create-result'), false);
    $('create-form').reset();
  }

  load() {
    const prefix = this.prefix.value.trim();
    if (!prefix) {
      this.paged.clear('Enter the name prefix of your sources (aws.partner/<your partner name>/) to list them.');
      return Promise.resolve();
    }
    sessionStorage.setItem(PREFIX_KEY, prefix);
    return this.paged.show('Loading your sources…', this.session.config().endpoint, async (token) => {
      const page = await this.session.client().send(new ListPartnerEventSourcesCommand({ NamePrefix: prefix, Limit: pageSize(), NextToken: token }));
      const sources = page.PartnerEventSources || [];
      return {
        nextToken: page.NextToken,
        cards: await Promise.all(sources.map((source) => this.card(source.Name))),
        status: (pages) => (sources.length === 0
          ? (pages.hasPrevious ? 'No more sources.' : `No sources under ${prefix}. Create one below.`)
          : `${sources.length} source${sources.length === 1 ? '' : 's'} on this page.`),
      };
    });
  }

  /** Every account the source is offered to (ListPartnerEventSourceAccounts, all its pages). */
  async accounts(name) {
    const accounts = [];
    let token;
    do {
      const page = await this.session.client().send(new ListPartnerEventSourceAccountsCommand({ EventSourceName: name, NextToken: token }));
      accounts.push(...(page.PartnerEventSourceAccounts || []));
      token = page.NextToken;
    } while (token);
    return accounts;
  }

  async card(name) {
    const item = el('li', { class: 'card', 'data-source': name });
    const alert = el('div', { class: 'alert error', role: 'alert', hidden: true });
    let rows;
    try {
      rows = (await this.accounts(name)).map((account) => this.accountRow(name, account, alert));
    } catch (error) {
      showError(alert, error, this.session.config().endpoint);
      rows = [];
    }
    const table = el('table', { class: 'accounts' },
      el('caption', { class: 'visually-hidden' }, `Accounts ${name} is offered to`),
      el('thead', {}, el('tr', {}, ['Account', 'State', 'Created', 'Expires in', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 5 }, 'Offered to no account.'))));
    item.append(el('div', { class: 'card-head' }, el('h2', { class: 'card-title' }, name)), table, alert,
      this.testEventForm(name));
    return item;
  }

  accountRow(name, account, alert) {
    return el('tr', { 'data-account': account.Account },
      el('td', { 'data-label': 'Account' }, account.Account),
      el('td', { 'data-label': 'State' }, stateBadge(account.State)),
      el('td', { 'data-label': 'Created' }, time(account.CreationTime)),
      el('td', { 'data-label': 'Expires in' }, expiry(account.ExpirationTime)),
      el('td', {}, el('button', {
        type: 'button', class: 'danger', 'aria-label': `Delete ${name} for account ${account.Account}`,
        onclick: async (event) => {
          if (!window.confirm(`Delete ${name} for account ${account.Account}?`)) return;
          show(alert, false);
          try {
            await busy(event.currentTarget, 'Deleting…', () => this.session.client().send(
              new DeletePartnerEventSourceCommand({ Name: name, Account: account.Account })));
            await this.load();
            this.status.textContent = `Deleted ${name} for account ${account.Account}.`;
          } catch (error) {
            showError(alert, error, this.session.config().endpoint);
          }
        },
      }, 'Delete')));
  }

  testEventForm(name) {
    const id = `test-${btoa(name).replace(/[^A-Za-z0-9]/g, '')}`;
    const detailType = el('input', { id: `${id}-type`, name: 'detailType', value: 'Console test event' });
    const detail = el('textarea', { id: `${id}-detail`, name: 'detail', rows: 3, spellcheck: 'false' },
      '{"message": "Hello from the Partner Registry console"}');
    const result = el('div', { class: 'alert', role: 'status', hidden: true });
    const submit = el('button', { type: 'submit', class: 'secondary' }, 'Send test event');
    return el('details', { class: 'test-event' },
      el('summary', {}, 'Send a test event'),
      el('form', {
        novalidate: true, 'aria-label': `Send a test event from ${name}`,
        onsubmit: async (event) => {
          event.preventDefault();
          show(result, false);
          try {
            const answer = await busy(submit, 'Sending…', () => this.session.client().send(new PutPartnerEventsCommand({
              Entries: [{ Source: name, DetailType: detailType.value, Detail: detail.value }],
            })));
            const entry = answer.Entries?.[0] || {};
            result.className = entry.EventId ? 'alert success' : 'alert error';
            result.replaceChildren(entry.EventId
              ? el('span', {}, 'Accepted: EventId ', el('code', { class: 'event-id' }, entry.EventId),
                '. Delivered if the customer has associated the source with a bus; a PENDING source\'s events are dropped, as in EventBridge.')
              : el('span', {}, el('strong', { class: 'code' }, entry.ErrorCode || 'Failed'), ' ', entry.ErrorMessage || ''));
            show(result, true);
          } catch (error) {
            result.className = 'alert error';
            showError(result, error, this.session.config().endpoint);
          }
        },
      },
      el('label', { for: `${id}-type` }, 'Detail type'), detailType,
      el('label', { for: `${id}-detail` }, 'Detail (a JSON object)'), detail,
      submit, result));
  }

  async create(event) {
    event.preventDefault();
    const name = $('create-name').value.trim();
    const account = $('create-account').value.trim();
    const result = $('create-result');
    show(result, false);
    try {
      const answer = await busy(event.submitter || event.target.querySelector('button'), 'Creating…',
        () => this.session.client().send(new CreatePartnerEventSourceCommand({ Name: name, Account: account })));
      result.className = 'alert success';
      result.replaceChildren('Created ', el('code', {}, answer.EventSourceArn), ` for account ${account}.`);
      show(result, true);
      if (!this.prefix.value.trim()) {
        const partner = name.split('/')[1];
        if (partner) this.prefix.value = `aws.partner/${partner}/`;
      }
      await this.load();
    } catch (error) {
      result.className = 'alert error';
      showError(result, error, this.session.config().endpoint);
    }
  }
}
