// The customer's view: the sources partners offer to my account, and accepting them, as in the
// EventBridge console's "Partner event sources".
import {
  ActivateEventSourceCommand, CreateEventBusCommand, DeactivateEventSourceCommand, DeleteEventBusCommand,
  DescribeEventBusCommand, DescribeEventSourceCommand, ListEventSourcesCommand,
} from '@aws-sdk/client-eventbridge';
import { $, busy, el, expiry, facts, show, stateBadge, time } from './dom.js';
import { showError } from './errors.js';
import { PagedList, pageSize } from './pages.js';
import { deliverToProblem, DELIVER_TO_TAG } from './validation.js';

export class CustomerView {
  constructor(session) {
    this.session = session;
    this.paged = new PagedList('customer', () => this.load());
    this.status = this.paged.status;
    $('customer-refresh').addEventListener('click', () => this.load());
  }

  reset() {
    this.paged.clear();
  }

  load() {
    return this.paged.show('Loading partner event sources…', this.session.config().endpoint, async (token) => {
      const page = await this.session.client().send(new ListEventSourcesCommand({ Limit: pageSize(), NextToken: token }));
      const sources = page.EventSources || [];
      return {
        nextToken: page.NextToken,
        cards: await Promise.all(sources.map((source) => this.card(source))),
        status: (pages) => (sources.length === 0
          ? (pages.hasPrevious ? 'No more partner event sources.'
            : 'No partner event sources are offered to your account yet. When a partner creates one for your account, it appears here as PENDING.')
          : `${sources.length} partner event source${sources.length === 1 ? '' : 's'} on this page.`),
      };
    });
  }

  /** Whether the customer's partner bus exists for a PENDING source: then it was deactivated, and activating it takes it back. */
  async hasBus(name) {
    try {
      await this.session.client().send(new DescribeEventBusCommand({ Name: name }));
      return true;
    } catch (error) {
      if (error.name === 'ResourceNotFoundException') return false;
      throw error;
    }
  }

  async card(source) {
    const item = el('li', { class: 'card', 'data-source': source.Name });
    await this.fill(item, source);
    return item;
  }

  async fill(item, source) {
    const name = source.Name;
    const alert = el('div', { class: 'alert error', role: 'alert', hidden: true });
    let bus = source.State === 'ACTIVE' || source.State === 'DELETED';
    if (source.State === 'PENDING') {
      try {
        bus = await this.hasBus(name);
      } catch (error) {
        showError(alert, error, this.session.config().endpoint);
      }
    }
    const actions = el('div', { class: 'actions' });
    const form = this.associateForm(item, name);
    // One button per state change: it runs the call, then redraws the card from the source as it now is.
    const act = (label, working, command, done, { danger = false } = {}) => el('button', {
      type: 'button',
      class: danger ? 'danger' : 'secondary',
      onclick: async (event) => {
        if (danger && !window.confirm(`${label} ${name}? Its events stop reaching you until you associate it again.`)) return;
        show(alert, false);
        try {
          await busy(event.currentTarget, working, () => this.session.client().send(command()));
          await this.refresh(item, name, done);
        } catch (error) {
          showError(alert, error, this.session.config().endpoint);
        }
      },
    }, label);
    if (source.State === 'PENDING' && !bus) {
      actions.append(el('button', {
        type: 'button',
        'aria-expanded': 'false',
        onclick: (event) => {
          show(form, true);
          event.currentTarget.setAttribute('aria-expanded', 'true');
          form.querySelector('input').focus();
        },
      }, 'Associate with event bus'));
    }
    if (source.State === 'PENDING' && bus) {
      actions.append(act('Activate', 'Activating…', () => new ActivateEventSourceCommand({ Name: name }), 'activated'));
    }
    if (source.State === 'ACTIVE') {
      actions.append(act('Deactivate', 'Deactivating…', () => new DeactivateEventSourceCommand({ Name: name }), 'deactivated'));
    }
    if (bus) {
      actions.append(act('Delete event bus', 'Deleting…', () => new DeleteEventBusCommand({ Name: name }), 'its event bus deleted',
        { danger: true }));
    }
    const title = el('h2', { class: 'card-title', tabindex: '-1' }, name);
    item.replaceChildren(
      el('div', { class: 'card-head' }, title, stateBadge(source.State)),
      facts([
        ['State', source.State],
        ['Created by', source.CreatedBy || '—'],
        ['Created', time(source.CreationTime)],
        ['Expires in', expiry(source.ExpirationTime)],
      ]),
      actions, alert, form);
  }

  associateForm(item, name) {
    const id = `deliver-to-${btoa(name).replace(/[^A-Za-z0-9]/g, '')}`;
    const input = el('input', {
      id, name: 'deliverTo', spellcheck: 'false', autocapitalize: 'off',
      placeholder: 'arn:aws:events:us-east-1:123456789012:event-bus/orders', 'aria-describedby': `${id}-hint ${id}-error`,
    });
    const problem = el('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
    const submit = el('button', { type: 'submit' }, 'Associate');
    const form = el('form', {
      class: 'associate', hidden: true, novalidate: true, 'aria-label': `Associate ${name} with an event bus`,
      onsubmit: async (event) => {
        event.preventDefault();
        const deliverTo = input.value.trim();
        const invalid = deliverTo ? deliverToProblem(deliverTo) : null;
        show(problem, Boolean(invalid));
        problem.textContent = invalid || '';
        input.setAttribute('aria-invalid', invalid ? 'true' : 'false');
        if (invalid) {
          input.focus();
          return;
        }
        try {
          const answer = await busy(submit, 'Associating…', () => this.session.client().send(new CreateEventBusCommand({
            Name: name,
            EventSourceName: name,
            Tags: deliverTo ? [{ Key: DELIVER_TO_TAG, Value: deliverTo }] : undefined,
          })));
          await this.refresh(item, name, `associated with event bus ${answer.EventBusArn}`
            + (deliverTo ? `; its events are delivered to ${deliverTo}` : '; no bus named to deliver its events to, so they are dropped'));
        } catch (error) {
          problem.textContent = '';
          showError(problem, error, this.session.config().endpoint);
        }
      },
    },
    el('label', { for: id }, 'Deliver events to (an event bus of your account, ARN; optional)'),
    input,
    el('p', { class: 'hint', id: `${id}-hint` }, 'Creates the partner event bus of the same name; the registry delivers the source\'s events into the bus named here.'),
    problem,
    el('div', { class: 'actions' }, submit, el('button', {
      type: 'button', class: 'secondary',
      onclick: () => {
        show(form, false);
        const opener = item.querySelector('[aria-expanded]');
        opener?.setAttribute('aria-expanded', 'false');
        opener?.focus();
      },
    }, 'Cancel')));
    return form;
  }

  /** Re-reads one source (DescribeEventSource reads the table itself, never a lagging index) and redraws its card. */
  async refresh(item, name, done) {
    const source = await this.session.client().send(new DescribeEventSourceCommand({ Name: name }));
    await this.fill(item, source);
    this.status.textContent = `${name}: ${done}.`;
    item.querySelector('.card-title').focus();
  }
}
