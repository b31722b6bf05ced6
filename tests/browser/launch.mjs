// Debian's Chromium through playwright-core, headless, with a throwaway profile: the one
// setup both browser test scripts use.
import { chromium } from 'playwright-core';

export async function launch(executablePath, profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1600, height: 1000 },
  });
}
