// A page of another origin against a running factord serve (README "Security", issue 11
// "Browsers"): it must not open the job WebSocket or the console stream, read the console,
// or submit work with the POSTs a page may send without asking first (no Content-Type,
// text/plain, no-cors). The other origin is a real one: a small static server on another
// port, so Chromium sends Origin: http://127.0.0.1:<that port> by its own rules. Refusals
// are confirmed on the server's side: its /metrics count each one by route and status,
// and no job is accepted.
//   node cross_origin.test.mjs --base URL --chromium PATH --profile DIR --artifacts DIR
import { runTests } from './launch.mjs';
import assert from 'node:assert/strict';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' }, chromium: { type: 'string', default: '/usr/bin/chromium' },
    artifacts: { type: 'string' }, profile: { type: 'string' },
    token: { type: 'string' }, 'update-screenshot': { type: 'string' },
  },
});
const base = opt.base;
const wsBase = base.replace(/^http/, 'ws');

// factord's /metrics as {sample: value}; fetched by this script (no Origin), not the page.
async function metrics() {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return out;
}
const requests = (m, route, status) => m[`factord_http_requests_total{route="${route}",status="${status}"}`] || 0;
const accepted = (m) => m['factord_jobs_total{outcome="accepted"}'] || 0;

// The other origin: one empty page.
const other = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><title>another site</title><p>another site</p>');
});
await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
const otherBase = `http://127.0.0.1:${other.address().port}`;

// In the page: open a WebSocket and report how it ended ('open' or 'refused').
const tryWebSocket = (url) => new Promise((resolve) => {
  const ws = new WebSocket(url);
  const timer = setTimeout(() => resolve('timeout'), 5000);
  ws.onopen = () => { clearTimeout(timer); ws.close(); resolve('open'); };
  ws.onerror = () => { clearTimeout(timer); resolve('refused'); };
});

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let page;

test('control: a page of factord\'s own origin opens /ws and the console stream', async () => {
  await page.goto(`${base}/openapi.json`);
  assert.equal(await page.evaluate(tryWebSocket, `${wsBase}/ws?userid=same-origin`), 'open');
  assert.equal(await page.evaluate(tryWebSocket, `${wsBase}/v1/actors/stream`), 'open');
});

test('another origin cannot open /ws or the console stream: 403 before the upgrade', async () => {
  await page.goto(`${otherBase}/`);
  const before = await metrics();
  const origin = await page.evaluate(() => location.origin);
  assert.equal(origin, otherBase);
  for (const url of [`${wsBase}/ws?userid=cross`, `${wsBase}/?userid=cross`, `${wsBase}/v1/actors/stream`])
    assert.equal(await page.evaluate(tryWebSocket, url), 'refused', url);
  const after = await metrics();
  assert.equal(requests(after, '/ws', 403) - requests(before, '/ws', 403), 2, 'the /ws refusals were not 403s');
  assert.equal(requests(after, '/v1/actors/stream', 403) - requests(before, '/v1/actors/stream', 403), 1);
  assert.equal(requests(after, '/ws', 101), requests(before, '/ws', 101), 'a cross-origin socket was upgraded');
});

test('another origin cannot read the console or act through it', async () => {
  await page.goto(`${otherBase}/`);
  const before = await metrics();
  const outcome = await page.evaluate(async (b) => {
    const results = [];
    for (const [url, init] of [
      [`${b}/v1/actors`, {}],
      [`${b}/v1/actors`, { mode: 'no-cors' }],
      [`${b}/v1/console/actions`, { method: 'POST', mode: 'no-cors', body: '{"action":"pause_caller","caller":"x"}' }],
    ]) {
      try {
        const res = await fetch(url, init);
        results.push(res.type === 'opaque' ? 'opaque' : `read ${res.status}`);
      } catch (e) {
        results.push('blocked');
      }
    }
    return results;
  }, base);
  assert.deepEqual(outcome, ['blocked', 'opaque', 'opaque']);
  const after = await metrics();
  // The CORS GET carries Origin: 403. A no-cors GET carries none (Fetch: Origin goes on
  // CORS requests and on every other method), so it is answered like curl's, but the page
  // holds only an opaque response it cannot read; a GET changes nothing.
  assert.equal(requests(after, '/v1/actors', 403) - requests(before, '/v1/actors', 403), 1);
  assert.equal(requests(after, '/v1/console/actions', 403) - requests(before, '/v1/console/actions', 403), 1);
});

test('another origin cannot submit work: no Content-Type, text/plain and no-cors POSTs are refused', async () => {
  await page.goto(`${otherBase}/`);
  const before = await metrics();
  const outcome = await page.evaluate(async (b) => {
    const body = JSON.stringify({ number: '91' });
    const attempts = [
      // The simple requests a page may send without a preflight.
      { method: 'POST', body: new TextEncoder().encode(body) },               // no Content-Type at all
      { method: 'POST', body },                                               // text/plain;charset=UTF-8
      { method: 'POST', body, headers: { 'Content-Type': 'text/plain' } },
      { method: 'POST', body, mode: 'no-cors' },
      { method: 'POST', body: new TextEncoder().encode(body), mode: 'no-cors' },
      { method: 'POST', body: new URLSearchParams({ number: '91' }), mode: 'no-cors' }, // a form's body
      // JSON needs a preflight, which factord does not grant: the POST is never sent.
      { method: 'POST', body, headers: { 'Content-Type': 'application/json' } },
    ];
    const results = [];
    for (const init of attempts) {
      for (const path of ['/v1/jobs?caller_id=cross', '/compute?caller_id=cross']) {
        try {
          const res = await fetch(b + path, init);
          results.push(res.type === 'opaque' ? 'opaque' : `read ${res.status}`);
        } catch (e) {
          results.push('blocked');
        }
      }
    }
    return results;
  }, base);
  // Cross-origin answers without CORS headers are unreadable (blocked) or opaque; what
  // counts is what the server did, below.
  assert.ok(outcome.every((o) => o === 'blocked' || o === 'opaque'), `a page read an answer: ${outcome}`);
  const after = await metrics();
  const refused = (route) => requests(after, route, 415) - requests(before, route, 415);
  assert.equal(refused('/v1/jobs'), 6, 'six simple POSTs to /v1/jobs, each a 415');
  assert.equal(refused('/compute'), 6, 'six simple POSTs to /compute, each a 415');
  assert.equal(accepted(after), accepted(before), 'a job was created from another origin');
  for (const route of ['/v1/jobs', '/compute'])
    for (const status of [200, 202])
      assert.equal(requests(after, route, status), requests(before, route, status), `${route} answered ${status}`);
});

// ---------------------------------------------------------------------------------------

await runTests(tests, opt, { prefix: 'cross-origin', onPage: (p) => { page = p; }, after: () => other.close() });
