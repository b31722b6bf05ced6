// The console's Kafka panel in Chromium against a running cluster (started by
// tests/cluster: a real broker, gateways and workers). Checks one gateway's and one
// worker's console: the panel lists the node's Kafka actors with live counters, and a job
// submitted meanwhile shows up in the gateway producer's "acked" count without a reload.
//   node kafka_panel.test.mjs --gateway URL --worker URL --chromium PATH --artifacts DIR --profile DIR
import { launch } from './launch.mjs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    gateway: { type: 'string' }, worker: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    artifacts: { type: 'string' }, profile: { type: 'string' },
  },
});

const context = await launch(opt.chromium, opt.profile);
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(15000);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });

// The panel's entries as {kind, role, fields: {name: text}}.
const panel = () => page.evaluate(() => [...document.querySelectorAll('#kafka-body .bridge')].map((b) => {
  const fields = {};
  const dts = b.querySelectorAll('dt');
  b.querySelectorAll('dd').forEach((dd, i) => { fields[dts[i].textContent] = dd.textContent; });
  return { kind: b.querySelector('.kind').textContent, role: b.textContent.split('\n')[0], fields };
}));

async function open(base) {
  await page.goto(`${base}/console`);
  await page.locator('#conn[data-state="live"]').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#kafka-body .bridge').length >= 3);
  return panel();
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('a gateway lists its bridge, producer and consumer, and counts a new job live', async () => {
  const entries = await open(opt.gateway);
  const kinds = entries.map((e) => e.kind);
  for (const k of ['kafka-bridge', 'kafka-producer', 'kafka-consumer'])
    assert.ok(kinds.includes(k), `no ${k} in the Kafka panel: ${JSON.stringify(entries)}`);
  const bridge = entries.find((e) => e.kind === 'kafka-bridge');
  assert.equal(bridge.fields.role, '"gateway"', JSON.stringify(bridge));
  assert.equal(bridge.fields.kafka_up, 'true', JSON.stringify(bridge));
  const consumer = entries.find((e) => e.kind === 'kafka-consumer');
  assert.equal(consumer.fields.broker_up, 'true', JSON.stringify(consumer));
  const acked = Number(entries.find((e) => e.kind === 'kafka-producer').fields.acked);
  assert.ok(Number.isFinite(acked), JSON.stringify(entries));
  const res = await fetch(`${opt.gateway}/v1/jobs`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Caller-ID': 'console-kafka' },
    body: JSON.stringify({ number: '3211891798434562153' }),
  });
  assert.ok([200, 202].includes(res.status), `POST: ${res.status} ${await res.text()}`);
  await page.waitForFunction((before) => [...document.querySelectorAll('#kafka-body .bridge')].some((b) => {
    if (b.querySelector('.kind').textContent !== 'kafka-producer') return false;
    const dts = [...b.querySelectorAll('dt')];
    const i = dts.findIndex((dt) => dt.textContent === 'acked');
    return i >= 0 && Number(b.querySelectorAll('dd')[i].textContent) > before;
  }), acked);
  await page.screenshot({ path: path.join(opt.artifacts, 'console-kafka-gateway.png'), fullPage: true });
});

test('a worker lists its group consumer, results reader and producer', async () => {
  const entries = await open(opt.worker);
  const bridge = entries.find((e) => e.kind === 'kafka-bridge');
  assert.ok(bridge, JSON.stringify(entries));
  assert.equal(bridge.fields.role, '"worker"', JSON.stringify(bridge));
  const modes = entries.filter((e) => e.kind === 'kafka-consumer').map((e) => e.fields.mode);
  assert.ok(modes.some((m) => /^"group /.test(m)), `no group consumer: ${modes}`);
  assert.ok(modes.includes('"reader"'), `no results reader: ${modes}`);
  assert.ok(entries.some((e) => e.kind === 'kafka-producer'), JSON.stringify(entries));
  await page.screenshot({ path: path.join(opt.artifacts, 'console-kafka-worker.png'), fullPage: true });
});

let passed = 0, failed = 0;
for (const t of tests) {
  try {
    await t.fn();
    passed++;
    console.log(`ok   ${t.name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name}\n  ${String(e.stack || e).replace(/\n/g, '\n  ')}`);
  }
}
if (pageErrors.length) {
  failed++;
  console.log(`FAIL no JavaScript errors on the page\n  ${pageErrors.join('\n  ')}`);
}
await context.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
