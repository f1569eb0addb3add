// tactful web app: live draft checking, import progress, company-pack tests.
// Every text from the server is put on the page with textContent, never as HTML.
'use strict';

const token = document.querySelector('meta[name="tactful-token"]').content;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

async function api(method, path, body, raw) {
  const headers = { 'X-Tactful-Token': token };
  if (!raw) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: raw ? body : JSON.stringify(body) });
  const data = await res.json().catch(() => ({ error: { message: 'the server answered ' + res.status } }));
  if (!res.ok) {
    const err = new Error((data.error && data.error.message) || ('HTTP ' + res.status));
    err.detail = data.error || {};
    throw err;
  }
  return data;
}

// Findings carry UTF-8 byte offsets; JavaScript strings count UTF-16 units.
function byteToIndex(text) {
  const map = new Map();
  let bytes = 0;
  let i = 0;
  for (const ch of text) {
    map.set(bytes, i);
    const cp = ch.codePointAt(0);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  map.set(bytes, i);
  return (b) => map.get(b);
}

// The one line under the editor that says how much was found (app.css keeps it in view on a phone).
function renderCount(findings) {
  const line = document.getElementById('finding-count');
  if (!line) return;
  if (findings === null) { line.replaceChildren(); return; }
  if (findings.length === 0) { line.replaceChildren(el('span', { class: 'clean' }, 'Nothing to change.')); return; }
  const n = (s) => findings.filter((f) => f.severity === s).length;
  const parts = [['error', 'error'], ['warning', 'warning'], ['info', 'tip']]
    .filter(([s]) => n(s) > 0).map(([s, w]) => `${n(s)} ${w}${n(s) === 1 ? '' : 's'}`);
  const things = findings.length === 1 ? 'thing' : 'things';
  line.replaceChildren(el('a', { href: '#results' }, `${findings.length} ${things} to look at: ${parts.join(', ')}`));
}

// The spans to mark, as [start, end, severity] in JavaScript string indices.
// A finding about the whole draft (the pitch gate, what kind of post it is)
// would hide the phrases inside it: it is listed, not marked.
function spansOf(text, findings) {
  const at = byteToIndex(text);
  let spans = findings.map((f) => [at(f.start), at(f.end), f.severity]).filter((s) => s[0] !== undefined && s[1] !== undefined);
  const lead = text.length - text.trimStart().length;
  const tail = text.trimEnd().length;
  const isWhole = (s) => s[0] === lead && s[1] === tail;
  if (spans.some((s) => !isWhole(s))) spans = spans.filter((s) => !isWhole(s));
  return spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
}

// `into` gets the text with each span in a <mark> (overlaps: what is not marked yet).
function markInto(into, text, spans) {
  into.replaceChildren();
  let pos = 0;
  for (let [s, e, sev] of spans) {
    s = Math.max(s, pos);
    if (e <= s) continue;
    into.append(text.slice(pos, s));
    into.append(el('mark', { class: sev }, text.slice(s, e)));
    pos = e;
  }
  into.append(text.slice(pos));
}

// `rewrite(f)`: apply a finding's rewrite to the draft (null: no buttons).
function renderFindings(box, text, findings, rewrite) {
  renderCount(findings);
  // A panel the seller opened stays open when the findings come again.
  const open = new Set([...box.querySelectorAll('details[open]')].map((d) => d.dataset.code));
  box.replaceChildren();
  const backdrop = document.getElementById('backdrop');
  const spans = spansOf(text, findings);
  if (backdrop) markInto(backdrop, text, spans);
  if (findings.length === 0) {
    box.append(el('p', { class: 'clean' }, 'No findings: nothing in this draft breaks a rule tactful knows.'));
    return;
  }
  const preview = el('div', { class: 'preview', id: 'preview' });
  markInto(preview, text, spans);
  box.append(preview);
  const at = byteToIndex(text);
  const list = el('ol', { class: 'findings' });
  for (const f of findings) {
    const code = el('a', { href: '/rules/' + encodeURIComponent(f.code) }, el('code', {}, f.code));
    const head = el('p', {}, el('span', { class: 'badge ' + f.severity }, f.severity), ' ', code, ' ' + f.message);
    const item = el('li', { class: 'finding ' + f.severity }, head, el('p', { class: 'excerpt' }, '“' + (f.excerpt || '') + '”'));
    if (f.rewrite && rewrite) {
      const r = f.rewrite;
      const was = text.slice(at(r.start), at(r.end)).trim();
      const offer = el('div', { class: 'rewrite' });
      if (r.text.trim()) offer.append(el('p', {}, el('strong', {}, 'Instead: '), '“' + r.text.trim() + '”'));
      else offer.append(el('p', {}, el('strong', {}, 'Leave out: '), '“' + was + '”'));
      const use = el('button', { type: 'button', class: 'choice' }, r.label);
      use.addEventListener('click', () => rewrite(text, f));
      offer.append(use);
      item.append(offer);
    }
    const refs = el('ul');
    for (const r of f.references || []) refs.append(el('li', {}, el('a', { href: r, rel: 'noreferrer' }, r)));
    const more = el('details', { 'data-code': f.code }, el('summary', {}, 'Why, and what to say instead'),
      el('p', {}, f.explanation || ''), el('p', {}, el('strong', {}, 'Try: '), f.hint || ''), refs);
    if (open.has(f.code)) more.open = true;
    item.append(more);
    list.append(item);
  }
  box.append(list);
}

// Whom the draft was checked for, in one line above the findings.
function forWhom(r) {
  if (!r) return null;
  if (r.stranger) return el('p', { class: 'for-whom' }, 'For ', el('strong', {}, r.name), ': not in your history, so checked as a first message from a stranger.');
  return el('p', { class: 'for-whom' }, 'For ', el('a', { href: '/contacts/' + r.contact }, r.name), ', from your history.');
}

// A name that fits several contacts (or only part of one): ask, never guess.
function picker(query, detail, choose) {
  const box = el('div', { class: 'ask', role: 'group', 'aria-labelledby': 'ask-h' });
  const why = detail.candidates.length && detail.total === detail.candidates.length && !detail.message.startsWith('no contact')
    ? ` ${detail.total} people in your history have that name.` : ' Nobody in your history has exactly that name.';
  box.append(el('p', { id: 'ask-h' }, el('strong', {}, `Who do you mean by “${query}”?`), why));
  const list = el('ul', { class: 'picker' });
  for (const c of detail.candidates) {
    const b = el('button', { type: 'button', class: 'choice' }, c.name, el('span', { class: 'muted' }, ' ' + c.handles.join(', ')));
    b.addEventListener('click', () => choose('#' + c.id, false));
    list.append(el('li', {}, b));
  }
  const fresh = el('button', { type: 'button', class: 'choice secondary' }, `Someone new called “${query}”`);
  fresh.addEventListener('click', () => choose(query, true));
  list.append(el('li', {}, fresh));
  box.append(list);
  if (detail.total > detail.candidates.length) box.append(el('p', { class: 'muted' }, `And ${detail.total - detail.candidates.length} more: type more of the name to narrow it down.`));
  return box;
}

function setupCheck() {
  const form = document.getElementById('check-form');
  if (!form) return;
  const draft = document.getElementById('draft');
  const channel = document.getElementById('channel');
  const to = document.getElementById('to');
  const stranger = document.getElementById('stranger');
  const people = document.getElementById('people');
  const box = document.getElementById('results');
  const params = new URLSearchParams(location.search);
  if (params.get('to')) { to.value = params.get('to'); channel.value = 'dm'; }
  let timer = null;
  let seq = 0;
  async function run() {
    const text = draft.value;
    const mine = ++seq;
    if (!text.trim()) { renderCount(null); if (backdrop) backdrop.textContent = text; box.replaceChildren(el('p', { class: 'muted' }, 'Nothing checked yet.')); return; }
    const body = { text, channel: channel.value };
    const who = to.value.trim();
    if (who && (channel.value === 'dm' || channel.value === 'comment')) { body.to = who; body.stranger = stranger.checked; }
    try {
      const data = await api('POST', '/api/v1/check', body);
      if (mine !== seq) return;
      renderFindings(box, text, data.findings, applyRewrite);
      const line = forWhom(data.recipient);
      if (line) box.prepend(line);
    } catch (e) {
      if (mine !== seq) return;
      if (e.detail && e.detail.code === 'ambiguous') {
        // The draft's own findings still show while the seller picks.
        const plain = await api('POST', '/api/v1/check', { text, channel: channel.value }).catch(() => null);
        if (mine !== seq) return;
        if (plain) renderFindings(box, text, plain.findings, applyRewrite); else box.replaceChildren();
        box.prepend(picker(who, e.detail, (value, isNew) => { to.value = value; stranger.checked = isNew; run(); }));
      } else {
        box.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));
      }
    }
  }
  // One click puts the rewrite in the draft (only if the draft is still the one checked).
  function applyRewrite(text, f) {
    if (draft.value !== text) return;
    const at = byteToIndex(text);
    draft.value = text.slice(0, at(f.rewrite.start)) + f.rewrite.text + text.slice(at(f.rewrite.end));
    grow();
    draft.focus();
    run();
  }
  // The underlines sit in a layer behind the text box; while the seller
  // types they would be out of place, so they go until the next check.
  const backdrop = document.getElementById('backdrop');
  // The box grows with the draft instead of scrolling, so the layer behind it wraps the same.
  const grow = () => { draft.style.height = 'auto'; draft.style.height = draft.scrollHeight + 2 + 'px'; };
  draft.addEventListener('input', grow);
  grow();
  if (backdrop) {
    draft.addEventListener('input', () => { backdrop.textContent = draft.value; });
    draft.addEventListener('scroll', () => { backdrop.scrollTop = draft.scrollTop; });
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(run, 150); };
  // Suggestions from the seller's own contacts as they type a name.
  let lastLookup = '';
  async function suggest() {
    const q = to.value.trim().replace(/^@/, '');
    if (q.length < 2 || q === lastLookup || q.startsWith('#') || q.includes('/')) return;
    lastLookup = q;
    try {
      const data = await api('GET', '/api/v1/contacts?q=' + encodeURIComponent(q));
      people.replaceChildren(...data.contacts.slice(0, 8).map((c) => el('option', { value: c.name })));
    } catch (e) { /* suggestions are a help, not a need */ }
  }
  draft.addEventListener('input', soon);
  channel.addEventListener('change', run);
  to.addEventListener('input', () => { soon(); suggest(); });
  stranger.addEventListener('change', run);
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  if (draft.value.trim()) run();
}

// Answer boxes on Today and the Inbox: the reply is checked for that person
// as it is typed, and copied with one click; the seller sends it on the network.
function setupReplies() {
  for (const box of document.querySelectorAll('details.reply')) {
    const text = box.querySelector('textarea');
    const count = box.querySelector('.reply-count');
    const list = box.querySelector('.reply-findings');
    const copy = box.querySelector('button.copy');
    let timer = null;
    let seq = 0;
    async function run() {
      const mine = ++seq;
      if (!text.value.trim()) { count.textContent = ''; list.replaceChildren(); return; }
      try {
        const data = await api('POST', '/api/v1/check', { text: text.value, channel: 'dm', to: box.dataset.to });
        if (mine !== seq) return;
        const f = data.findings;
        count.replaceChildren(f.length ? `${f.length} ${f.length === 1 ? 'thing' : 'things'} to look at before you send it:` : el('span', { class: 'clean' }, 'Nothing to change: ready to copy.'));
        list.replaceChildren(...f.map((x) => el('li', { class: 'finding ' + x.severity }, el('span', { class: 'badge ' + x.severity }, x.severity), ' ' + x.message, el('br'), el('span', { class: 'muted' }, 'Try: ' + (x.hint || '')))));
      } catch (e) {
        if (mine === seq) count.replaceChildren(el('span', { class: 'error' }, e.message));
      }
    }
    text.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
    copy.addEventListener('click', async () => {
      try { await navigator.clipboard.writeText(text.value); } catch (e) { text.select(); document.execCommand('copy'); }
      copy.textContent = 'Copied';
      setTimeout(() => { copy.textContent = 'Copy the reply'; }, 2000);
    });
  }
}

function summaryTable(s) {
  const wrap = el('div');
  wrap.append(el('p', { id: 'import-counts' }, `${s.new} new, ${s.already_there} already there (${s.records} records in ${s.seconds}s).`));
  const t = el('table');
  t.append(el('thead', {}, el('tr', {}, ...['Network', 'Kind', 'New', 'Already there'].map((h) => el('th', { scope: 'col' }, h)))));
  const tb = el('tbody');
  for (const r of s.rows) tb.append(el('tr', {}, el('td', {}, r.network), el('td', {}, r.kind), el('td', {}, String(r.new)), el('td', {}, String(r.already_there))));
  t.append(tb);
  wrap.append(el('div', { class: 'scroll' }, t));
  for (const y of s.you) wrap.append(el('p', {}, `You on ${y.network}: ${y.handle}`));
  for (const k of s.skipped) wrap.append(el('p', { class: 'muted' }, `Skipped ${k.count} × ${k.reason} (e.g. ${k.example})`));
  for (const n of s.notes) wrap.append(el('p', { class: 'muted' }, 'Note: ' + n));
  wrap.append(el('p', {}, el('a', { href: '/contacts' }, 'See your contacts'), ' · ', el('a', { href: '/scan' }, 'Review past posts')));
  return wrap;
}

function setupImport() {
  const status = document.getElementById('import-status');
  if (!status) return;
  const bar = document.getElementById('import-progress');
  const out = document.getElementById('import-summary');
  function show(pct, msg) { bar.hidden = false; bar.value = pct; bar.textContent = pct + '%'; status.textContent = msg; }
  async function follow(job) {
    for (;;) {
      const j = await api('GET', '/api/v1/jobs/' + job);
      if (j.state === 'done') { show(100, 'Done: ' + j.file); out.replaceChildren(summaryTable(j.summary)); return; }
      if (j.state === 'failed') { bar.hidden = true; status.textContent = ''; out.replaceChildren(el('p', { class: 'error', role: 'alert' }, j.error)); return; }
      const left = j.seconds_left == null ? '' : `, about ${j.seconds_left}s left`;
      show(j.percent, j.state === 'waiting' ? 'Waiting for the previous import to finish…' : `Importing ${j.file}: ${j.records} records, ${j.percent}% read${left}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const fail = (e) => { bar.hidden = true; status.textContent = ''; out.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message)); };
  document.getElementById('import-path').addEventListener('submit', async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const f = e.target;
    try {
      const r = await api('POST', '/api/v1/import', { path: f.path.value, owner: f.owner.value || null });
      await follow(r.job);
    } catch (err) { fail(err); }
  });
  document.getElementById('import-upload').addEventListener('submit', (e) => {
    e.preventDefault();
    out.replaceChildren();
    const f = e.target;
    const file = f.file.files[0];
    if (!file) return;
    const q = new URLSearchParams({ name: file.name });
    if (f.owner.value) q.set('owner', f.owner.value);
    // XMLHttpRequest, not fetch: it reports upload progress.
    const x = new XMLHttpRequest();
    x.open('POST', '/api/v1/import/upload?' + q);
    x.setRequestHeader('X-Tactful-Token', token);
    x.setRequestHeader('Content-Type', 'application/octet-stream');
    x.upload.onprogress = (ev) => { if (ev.lengthComputable) show(Math.round((ev.loaded / ev.total) * 100), `Uploading ${file.name}…`); };
    x.onload = () => {
      let data = {};
      try { data = JSON.parse(x.responseText); } catch (_) { /* shown below */ }
      if (x.status !== 202) { fail(new Error((data.error && data.error.message) || ('HTTP ' + x.status))); return; }
      follow(data.job).catch(fail);
    };
    x.onerror = () => fail(new Error('the upload did not reach tactful'));
    x.send(file);
  });
}

function setupPackTest() {
  const form = document.getElementById('pack-test');
  if (!form) return;
  const out = document.getElementById('pack-result');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = document.getElementById('pack-file').files[0];
    const source = file ? await file.text() : document.getElementById('pack-source').value;
    const name = file ? file.name : 'pasted pack';
    try {
      const r = await api('POST', '/api/v1/packs/test', { name, source });
      const box = el('div', {}, el('p', { class: r.failures.length ? 'error' : 'clean' },
        `Pack ${r.pack}: ${r.rules.length} rules, ${r.passed} of ${r.examples} examples behave as written.`));
      const list = el('ul');
      for (const f of r.failures) list.append(el('li', {}, `${f.code} (${f.defined_at}) should ${f.expected === 'flag' ? 'flag' : 'not flag'}: “${f.text}”`));
      box.append(list);
      out.replaceChildren(box);
    } catch (err) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert' }, err.message));
    }
  });
}

setupCheck();
setupImport();
setupReplies();
setupPackTest();
