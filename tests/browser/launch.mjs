// Debian's Chromium through playwright-core, headless, with a throwaway profile, and the
// run loop every browser test script shares (runTests).
import { chromium } from 'playwright-core';
import path from 'node:path';

export async function launch(executablePath, profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1600, height: 1000 },
  });
}

// Runs `tests` ([{name, fn}]) in order on one page of a fresh Chromium: prints "ok"/"FAIL"
// per test (a failure's stack and a screenshot `<prefix>-fail-N.png` in opt.artifacts),
// then, when `pageErrors` is set, one more check that the page logged no JavaScript error
// other than those matching `expectedErrors`. `onPage(page)` hands the page to the tests
// before the first runs. Ends the process with the summary line and exit status.
export async function runTests(tests, opt, { prefix, onPage, pageErrors = false, expectedErrors = /^$/, after }) {
  const context = await launch(opt.chromium, opt.profile);
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  onPage(page);
  let passed = 0, failed = 0;
  for (const t of tests) {
    const t0 = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`ok   ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n  ${String(e.stack || e).replace(/\n/g, '\n  ')}`);
      await page.screenshot({ path: path.join(opt.artifacts, `${prefix}-fail-${passed + failed}.png`), fullPage: true })
        .catch(() => {});
    }
  }
  if (pageErrors) {
    const unexpected = errors.filter((e) => !expectedErrors.test(e));
    if (unexpected.length) {
      failed++;
      console.log(`FAIL no JavaScript errors on the page\n  ${unexpected.join('\n  ')}`);
    } else {
      passed++;
      console.log('ok   no JavaScript errors on the page');
    }
  }
  await context.close();
  if (after) await after();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
