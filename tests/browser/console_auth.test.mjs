// The console against a factord serve with --auth on (README "Security"): the page holds no
// data until the operator enters an admin credential in its token field; then the stream
// goes live with it (as ?token=), and forgetting it ends the stream. Started by
// tests/browser/run --test console_auth, which makes the keys with `factord keys add`.
//   node console_auth.test.mjs --base URL --admin-key KEY --caller-key KEY --chromium PATH ...
import { runTests } from './launch.mjs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' }, chromium: { type: 'string', default: '/usr/bin/chromium' },
    artifacts: { type: 'string' }, profile: { type: 'string' }, token: { type: 'string' },
    'admin-key': { type: 'string' }, 'caller-key': { type: 'string' }, 'update-screenshot': { type: 'string' },
  },
});
const base = opt.base;

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let page;

const setToken = async (value) => {
  await page.fill('#token', value);
  await page.click('#token-form button[type="submit"]');
};
const actorRows = () => page.locator('#actor-table tbody tr[data-select]').count();

test('without a credential the page shows no data and says what it needs', async () => {
  await page.goto(`${base}/console`);
  await page.waitForFunction(() => /with --auth on: enter an admin key/.test(document.querySelector('#conn-text').textContent),
                             null, { timeout: 10000 });
  assert.equal(await page.locator('#conn').getAttribute('data-state'), 'down');
  assert.equal(await actorRows(), 0, 'actors listed without a credential');
  // The snapshot the page would read is refused as well.
  assert.equal((await fetch(`${base}/v1/actors`)).status, 401);
});

test('a caller\'s key is not enough: the stream stays refused', async () => {
  await setToken(opt['caller-key']);
  await page.waitForTimeout(2500); // a reconnect with the key, refused (403), and its retry
  assert.notEqual(await page.locator('#conn').getAttribute('data-state'), 'live');
  assert.equal(await actorRows(), 0, 'a non-admin key showed the actors');
});

test('an admin key makes the stream live and lists the node actors', async () => {
  await setToken(opt['admin-key']);
  await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10000 });
  await page.locator('#actor-table tbody tr[data-select]').first().waitFor();
  const kinds = await page.locator('#actor-table tbody td:nth-child(2)').allInnerTexts();
  for (const k of ['dispatcher', 'job-registry', 'worker-pool'])
    assert.ok(kinds.includes(k), `no ${k} in the actor table: ${kinds}`);
  assert.match(await page.locator('#token-hint').innerText(), /Token set for this tab/);
  await page.screenshot({ path: path.join(opt.artifacts, 'console-auth-live.png'), fullPage: true });
});

test('forgetting the key ends the stream', async () => {
  await page.click('#token-clear');
  await page.waitForFunction(() => document.querySelector('#conn').dataset.state !== 'live', null, { timeout: 10000 });
});

// Refused upgrades are logged by the browser on purpose; anything else is a bug.
await runTests(tests, opt, {
  prefix: 'console-auth', onPage: (p) => { page = p; }, pageErrors: true,
  expectedErrors: /WebSocket connection .* failed/,
});
