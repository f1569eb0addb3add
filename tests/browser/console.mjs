// The compliance console end to end in real headless Chromium, as four
// people on one real server (`tactful company serve`, on PostgreSQL when a
// postgres:// store is given): a post is ingested over the API and scanned
// → a reviewer sends the notice → the distributor reads it, passes the
// lesson and fixes the post → the re-ingest closes the case → the team
// leader sees the team's trend → the admin finds the audit chain whole.
// Each person first accepts their invitation link and logs in. Then every
// page each of them has is photographed at phone (390 px) and desktop
// (1280 px) width and checked by axe-core; no page may scroll sideways.
//
// Usage: node console.mjs path/to/tactful SCREENSHOT_DIR STORE
import { launch, Tally } from './harness.mjs';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

const [bin, shots, store] = process.argv.slice(2);
if (!bin || !shots || !store) {
  console.error('usage: node console.mjs path/to/tactful SCREENSHOT_DIR STORE (a SQLite path or a postgres:// URL)');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const examples = new URL('../../examples/company/', import.meta.url).pathname;
// One clock for the whole story: the CLI, the server and the scan agree on "now".
const env = { ...process.env, TACTFUL_NOW: '2026-11-21T09:00:00Z' };
const tactful = (...args) => execFileSync(bin, ['company', ...args, '--db', store], { env, encoding: 'utf8' });
// The lessons are built in (no store).
const lessonOf = (name) => JSON.parse(execFileSync(bin, ['company', 'lesson', 'show', name, '--json'], { env, encoding: 'utf8' }));

// The company: the example roster, an integration key, and an invitation for each person.
tactful('roster', 'import', examples + 'roster.csv', '--as', 'officer');
const key = tactful('apikey', 'create', 'listening', '--as', 'officer').trim().split('\n').pop().trim();
const people = {
  admin: { email: 'officer@example.com', name: 'Olu Officer', role: 'admin' },
  reviewer: { email: 'rev@example.com', name: 'Rita Reviewer', role: 'reviewer' },
  leader: { email: 'sam@example.com', name: 'Sam Lee', role: 'leader', distributor: 'D2' },
  distributor: { email: 'priya@example.com', name: 'Priya Nair', role: 'distributor', distributor: 'D3' },
};
for (const p of Object.values(people)) {
  const out = tactful('account', 'invite', '--email', p.email, '--name', p.name, '--role', p.role,
    ...(p.distributor ? ['--distributor', p.distributor] : []));
  p.link = out.match(/\/invitation\/[0-9a-f]+/)[0];
  p.password = `a long passphrase for ${p.role}`;
}

const server = spawn(bin, ['company', 'serve', '--listen', '127.0.0.1:0', '--db', store], { stdio: ['ignore', 'pipe', 'inherit'], env });
const base = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.once('line', (l) => {
    const m = l.match(/http:\/\/127\.0\.0\.1:\d+/);
    m ? resolve(m[0]) : reject(new Error('no URL in: ' + l));
  });
  server.once('exit', (c) => reject(new Error('tactful company serve exited with ' + c)));
  setTimeout(() => reject(new Error('tactful company serve did not start in 30 s')), 30000);
});
let stopping = false;
server.on('exit', (code, signal) => { if (!stopping) console.log(`FAIL the server stopped by itself (code ${code}, signal ${signal})`); });

// What the social-listening integration sends: JSON lines, with its key.
const ingest = async (lines) => {
  const r = await fetch(base + '/api/v1/company/ingest', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/x-ndjson' },
    body: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
  });
  if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
  return r.json();
};
const feed = readFileSync(examples + 'feed.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));

const browser = await launch();
const tally = new Tally();
const { check } = tally;
const attempt = async (name, fn) => {
  try { await fn(); } catch (e) { check(name, false, String(e).split('\n')[0]); }
};
// Pages each person opened, photographed and checked by axe at the end.
const visited = [];
const errors = [];

try {
  // Each person in their own browser (their own cookies).
  for (const [who, p] of Object.entries(people)) {
    p.context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    p.page = await p.context.newPage();
    // The refusals this story provokes on purpose (404, 403) are logged by Chromium as errors: those are expected.
    p.page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[34]/.test(m.text())) errors.push(`${who} ${p.page.url()}: ${m.text()}`); });
    p.page.on('pageerror', (e) => errors.push(`${who} ${p.page.url()}: ${e}`));
  }

  await attempt('each person sets a password from their invitation link and logs in', async () => {
    for (const [who, p] of Object.entries(people)) {
      await p.page.goto(base + p.link);
      if (who === 'distributor') await p.page.screenshot({ path: join(shots, 'console-invitation.png'), fullPage: true });
      await p.page.fill('#password', p.password);
      await Promise.all([p.page.waitForURL(base + '/login'), p.page.click('button[type=submit]')]);
      await p.page.fill('#email', p.email);
      await p.page.fill('#password', p.password);
      await Promise.all([p.page.waitForNavigation(), p.page.click('button[type=submit]')]);
      const header = await p.page.textContent('header');
      if (!header.includes(p.name)) throw new Error(`${who}: not signed in: ${header}`);
      const cookie = (await p.context.cookies()).find((c) => c.name === 'tactful_console');
      if (!cookie || !cookie.httpOnly || cookie.sameSite !== 'Strict') throw new Error(`${who}: the session cookie is not HttpOnly and SameSite=Strict: ${JSON.stringify(cookie)}`);
    }
    check('each person sets a password from their invitation link and logs in (HttpOnly, SameSite=Strict session)', true);
  });

  let caseId, samsCase;
  await attempt('a post is ingested over the API and scanned into cases', async () => {
    const s = await ingest(feed);
    tactful('scan');
    const { reviewer } = people;
    await reviewer.page.goto(base + '/cases?distributor=D3');
    const link = reviewer.page.locator('main table a[href^="/cases/"]').first();
    caseId = (await link.getAttribute('href')).split('/').pop();
    await reviewer.page.goto(base + '/cases?distributor=D2');
    samsCase = (await reviewer.page.locator('main table a[href^="/cases/"]').first().getAttribute('href')).split('/').pop();
    visited.push(['reviewer', '/cases'], ['reviewer', `/cases/${caseId}`]);
    check(`a post is ingested over the API (${JSON.stringify(s).slice(0, 80)}…) and scanned into cases: Priya's is #${caseId}`, !!caseId);
  });

  await attempt('the reviewer moves through the queue by keyboard', async () => {
    const { page } = people.reviewer;
    await page.goto(base + '/cases');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    const selected = await page.locator('#queue tbody tr.selected').count();
    const first = await page.locator('#queue tbody tr').first().getAttribute('class');
    await page.keyboard.press('d');
    const reason = await page.evaluate(() => document.activeElement && document.activeElement.id);
    const ticked = await page.locator('#queue tbody tr').first().locator('input[type=checkbox]').isChecked();
    check('the reviewer moves through the queue by keyboard (j, j, k: the first row; d: its box ticked, the reason focused)',
      selected === 1 && (first || '').includes('selected') && reason === 'bulk-reason' && ticked, `${selected} ${first} ${reason} ${ticked}`);
  });

  await attempt('the reviewer reads the case and sends the notice', async () => {
    const { page } = people.reviewer;
    await page.goto(`${base}/cases/${caseId}`);
    const body = await page.textContent('main');
    if (!body.includes('cured my diabetes')) throw new Error('the post is not on the case page: ' + body.slice(0, 200));
    // The notice as the reviewer edited it, where the page offers the editor; else the company's note as it is.
    const editor = page.locator('textarea[name=body]');
    if (await editor.count()) {
      await editor.fill((await editor.inputValue()) + '\nP.S. Thank you for fixing this quickly, Priya.');
      await Promise.all([page.waitForNavigation(), page.click('form[action$="/notice"] button[type=submit]')]);
    } else {
      await Promise.all([page.waitForNavigation(), page.click(`form[action="/cases/${caseId}/note"] button`)]);
    }
    const after = await page.textContent('main');
    check('the reviewer reads the case and sends the notice (the case is now notice_sent)', after.includes('notice_sent'), after.slice(0, 200));
  });

  let lesson;
  await attempt('the distributor reads the notice and passes the lesson', async () => {
    const { page } = people.distributor;
    await page.goto(base + '/me');
    visited.push(['distributor', '/me']);
    const body = await page.textContent('main');
    if (!body.includes('Priya')) throw new Error('the notice is not on her page: ' + body.slice(0, 300));
    check('her page shows the notice as the reviewer edited it', body.includes('P.S. Thank you for fixing this quickly'), body.slice(0, 300));
    const link = page.locator('main a[href^="/lessons/"]').first();
    lesson = (await link.getAttribute('href')).split('/').pop();
    await Promise.all([page.waitForNavigation(), link.click()]);
    visited.push(['distributor', `/lessons/${lesson}`]);
    // She knows the answers (the lesson's own, as `tactful company lesson show --json` gives them).
    const l = lessonOf(lesson);
    for (const [i, q] of l.quiz.entries()) await page.check(`input[name=q${i}][value="${q.answer}"]`);
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    const said = await page.textContent('main');
    check(`the distributor reads the notice and passes the "${lesson}" lesson`, said.includes('Passed'), said.slice(0, 200));
    await page.goto(base + '/me');
    check('her page now shows the lesson passed', (await page.textContent('main')).includes('passed'));
  });

  await attempt('the distributor asks before posting; the reviewer approves; the text joins the approved claims', async () => {
    const draft = 'Our evening tea blend is back in stock, I love it with honey. Ask me for the flavours!';
    const d = people.distributor.page;
    await d.goto(base + '/me');
    await d.fill('#draft-text', draft);
    await Promise.all([d.waitForNavigation(), d.click('form[action="/me/drafts"] button[type=submit]')]);
    const mine = d.locator('main a[href^="/drafts/"]').first();
    const draftPath = await mine.getAttribute('href');
    const r = people.reviewer.page;
    await r.goto(base + '/drafts');
    await r.fill(`textarea[name=notes]`, 'Lovely, approved as written.');
    await Promise.all([r.waitForNavigation(), r.click(`form[action="${draftPath}/decide"] button[value=approve]`)]);
    await r.goto(base + '/drafts');
    const library = await r.textContent('main');
    await d.goto(base + draftPath);
    const hers = await d.textContent('main');
    visited.push(['distributor', draftPath], ['reviewer', '/drafts']);
    check('the distributor asks before posting; the reviewer approves; she sees it approved with the note, and the text joins the approved claims',
      /approved/i.test(hers) && hers.includes('Lovely, approved as written.') && library.includes(draft), hers.slice(0, 300));
  });

  await attempt('the distributor fixes the post; the re-ingest closes the case', async () => {
    const p3 = feed.find((l) => l.post_id === 'p3');
    await ingest([{ ...p3, text: 'I love this tea in the evening. Ask your doctor about anything to do with your diabetes.' }]);
    tactful('scan');
    const { page } = people.reviewer;
    await page.goto(`${base}/cases/${caseId}`);
    const body = await page.textContent('main');
    check('the distributor fixes the post; the re-ingest marks the case fixed', body.includes('fixed'), body.slice(0, 200));
  });

  await attempt("the team leader sees the team's open cases and trend", async () => {
    const { page } = people.leader;
    await page.goto(base + '/team');
    visited.push(['leader', '/team']);
    const body = await page.textContent('main');
    // Sam's own pasted claim is still open; Priya's is fixed, so not among the open ones.
    const open = await page.locator('main table a[href^="/cases/"]').allTextContents();
    check("the team leader sees the team's open cases and the trend by month",
      body.includes('2026-11') && !open.includes(`#${caseId}`) && open.length >= 1, `${open} ${body.slice(0, 300)}`);
  });

  await attempt('the leader makes a key of his own, uses it on the API and revokes it', async () => {
    const { page } = people.leader;
    await page.goto(base + '/me/keys');
    visited.push(['leader', '/me/keys']);
    await page.fill('#key-name', 'team export');
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]:has-text("Make the key")')]);
    const secret = ((await page.textContent('main')).match(/tpk_[0-9a-f]{64}/) || [])[0];
    const api = () => fetch(base + '/api/v1/company/cases', { headers: { Authorization: `Bearer ${secret}` } });
    const live = await api();
    const seen = live.status === 200 ? (await live.json()).cases.map((c) => c.distributor) : [];
    await Promise.all([page.waitForNavigation(), page.click('main button[aria-label^="Revoke team export"]')]);
    const gone = await api();
    check('the leader makes a key of his own (shown once), it sees his team only, and once revoked it is refused',
      !!secret && live.status === 200 && seen.length > 0 && seen.every((d) => ['D2', 'D3', 'D4'].includes(d)) && gone.status === 401,
      `${live.status} ${seen} ${gone.status}`);
  });

  await attempt('the admin verifies the audit log', async () => {
    const { page } = people.admin;
    await page.goto(base + '/admin/audit');
    visited.push(...['audit', 'accounts', 'roster', 'keys', 'templates', 'pack', 'report'].map((a) => ['admin', `/admin/${a}`]));
    const body = await page.textContent('main');
    check('the admin finds the audit chain whole, with the notice, the lesson and the fix in it',
      body.includes('The chain holds') && body.includes('notice.queue') && body.includes('lesson'), body.slice(0, 300));
  });

  await attempt('nobody sees what is not theirs', async () => {
    const other = await people.distributor.page.goto(`${base}/cases/${samsCase}`);
    const admin = await people.leader.page.goto(`${base}/admin/audit`);
    const anon = await browser.newPage();
    const r = await anon.goto(`${base}/cases/${caseId}`);
    const leaked = (await anon.textContent('body')).includes('diabetes');
    await anon.close();
    check('nobody sees what is not theirs (another\'s case 404, the leader on admin 403, no login → the login page)',
      other.status() === 404 && admin.status() === 403 && r.url().endsWith('/login') && !leaked,
      `${other.status()} ${admin.status()} ${r.url()}`);
  });

  await attempt('every page at phone and desktop width: screenshots, no sideways scroll, axe-core clean', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const pages = [['anyone', '/login'], ['anyone', '/report'], ...visited];
    const found = [];
    for (const [who, path] of pages) {
      // axe runs inside the page: its script is let in past the CSP in this context only, with the person's cookies.
      const ctx = await browser.newContext({ bypassCSP: true });
      if (people[who]) await ctx.addCookies(await people[who].context.cookies());
      const p = await ctx.newPage();
      for (const width of [390, 1280]) {
        await p.setViewportSize({ width, height: 900 });
        const r = await p.goto(base + path);
        if (r.status() !== 200) throw new Error(`${who} ${path}: ${r.status()}`);
        const wide = await p.evaluate(() => document.documentElement.scrollWidth);
        if (wide > width) found.push(`${width}px ${path}: ${wide} px wide`);
        const name = `console-${who}${path.replace(/[/]+/g, '-').replace(/-$/, '')}-${width === 390 ? 'phone' : 'desktop'}.png`;
        await p.screenshot({ path: join(shots, name), fullPage: true });
        await p.evaluate(axe);
        const v = await p.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
        for (const x of v) found.push(`${width}px ${who} ${path}: ${x.id} (${x.nodes.length}) ${x.nodes[0].target.join(' ')}`);
      }
      await ctx.close();
    }
    check(`every page (${pages.length}) at 390 and 1280 px: screenshots, no sideways scroll, axe-core 0 violations`, found.length === 0, found.join('; '));
  });

  check('no page logged a console error', errors.length === 0, JSON.stringify(errors));
} finally {
  await browser.close();
  stopping = true;
  server.kill();
}
tally.finish();
