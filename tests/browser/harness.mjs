// Shared by the browser tests: Debian's Chromium, headless and offline-quiet,
// and a tally of checks that prints one line each and the totals.
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export class Tally {
  passed = 0;
  failed = 0;
  check = (name, ok, detail = '') => {
    if (ok) { this.passed++; console.log(`ok   ${name}`); } else { this.failed++; console.log(`FAIL ${name} ${detail}`); }
  };
  finish() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exit(this.failed === 0 ? 0 : 1);
  }
}
