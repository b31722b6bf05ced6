// Browser tests of the inspection console (/console) against a running factord serve,
// started by tests/browser/run with --ws-idle-timeout 3s and --console-token.
// Chromium is Debian's (/usr/bin/chromium), driven by playwright-core: no browser download.
import { runTests } from './launch.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' }, token: { type: 'string' }, chromium: { type: 'string', default: '/usr/bin/chromium' },
    artifacts: { type: 'string' }, profile: { type: 'string' }, 'update-screenshot': { type: 'string' },
  },
});
const base = opt.base;
const wsBase = base.replace(/^http/, 'ws');

// Balanced semiprimes: 60 digits take ~1–2 s of a worker each, 45 digits well under one.
const HEAVY = [
  '419275854104420731074139364898812500603263705825846377343319', '283537808354285347446105672902673423216775844860370935784603',
  '210995287437883308184415343036215128162050596501036931827513', '323217162924335180614737153038685859514328812792388246942499',
  '397797713356206309383700561970534162959581964420270368775041', '102680104105168981658642888393868593237716168320382208835431',
  '479595215824810785939377147491598693809906567456029699020237', '116995733158050757433854288183566242710045092184686373463371',
  '535351298759834711109757806496726080103891358661287312199517', '674183702370537038972247644054008182620217580626025484084161',
  '404729584899483318352294283712255747711450988684779185650391', '207169341969216732531687733570172700026391726314379032752511',
];
// 70 digits: ~5 s of a worker, so the socket is "in flight" for several console frames
// (a 62-digit number became too fast to be seen there reliably).
const SOCKET_NUMBER = '1231475296042465101584611766231661799559037480986746367637300412348271';
const LIGHT = ['136040951250467275436979084866684311950024869', '130901345577802105560086960239812739543246087',
  '239180649506682368054759834199117474244726693'];

async function submitBatch(caller, numbers) {
  const res = await fetch(`${base}/v1/jobs:batch`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Caller-ID': caller },
    body: JSON.stringify({ numbers }),
  });
  const text = await res.text();
  assert.equal(res.status, 202, `batch for ${caller}: ${res.status} ${text}`);
  return JSON.parse(text).request_ids;
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

let page;
const shot = async (name) => page.screenshot({ path: path.join(opt.artifacts, `console-${name}.png`), fullPage: true });
const rowText = (sel) => page.locator(sel).allInnerTexts();

// ---------------------------------------------------------------------------------------

test('the page loads offline-clean, goes live and lists the node actors', async () => {
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith(wsBase)) external.push(r.url()); });
  await page.goto(`${base}/console`);
  await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10000 });
  await page.locator('#actor-table tbody tr[data-select]').first().waitFor();
  const kinds = await page.locator('#actor-table tbody td:nth-child(2)').allInnerTexts();
  for (const k of ['dispatcher', 'job-registry', 'worker-pool', 'factor-worker'])
    assert.ok(kinds.includes(k), `no ${k} in the actor table: ${kinds}`);
  assert.match(await page.locator('#tree').innerText(), /worker-pool[\s\S]*factor-worker/);
  // The uptime is drawn by the page's one-second clock, so it may lag the first frame.
  await page.waitForFunction(() => /\d+s/.test(document.querySelector('#uptime').textContent),
                             null, { timeout: 5000 });
  assert.match(await page.locator('#kafka-body').innerText(), /^cluster mode not running/);
  assert.ok(await page.locator('#chart-rate canvas').count() >= 1, 'uPlot did not draw the throughput chart');
  assert.deepEqual(external, [], 'the page loaded something from elsewhere');
});

test('search, sort and drill-down on the actor table', async () => {
  await page.fill('#actor-search', 'factor-worker');
  await page.waitForFunction(() => [...document.querySelectorAll('#actor-table tbody tr[data-select]')]
    .every((tr) => tr.children[1].innerText === 'factor-worker'));
  assert.equal(await page.locator('#actor-table tbody tr[data-select]').count(), 2);
  await page.fill('#actor-search', '');
  await page.click('#actor-table th[data-col="kind"]');
  await page.locator('#actor-table th[data-col="kind"][data-sort="asc"]').waitFor();
  await page.click('#actor-table th[data-col="kind"]');
  await page.locator('#actor-table th[data-col="kind"][data-sort="desc"]').waitFor();
  const kinds = await page.locator('#actor-table tbody td:nth-child(2)').allInnerTexts();
  assert.deepEqual(kinds, [...kinds].sort().reverse(), 'not sorted by kind, descending');
  await page.locator('#actor-table tbody tr', { hasText: 'dispatcher' }).first().click();
  await page.locator('#detail dl').first().waitFor();
  const detail = await page.locator('#detail').innerText();
  for (const f of ['mailbox', 'handled', 'last_message', 'started_at', 'callers_waiting', 'idle_workers'])
    assert.ok(detail.includes(f), `drill-down lacks ${f}: ${detail}`);
});

test('a WebSocket session appears with a ticking idle countdown, then exits', async () => {
  await page.evaluate((url) => { window.__probe = new WebSocket(url); }, `${wsBase}/ws?userid=browser-probe`);
  const row = page.locator('#session-table tbody tr', { hasText: 'browser-probe' });
  await row.waitFor({ timeout: 5000 });
  const countdown = row.locator('.countdown');
  const first = parseFloat(await countdown.innerText());
  await page.waitForTimeout(450);
  const second = parseFloat(await countdown.innerText());
  assert.ok(first > 0 && first <= 3, `countdown ${first}`);
  assert.ok(second < first, `countdown does not tick between frames: ${first} -> ${second}`);
  await shot('session');
  await row.waitFor({ state: 'detached', timeout: 8000 });
  await page.locator('#exited-table tbody tr', { hasText: 'browser-probe' }).waitFor({ timeout: 3000 });
  assert.equal(await page.evaluate(() => window.__probe.readyState), 3, 'the probe socket is still open');
});

test('a heavy and a light caller show in the fairness view', async () => {
  await submitBatch('heavy', HEAVY);
  await submitBatch('light', LIGHT);
  for (const caller of ['heavy', 'light'])
    await page.locator(`#fair-table tr[data-caller="${caller}"]`).waitFor({ timeout: 8000 });
  await page.locator('#workers-list li.busy').first().waitFor({ timeout: 8000 });
  const heavy = await page.locator('#fair-table tr[data-caller="heavy"]').innerText();
  assert.match(heavy, /heavy/);
  assert.ok(await page.locator('#fair-table tr[data-caller="heavy"] .bar u').count() === 1, 'no fair-share marker');
  assert.match(await page.locator('#jain').innerText(), /^[01]\.\d+|^1$/);
});

test('actions are disabled without a token and refused with a wrong one', async () => {
  assert.equal(await page.locator('#action-forms button').first().isDisabled(), true, 'actions enabled without a token');
  assert.match(await page.locator('#token-hint').innerText(), /Enter the console token/);
  assert.equal(await page.locator('#fair-table button[data-act]').count(), 0, 'row actions shown without a token');
  await page.fill('#token', 'not-the-token');
  await page.click('#token-form button[type="submit"]');
  const pause = page.locator('#action-forms form[data-action="pause_caller"]');
  await pause.locator('input[name="caller"]').fill('heavy');
  await pause.locator('button').click();
  const result = page.locator('#action-results li').first();
  await result.waitFor();
  assert.equal(await result.getAttribute('class'), 'err');
  assert.match(await result.innerText(), /401 unauthorized/);
});

test('with the token, pause and resume a caller from the page', async () => {
  await page.click('#token-clear');
  await page.fill('#token', opt.token);
  await page.click('#token-form button[type="submit"]');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('factord.console-token')), opt.token);
  const pause = page.locator('#action-forms form[data-action="pause_caller"]');
  await pause.locator('input[name="caller"]').fill('heavy');
  await pause.locator('button').click();
  await page.locator('#action-results li.ok', { hasText: 'pause heavy' }).waitFor({ timeout: 5000 });
  const row = page.locator('#fair-table tr[data-caller="heavy"]');
  await row.locator('.pill', { hasText: 'paused' }).waitFor({ timeout: 5000 });
  // Two sockets: one idle (a countdown), one with a number being factored ("in flight").
  await page.evaluate(([url, n]) => {
    window.__idle = new WebSocket(`${url}?userid=dashboard`);
    window.__busy = new WebSocket(`${url}?userid=ws-client`);
    window.__busy.onopen = () => window.__busy.send(n);
  }, [`${wsBase}/ws`, SOCKET_NUMBER]);
  await page.locator('#session-table tr', { hasText: 'ws-client' }).locator('.pill', { hasText: 'in flight' })
    .waitFor({ timeout: 5000 });
  await page.locator('#session-table tr', { hasText: 'dashboard' }).locator('.countdown').waitFor();
  await page.waitForTimeout(700); // a few frames and chart points for the screenshot
  await shot('paused');
  if (opt['update-screenshot']) {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: opt['update-screenshot'], fullPage: true });
  }
  await row.locator('button[data-act="resume_caller"]').click();
  await page.locator('#action-results li.ok', { hasText: 'resume heavy' }).waitFor({ timeout: 5000 });
  await row.locator('.pill', { hasText: 'paused' }).waitFor({ state: 'detached', timeout: 5000 });
});

test('charts keep their history across a reload', async () => {
  await page.waitForFunction(() => window.factordConsole.model.history.length >= 2, null, { timeout: 10000 });
  await page.reload();
  await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10000 });
  await page.waitForFunction(() => window.factordConsole.model.history.length >= 2, null, { timeout: 3000 });
  // The token is per tab, so it survives a reload too.
  assert.equal(await page.locator('#action-forms button').first().isDisabled(), false);
  await shot('reloaded');
});

test('the interval picker changes the stream rate', async () => {
  await page.selectOption('#interval', '250');
  const gaps = await page.evaluate(() => new Promise((resolve) => {
    const m = window.factordConsole.model;
    const times = [];
    let last = m.receivedAt;
    const t = setInterval(() => {
      if (m.receivedAt !== last) { last = m.receivedAt; times.push(last); }
      if (times.length >= 5) { clearInterval(t); resolve(times.slice(1).map((x, i) => x - times[i])); }
    }, 20);
  }));
  assert.ok(gaps.every((g) => g < 700), `frames not every ~250 ms: ${gaps}`);
  await page.selectOption('#interval', '1000');
});

// ---------------------------------------------------------------------------------------

// The wrong-token test makes the browser log its 401 on purpose.
await runTests(tests, opt, {
  prefix: 'console', onPage: (p) => { page = p; }, pageErrors: true,
  expectedErrors: /WebSocket connection .* failed|status of 401/,
  after: () => console.log(`screenshots in ${opt.artifacts}`),
});
