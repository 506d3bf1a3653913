// The console's entry point: configuration, sign-in and sign-out, and which view shows.
import { loadConfig } from './config.js';
import { CustomerView } from './customer.js';
import { $, show, tick } from './dom.js';
import { PartnerView } from './partner.js';
import * as session from './session.js';

const VIEWS = ['customer', 'partner'];

async function start() {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    $('config-error').textContent = `The console could not read its configuration (${error.message}). Reload the page; if it persists, tell the operator.`;
    show($('config-error'), true);
    return;
  }
  let client = null;
  const current = {
    config: () => config,
    client: () => {
      if (!client) client = session.client(config, session.credentials());
      return client;
    },
  };
  const views = { customer: new CustomerView(current), partner: new PartnerView(current) };

  const route = () => {
    const credentials = session.credentials();
    show($('sign-in'), !credentials);
    show($('views'), Boolean(credentials));
    show($('who'), Boolean(credentials));
    if (!credentials) {
      VIEWS.forEach((name) => show($(name), false));
      $('access-key-id').focus();
      return;
    }
    $('who-key').textContent = credentials.accessKeyId;
    const name = VIEWS.includes(window.location.hash.slice(1)) ? window.location.hash.slice(1) : 'customer';
    VIEWS.forEach((view) => {
      show($(view), view === name);
      const link = $(`nav-${view}`);
      if (view === name) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    views[name].reset();
    views[name].load();
  };

  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const accessKeyId = $('access-key-id').value.trim();
    const secretAccessKey = $('secret-access-key').value;
    const problem = !accessKeyId || !secretAccessKey ? 'Enter your access key ID and its secret access key.' : null;
    $('sign-in-error').textContent = problem || '';
    show($('sign-in-error'), Boolean(problem));
    if (problem) return;
    session.signIn(accessKeyId, secretAccessKey);
    client = null;
    event.target.reset();
    route();
    $('main').focus();
  });

  $('sign-out').addEventListener('click', () => {
    session.signOut();
    client = null;
    Object.values(views).forEach((view) => view.reset());
    sessionStorage.clear();
    route();
  });

  window.addEventListener('hashchange', route);
  setInterval(tick, 1000);
  route();
}

start();
