// The console in a real browser (Debian's Chromium, headless) against `make run`: the partner and the
// customer click through the whole story, as an AWS customer does in the EventBridge console. Each
// step leaves a screenshot in console/target/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, customerAws, startRegistry } from './registry.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'console/target/screenshots');
const PARTNER = { key: 'AKIAEXAMPLEPARTNER', secret: 'example-partner-secret' };
const CUSTOMER = { key: 'AKIAEXAMPLECUSTOMER', secret: 'example-customer-secret', account: '123456789012' };
const OTHER_CUSTOMER = { key: 'AKIAOTHERCUSTOMER', secret: 'other-customer-secret' };
const RUN = Date.now().toString(36);
const SOURCE = `aws.partner/example.com/console/${RUN}`;
const BUS = `orders-${RUN}`;
const BUS_ARN = `arn:aws:events:us-east-1:${CUSTOMER.account}:event-bus/${BUS}`;

let registry;
let browser;
let page;
let aws;
let queueUrl;
let step = 0;

async function shot(name) {
  step += 1;
  await page.screenshot({ path: path.join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function signIn({ key, secret }) {
  await page.getByLabel('Access key ID').fill(key);
  await page.getByLabel('Secret access key').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function openCustomerView() {
  await page.getByRole('link', { name: 'Partner event sources' }).click();
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in with your registry key' }).waitFor();
}

const sourceCard = () => page.locator('#customer-list li', { has: page.getByRole('heading', { name: SOURCE, exact: true }) });

describe('the console, clicked through in Chromium against make run', () => {
  before(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    // The API also admits the console from http://localhost:PORT (another origin) by CORS: the last test loads it there.
    // The console calls the stage URL, as deployed (the stack's config.json names https://<api>/v1/).
    registry = await startRegistry((port) => ({
      CONSOLE_ORIGIN: `http://localhost:${port}`,
      CONSOLE_API_ENDPOINT: `http://127.0.0.1:${port}/v1/`,
    }));
    aws = customerAws(registry.engine);
    // The customer's own AWS: a bus for the partner's events, a rule on it, and a queue to read them from.
    await aws('events', 'create-event-bus', '--name', BUS);
    queueUrl = (await aws('sqs', 'create-queue', '--queue-name', `inbox-${RUN}`)).QueueUrl;
    const queueArn = (await aws('sqs', 'get-queue-attributes', '--queue-url', queueUrl, '--attribute-names', 'QueueArn')).Attributes.QueueArn;
    await aws('events', 'put-rule', '--name', 'from-partners', '--event-bus-name', BUS,
      '--event-pattern', '{"source":[{"prefix":"partner-registry."}]}');
    await aws('events', 'put-targets', '--rule', 'from-partners', '--event-bus-name', BUS, '--targets', `Id=inbox,Arn=${queueArn}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    page.setDefaultTimeout(20_000);
  });

  after(async () => {
    await browser?.close();
    await registry?.stop();
  });

  test('make run names the console in its banner and serves it with a strict Content-Security-Policy', async () => {
    assert.equal(registry.console, `${registry.endpoint}/console/`);
    const response = await page.goto(registry.console);
    assert.equal(response.status(), 200);
    const csp = response.headers()['content-security-policy'];
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
    await page.getByRole('heading', { name: 'Sign in with your registry key' }).waitFor();
    await shot('sign-in');
  });

  test('the partner creates a source for the customer\'s account; it is PENDING there', async () => {
    await signIn(PARTNER);
    await page.getByRole('link', { name: 'My sources (partner)' }).click();
    await page.getByLabel('Name', { exact: true }).fill(SOURCE);
    await page.getByLabel('Customer account').fill(CUSTOMER.account);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('#create-result').getByText(`arn:aws:events:us-east-1::event-source/${SOURCE}`).waitFor();
    const row = page.locator(`#partner-list li[data-source="${SOURCE}"] tr[data-account="${CUSTOMER.account}"]`);
    await row.getByText('PENDING').waitFor();
    await shot('partner-created-source');
  });

  test('the partner pages through its sources by NextToken, and deletes one', async () => {
    const second = `${SOURCE}-b`;
    await page.getByLabel('Name', { exact: true }).fill(second);
    await page.getByLabel('Customer account').fill(CUSTOMER.account);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator(`#partner-list li[data-source="${second}"]`).waitFor();
    // One source a page: the first page offers the next, whose token brings the other source.
    await page.goto(`${registry.console}?pageSize=1#partner`);
    await page.getByLabel('Name prefix').fill(`aws.partner/example.com/console/${RUN}`);
    await page.getByRole('button', { name: 'List' }).click();
    const list = page.locator('#partner-list > li');
    await list.first().waitFor();
    const first = await list.getAttribute('data-source');
    assert.equal(await list.count(), 1);
    assert.ok(await page.getByRole('button', { name: 'Previous page' }).isDisabled());
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForFunction((name) => document.querySelector('#partner-list > li')?.dataset.source !== name, first);
    assert.deepEqual([first, await list.getAttribute('data-source')].sort(), [SOURCE, second]);
    await shot('partner-second-page');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.waitForFunction((name) => document.querySelector('#partner-list > li')?.dataset.source === name, first);

    await page.goto(`${registry.console}#partner`);
    await page.getByLabel('Name prefix').fill('aws.partner/example.com/');
    await page.getByRole('button', { name: 'List' }).click();
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: `Delete ${second} for account ${CUSTOMER.account}` }).click();
    await page.getByText(`Deleted ${second} for account ${CUSTOMER.account}.`).waitFor();
    assert.equal(await page.locator(`#partner-list li[data-source="${second}"]`).count(), 0);
  });

  test('a key used with a wrong secret gets the API\'s own message, and what to do', async () => {
    await signOut();
    await signIn({ key: CUSTOMER.key, secret: 'not-the-secret' });
    await openCustomerView();
    const error = page.locator('#customer-error');
    await error.waitFor();
    assert.match(await error.textContent(), /InvalidSignatureException The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\./);
    assert.match(await error.textContent(), /sign out and sign in again with the secret/);
    await shot('wrong-secret');
  });

  test('the customer signs in with the keyboard alone and sees the source PENDING with a live countdown', async () => {
    await signOut();
    // Sign-in puts the focus in the first field: type, Tab, type, Enter.
    await page.keyboard.type(CUSTOMER.key);
    await page.keyboard.press('Tab');
    await page.keyboard.type(CUSTOMER.secret);
    await page.keyboard.press('Enter');
    await openCustomerView();
    const card = sourceCard();
    await card.locator('.badge', { hasText: 'PENDING' }).waitFor();
    assert.match(await card.textContent(), /Created byexample\.com/);
    const countdown = card.locator('.countdown');
    const first = await countdown.textContent();
    assert.match(first, /^6d 23h \d+m \d+s$/, 'a 7-day expiry, counting down');
    await page.waitForFunction((before) => document.querySelector('#customer-list .countdown')?.textContent !== before, first);
    assert.match(await page.evaluate(() => sessionStorage.getItem('partner-registry-console.credentials')), /AKIAEXAMPLECUSTOMER/,
      'the key is held in the tab\'s session storage');
    await shot('customer-pending-countdown');
  });

  test('at 360 px the customer view fits the width', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await sourceCard().waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360, 'no horizontal scrolling');
    await shot('customer-360px');
    await page.setViewportSize({ width: 1000, height: 800 });
  });

  test('the customer associates the source with an event bus, the deliver-to ARN checked as the API checks it', async () => {
    const card = sourceCard();
    await card.getByRole('button', { name: 'Associate with event bus' }).click();
    const field = card.getByLabel('Deliver events to');
    await field.fill(`arn:aws:events:us-east-1:${CUSTOMER.account}:event-bus/aws.partner/x`);
    await card.getByRole('button', { name: 'Associate', exact: true }).click();
    await card.getByText('The tag partner-registry:deliver-to must name an event bus of your account other than a partner event bus').waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    await shot('associate-invalid-arn');
    await field.fill(BUS_ARN);
    await card.getByRole('button', { name: 'Associate', exact: true }).click();
    await card.locator('.badge', { hasText: 'ACTIVE' }).waitFor();
    assert.match(await page.locator('#customer-status').textContent(),
      new RegExp(`associated with event bus arn:aws:events:us-east-1:${CUSTOMER.account}:event-bus/${SOURCE.replaceAll('.', '\\.')}`));
    assert.equal(await card.locator('.countdown').count(), 0, 'an ACTIVE source does not expire');
    await shot('customer-associated');
  });

  test('the customer deactivates the source, then activates it again', async () => {
    const card = sourceCard();
    await card.getByRole('button', { name: 'Deactivate' }).click();
    await card.locator('.badge', { hasText: 'PENDING' }).waitFor();
    await card.locator('.countdown').waitFor();
    await shot('customer-deactivated');
    await card.getByRole('button', { name: 'Activate' }).click();
    await card.locator('.badge', { hasText: 'ACTIVE' }).waitFor();
    await shot('customer-activated');
  });

  test('the partner sends a test event and it arrives on the customer\'s bus', async () => {
    await signOut();
    await signIn(PARTNER);
    await page.getByRole('link', { name: 'My sources (partner)' }).click();
    await page.getByLabel('Name prefix').fill('aws.partner/example.com/');
    await page.getByRole('button', { name: 'List' }).click();
    const card = page.locator(`#partner-list li[data-source="${SOURCE}"]`);
    await card.locator(`tr[data-account="${CUSTOMER.account}"]`).getByText('ACTIVE').waitFor();
    await card.getByText('Send a test event').click();
    await card.getByRole('button', { name: 'Send test event' }).click();
    const eventId = await card.locator('.event-id').textContent();
    assert.match(eventId, /^[0-9a-f-]{36}$/);
    await shot('partner-sent-test-event');

    let delivered;
    for (let attempt = 0; attempt < 30 && !delivered; attempt += 1) {
      const received = await aws('sqs', 'receive-message', '--queue-url', queueUrl, '--wait-time-seconds', '1');
      delivered = (received.Messages || []).map((message) => JSON.parse(message.Body))
        .find((event) => event.resources.includes(`partner-registry:event-id/${eventId}`));
    }
    assert.ok(delivered, `event ${eventId} delivered into ${BUS}`);
    assert.equal(delivered.source, 'partner-registry.example.com');
    assert.equal(delivered['detail-type'], 'Console test event');
    assert.deepEqual(delivered.detail, { message: 'Hello from the Partner Registry console' });
    assert.equal(delivered.resources[0], `arn:aws:events:us-east-1::event-source/${SOURCE}`);
  });

  test('another account\'s customer sees nothing of the source', async () => {
    await signOut();
    await signIn(OTHER_CUSTOMER);
    await openCustomerView();
    await page.getByText('No partner event sources are offered to your account yet.').waitFor();
    assert.equal(await page.locator('#customer-list li').count(), 0);
    await shot('other-account-sees-nothing');
  });

  test('the customer deletes the event bus: the source is PENDING again, to associate anew', async () => {
    await signOut();
    await signIn(CUSTOMER);
    await openCustomerView();
    const card = sourceCard();
    page.once('dialog', (dialog) => dialog.accept());
    await card.getByRole('button', { name: 'Delete event bus' }).click();
    await card.locator('.badge', { hasText: 'PENDING' }).waitFor();
    await card.getByRole('button', { name: 'Associate with event bus' }).waitFor();
    await shot('customer-deleted-bus');
  });

  test('served on another origin, the console calls the API by CORS, which admits exactly the headers the SDK signs', async () => {
    const signed = [];
    page.on('request', (request) => {
      const authorization = request.headers().authorization;
      if (authorization) signed.push(/SignedHeaders=([^,]+)/.exec(authorization)[1].split(';'));
    });
    await page.goto(`http://localhost:${registry.port}/console/#customer`);
    await signIn(CUSTOMER);
    await sourceCard().locator('.badge', { hasText: 'PENDING' }).waitFor();
    assert.match(registry.log(), /OPTIONS \/v1\/ null -> 204/, 'the browser asked first, and the API said yes');
    assert.match(registry.log(), /POST \/v1\/ AWSEvents\.ListEventSources -> 200/, 'then called the stage URL');
    await shot('customer-other-origin');

    // What the browser may send (Access-Control-Allow-Headers) is what the SDK signs, less what the browser sets
    // itself (Host, Content-Length), and the Authorization header that carries the signature.
    const preflight = await fetch(`${registry.endpoint}/`, {
      method: 'OPTIONS',
      headers: { Origin: `http://localhost:${registry.port}`, 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), `http://localhost:${registry.port}`);
    const allowed = preflight.headers.get('access-control-allow-headers').split(',');
    assert.ok(signed.length > 0);
    for (const headers of signed) {
      assert.deepEqual([...headers.filter((name) => name !== 'host' && name !== 'content-length'), 'authorization'].sort(), allowed);
    }
    await signOut();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'signing out forgets the key');
  });
});
