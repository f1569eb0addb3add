// Opens tactful's monthly HTML report in real headless Chromium (Debian's
// chromium, driven by playwright-core) and checks what a person would see:
// it loads without console errors, shows its charts, and runs no script.
// Leaves a screenshot under target/screenshots/ for a person to look at.
//
// Usage: node report.mjs REPORT.html SCREENSHOT.png
import { launch, Tally } from './harness.mjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [file, shot] = process.argv.slice(2);
if (!file || !shot) {
  console.error('usage: node report.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}

const browser = await launch();
const tally = new Tally();
const { check } = tally;
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const requests = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  await page.goto('file://' + file, { waitUntil: 'load' });
  check('the report loads without console errors', errors.length === 0, JSON.stringify(errors));
  check('the report asks for nothing from the network', requests.length === 0, JSON.stringify(requests));
  const charts = await page.locator('svg').count();
  check('the report shows its charts', charts >= 5, `found ${charts} svg`);
  const visible = await page.locator('svg').first().isVisible();
  check('the first chart is visible', visible);
  const scripts = await page.locator('script').count();
  check('the report runs no script', scripts === 0, `found ${scripts}`);
  const title = await page.title();
  check('the title names the period', /20\d\d-\d\d/.test(title), title);
  // Contrast, landmarks, names: axe-core, run inside the page (the file itself has no script).
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  check('axe-core finds no accessibility violation in the report', violations.length === 0,
    violations.map((v) => `${v.id} (${v.nodes.length}) ${v.nodes[0].target.join(' ')}`).join('; '));
  await page.screenshot({ path: shot, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shot.replace(/\.png$/, '-phone.png'), fullPage: true });
} finally {
  await browser.close();
}
tally.finish();
