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
  if (!res.ok) throw new Error((data.error && data.error.message) || ('HTTP ' + res.status));
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

function renderFindings(box, text, findings) {
  box.replaceChildren();
  if (findings.length === 0) {
    box.append(el('p', { class: 'clean' }, 'No findings: nothing in this draft breaks a rule tactful knows.'));
    return;
  }
  const at = byteToIndex(text);
  const preview = el('div', { class: 'preview', id: 'preview' });
  let spans = findings.map((f) => [at(f.start), at(f.end), f.severity]).filter((s) => s[0] !== undefined && s[1] !== undefined);
  // A finding about the whole draft (the pitch gate, what kind of post it is)
  // would hide the phrases inside it: it is listed, not marked.
  const lead = text.length - text.trimStart().length;
  const tail = text.trimEnd().length;
  const isWhole = (s) => s[0] === lead && s[1] === tail;
  if (spans.some((s) => !isWhole(s))) spans = spans.filter((s) => !isWhole(s));
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let pos = 0;
  for (let [s, e, sev] of spans) {
    s = Math.max(s, pos);
    if (e <= s) continue;
    preview.append(text.slice(pos, s));
    preview.append(el('mark', { class: sev }, text.slice(s, e)));
    pos = e;
  }
  preview.append(text.slice(pos));
  box.append(preview);
  const list = el('ol', { class: 'findings' });
  for (const f of findings) {
    const code = el('a', { href: '/rules/' + encodeURIComponent(f.code) }, el('code', {}, f.code));
    const head = el('p', {}, el('span', { class: 'badge ' + f.severity }, f.severity), ' ', code, ' ' + f.message);
    const refs = el('ul');
    for (const r of f.references || []) refs.append(el('li', {}, el('a', { href: r, rel: 'noreferrer' }, r)));
    const more = el('details', {}, el('summary', {}, 'Why, and what to say instead'),
      el('p', {}, f.explanation || ''), el('p', {}, el('strong', {}, 'Try: '), f.hint || ''), refs);
    list.append(el('li', { class: 'finding ' + f.severity }, head, el('p', { class: 'excerpt' }, '“' + (f.excerpt || '') + '”'), more));
  }
  box.append(list);
}

function setupCheck() {
  const form = document.getElementById('check-form');
  if (!form) return;
  const draft = document.getElementById('draft');
  const channel = document.getElementById('channel');
  const to = document.getElementById('to');
  const box = document.getElementById('results');
  const params = new URLSearchParams(location.search);
  if (params.get('to')) { to.value = params.get('to'); channel.value = 'dm'; }
  let timer = null;
  let seq = 0;
  async function run() {
    const text = draft.value;
    const mine = ++seq;
    if (!text.trim()) { box.replaceChildren(el('p', { class: 'muted' }, 'Nothing checked yet.')); return; }
    try {
      const body = { text, channel: channel.value };
      if (to.value.trim()) body.to = to.value.trim();
      const data = await api('POST', '/api/v1/check', body);
      if (mine === seq) renderFindings(box, text, data.findings);
    } catch (e) {
      if (mine === seq) box.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));
    }
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(run, 150); };
  draft.addEventListener('input', soon);
  channel.addEventListener('change', run);
  to.addEventListener('input', soon);
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  if (draft.value.trim()) run();
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
setupPackTest();
