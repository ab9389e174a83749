"""The stylesheet and script inlined into report.html (see `pipeline.write.report`).

The script reads the JSON data block and builds the trial table with DOM APIs and `textContent`
only: no `innerHTML`, no string-built markup, links only to `https://` addresses computed in Python.
It exposes `window.reportExportCsv()` (the corrections CSV of the current marks) for tests and tools.
"""

REPORT_CSS = r"""
:root{--fg:#1f2328;--muted:#59636e;--bg:#f5f6f8;--card:#fff;--line:#d6dbe1;--accent:#2f5f9e;--accent-2:#8aa7cf;
--warn-bg:#fff1d6;--warn-fg:#7a4100;--bad-bg:#ffe3e3;--bad-fg:#9b1020;--ok-bg:#dcf3e3;--ok-fg:#135f2c;
--reg-bg:#ece4fb;--reg-fg:#4b2a8a;--mark:#ffe27a}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);
background:var(--bg);line-height:1.45}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f0a500;outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:10}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
header{background:#1f3a5f;color:#fff;padding:14px 24px 0}
header h1{margin:0 0 6px;font-size:1.45rem;font-weight:600}
header nav{display:flex;gap:4px;margin-top:8px}
header nav a{color:#fff;text-decoration:none;padding:6px 12px;border-radius:6px 6px 0 0;background:rgba(255,255,255,.12)}
header nav a:hover{background:rgba(255,255,255,.25)}
dl.meta{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0;font-size:.87rem;color:#d9e4f2}
dl.meta div{display:flex;gap:6px}dl.meta dt{font-weight:600}dl.meta dd{margin:0;word-break:break-all}
main{max-width:1560px;margin:0 auto;padding:18px 20px 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 20px 18px;margin-bottom:20px}
h2{margin:0 0 12px;font-size:1.2rem}
h3{font-size:1rem;margin:0 0 6px}
.muted{color:var(--muted)}.small{font-size:.85rem}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.problems{border:2px solid var(--bad-fg);background:var(--bad-bg);color:#4a0710}
.problems h2{color:var(--bad-fg)}
.failures{border-left:4px solid var(--bad-fg);background:var(--bad-bg);padding:8px 14px;margin:10px 0;border-radius:4px}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px;margin-bottom:14px}
.stat{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:#fafbfc}
.stat .value{display:block;font-size:1.75rem;font-weight:650;line-height:1.1}
.stat .label{font-size:.85rem;color:var(--muted)}
.stat.warn{border-color:#e4b35a;background:var(--warn-bg)}.stat.bad{border-color:#e08a95;background:var(--bad-bg)}
.overview-grid{display:grid;grid-template-columns:minmax(260px,340px) 1fr;gap:22px;align-items:start}
@media (max-width:900px){.overview-grid{grid-template-columns:1fr}}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(430px,1fr));gap:14px 22px}
figure.chart{margin:0}figure.chart figcaption{font-weight:600;margin-bottom:4px}
figure.chart svg{max-width:100%;height:auto;display:block}
svg text{font-size:12px;fill:#2b3137;font-family:inherit}
svg .bar rect{fill:var(--accent)}svg .bar.other rect{fill:var(--accent-2)}svg .bar.unknown rect{fill:#cfd6df}
svg g[data-field]{cursor:pointer}svg g[data-field]:hover rect{fill:#1f4477}
svg .axis,svg .tick{stroke:#6b7580;stroke-width:1}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid #e6e9ed}
thead th{background:#eef1f4;font-weight:600;font-size:.87rem;white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums}
table.coverage caption{text-align:left;font-weight:600;padding-bottom:4px}
table.coverage td,table.coverage th{padding:3px 6px;font-size:.9rem}
.barcell{width:40%}.meter{display:block;height:10px;background:var(--accent);border-radius:2px;margin-top:5px;min-width:1px}
.scroll{overflow-x:auto}
.toolbar,.review-bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin-bottom:10px}
.review-bar{background:#f1f5fb;border:1px solid #d3deec;border-radius:6px;padding:8px 12px}
label{font-size:.9rem}label.check{display:flex;align-items:center;gap:4px}
input[type=search],input[type=text],select{font:inherit;font-size:.9rem;padding:4px 7px;border:1px solid #aab3bd;border-radius:5px;background:#fff}
input[type=search]{width:20em}
button{font:inherit;font-size:.88rem;padding:4px 10px;border:1px solid #aab3bd;border-radius:5px;background:#fff;cursor:pointer;color:var(--fg)}
button:hover{background:#eef2f6}
button.primary{background:var(--accent);color:#fff;border-color:var(--accent)}button.primary:hover{background:#244b7e}
#row-count{margin:4px 0 6px;font-weight:600}
table.trials{font-size:.88rem;table-layout:fixed;min-width:1150px}
table.trials td{overflow-wrap:break-word}
table.trials thead th{position:sticky;top:0;z-index:1}
table.trials th button.sort{border:0;background:none;padding:0;font-weight:600;font-size:inherit;cursor:pointer}
table.trials th button.sort::after{content:" ↕";color:#9aa3ad}
table.trials th[aria-sort=ascending] button.sort::after{content:" ▲";color:var(--fg)}
table.trials th[aria-sort=descending] button.sort::after{content:" ▼";color:var(--fg)}
tr.trial:nth-child(4n+1){background:#fbfcfd}
tr.trial:hover{background:#f2f6fb}
tr.trial.open{background:#e9f0fa}

button.expand{border:0;background:none;font-size:1rem;padding:0 4px;line-height:1;color:var(--accent)}
button.expand[aria-expanded=true]{transform:rotate(90deg)}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:.78rem;margin:1px 2px 1px 0;background:#eef1f4;white-space:nowrap}
.badge.warn{background:var(--warn-bg);color:var(--warn-fg)}.badge.bad{background:var(--bad-bg);color:var(--bad-fg)}
.badge.ok{background:var(--ok-bg);color:var(--ok-fg)}.badge.reg{background:var(--reg-bg);color:var(--reg-fg)}
.badge.mine{background:#dfe9f7;color:#1f3a5f}
.none{color:#9aa3ad}
tr.more-rows td{text-align:center;padding:10px;background:#f1f5fb}
tr.detail>td{background:#f7f9fc;border-bottom:2px solid #b8c6d8;padding:10px 14px 14px}
.detail-box{position:sticky;left:14px;max-width:100%}
.detail-head{display:flex;flex-wrap:wrap;gap:4px 20px;margin-bottom:8px;font-size:.88rem}
.fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:10px}
.field{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.field.conflict{border-left:4px solid #e0a030}.field.regconflict{border-left:4px solid #7d5bc4}
.field h3{display:flex;gap:6px;align-items:center;font-size:.92rem;margin-bottom:4px}
.value-row{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin:6px 0 2px}
.value-row .value{font-weight:600}.value-row .value.out{font-weight:400;color:var(--muted)}
.value-row button{padding:1px 8px;font-size:.8rem}
button.accept[aria-pressed=true]{background:var(--ok-bg);border-color:#4e9a67;color:var(--ok-fg);font-weight:600}
button.reject[aria-pressed=true]{background:var(--bad-bg);border-color:#d06a78;color:var(--bad-fg);font-weight:600}
ul.evidence{list-style:none;margin:0 0 4px;padding:0 0 0 12px;border-left:2px solid #e3e8ee}
ul.evidence li{margin:4px 0 6px}
.snippet{margin:0;font-size:.86rem;white-space:pre-wrap;word-break:break-word}
mark{background:var(--mark);padding:0 1px;border-radius:2px}
.evmeta{font-size:.78rem;color:var(--muted)}
.notfound{font-size:.78rem;color:var(--warn-fg);font-style:italic}
.regcmp{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;background:var(--reg-bg);border-radius:4px;padding:4px 8px;font-size:.85rem;margin:4px 0}
.regcmp dt{font-weight:600}.regcmp dd{margin:0}
.rejected{font-size:.85rem;color:var(--bad-fg);margin:4px 0}.rejected del{color:var(--muted)}
.setform{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center;margin-top:10px;padding:8px 10px;border:1px dashed #aab3bd;border-radius:6px;font-size:.88rem}
.setform input[type=text]{width:14em}
ul.marks{margin:8px 0 0;padding-left:18px;font-size:.88rem}ul.marks li{margin:3px 0}
ul.marks input{width:16em;margin:0 6px}
ul.plain{margin:0;padding-left:16px}
table.papers td,table.papers th{font-size:.88rem}
table.papers .paper-title{font-weight:400;max-width:36em;white-space:normal}
span.code{border-bottom:1px dotted currentColor;cursor:help}
.chart-note{margin:.1rem 0 .3rem}
@media print{header nav,.toolbar,.review-bar,.setform,button{display:none}}
"""

REPORT_JS = r"""
(() => {
'use strict';
const D = JSON.parse(document.getElementById('report-data').textContent);
const trials = D.rows.map((r, i) => {
  const t = {_i: i};
  D.columns.forEach((c, j) => { t[c] = r[j]; });
  return t;
});
const LIST = new Set(D.listFields);
const STORE = 'msc-report:' + D.reportId;
const byId = new Map(trials.map(t => [t.trial_id, t]));

// ---------------------------------------------------------------- DOM helpers (text only)
function add(node, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) add(node, k);
    else node.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return node;
}
function el(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') n.className = v;
    else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else if (k === 'href') { const u = safeUrl(v); if (u) n.setAttribute('href', u); }
    else n.setAttribute(k, v === true ? '' : String(v));
  }
  return add(n, kids);
}
function safeUrl(u) {
  return (typeof u === 'string' && /^https:\/\/[^\s"'<>`]+$/.test(u)) || (typeof u === 'string' && u.startsWith('blob:')) ? u : null;
}
function vals(t, f) {
  const v = t[f];
  if (v === null || v === undefined || v === '') return [];
  return Array.isArray(v) ? v : [v];
}
function tableValues(t, f) {
  if (f === 'dose') return t._dose_value ? [t._dose_value] : [];
  return vals(t, f).map(String);
}
const label = f => D.fieldLabels[f] || f.replace(/_/g, ' ');  // as declared (pipeline.fields)
// a code's label from the vocabularies ("PHASE1" -> "Phase 1"); the code itself is shown on hover
const labelOf = (f, v) => (D.codeLabels[f] || {})[v];
const codeText = (f, v) => labelOf(f, v) || String(v);
function codeSpan(f, v) {
  const l = labelOf(f, v);
  return l ? el('span', {class: 'code', title: `${l} (code ${v})`, 'data-code': v}, l) : breakable(v);
}
// a code or id with break opportunities after '_', '/', '|' and ',' (text nodes and <wbr> only)
function breakable(s) {
  const out = [];
  for (const part of String(s).split(/(?<=[_/|,])/)) { if (out.length) out.push(document.createElement('wbr')); out.push(part); }
  return out;
}
const none = () => el('span', {class: 'none'}, '—');

// ---------------------------------------------------------------- marks (reviewer's corrections)
const marks = new Map();
function markKey(m) {
  return m.action === 'set' ? [m.trial_id, m.field, 'set'].join('\u0001')
    : [m.trial_id, m.field, m.action, m.value].join('\u0001');
}
function saveMarks() {
  try { localStorage.setItem(STORE, JSON.stringify([...marks.values()])); } catch (e) { /* file: storage may be off */ }
}
function loadMarks() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE) || '[]');
    for (const m of saved) if (m && byId.has(m.trial_id)) marks.set(markKey(m), m);
  } catch (e) { /* ignore */ }
}
const buttons = new Map();  // trial id -> [[mark key, button]]
function setMark(m, on) {
  const k = markKey(m);
  if (!on) marks.delete(k);
  else {
    if (m.action !== 'set') {
      const other = markKey({...m, action: m.action === 'accept' ? 'reject' : 'accept'});
      marks.delete(other);
    }
    const old = marks.get(k);
    marks.set(k, {...m, note: m.note || (old && old.note) || ''});
  }
  saveMarks();
  refreshMarks(m.trial_id);
}
function marksOf(tid) { return [...marks.values()].filter(m => m.trial_id === tid); }
function refreshMarks(tid) {
  for (const [k, b] of buttons.get(tid) || []) b.setAttribute('aria-pressed', marks.has(k) ? 'true' : 'false');
  const t = byId.get(tid);
  if (t && t._marksList) fillMarks(t);
  if (t && t._markBadge) {
    const n = marksOf(tid).length;
    t._markBadge.textContent = n ? `${n} mark${n > 1 ? 's' : ''}` : '';
    t._markBadge.hidden = !n;
  }
  const n = marks.size;
  document.getElementById('mark-count').textContent =
    n ? `${n} mark${n > 1 ? 's' : ''} on ${new Set([...marks.values()].map(m => m.trial_id)).size} trial(s).` : 'No marks yet.';
}
function csvCell(s) {
  s = s === null || s === undefined ? '' : String(s);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function exportCsv() {
  const reviewer = document.getElementById('reviewer').value.trim();
  const order = {accept: 0, reject: 1, set: 2};
  const rows = [...marks.values()].sort((a, b) =>
    a.trial_id.localeCompare(b.trial_id) || a.field.localeCompare(b.field) ||
    order[a.action] - order[b.action] || String(a.value).localeCompare(String(b.value)));
  const lines = [D.csvColumns.join(',')];
  for (const m of rows) {
    lines.push([m.trial_id, m.field, m.action, m.value, reviewer, m.note].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}
window.reportExportCsv = exportCsv;
function say(text) { document.getElementById('export-status').textContent = text; }
function download() {
  if (!marks.size) { say('No marks to export yet: open a trial and accept, reject or set a value.'); return; }
  const blob = new Blob([exportCsv()], {type: 'text/csv;charset=utf-8'});
  const url = URL.createObjectURL(blob);
  const a = el('a', {href: url, download: 'corrections.csv', hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  const who = document.getElementById('reviewer').value.trim();
  say(`Saved corrections.csv (${marks.size} marks${who ? '' : ', no reviewer name'}). Pass it with --corrections on the next run.`);
}

// ---------------------------------------------------------------- the table
const conflictScore = t => 10 * vals(t, 'conflicts').length + 10 * vals(t, 'registry_conflicts').length + t._n_rejected;
const listCell = f => t => {
  const v = vals(t, f), out = [];
  v.forEach((x, i) => { if (i) out.push(', '); out.push(...[codeSpan(f, x)].flat()); });
  return out.length ? out : none();
};
const COLS = [
  {key: 'trial_id', label: 'Trial', cls: 'id', width: '10.2em', sort: t => t.trial_id, cell: t => {
    const link = t._url ? el('a', {href: t._url, target: '_blank', rel: 'noopener noreferrer',
      title: 'Record at ' + (D.registryLabels[t.registry] || t.registry)}, t.trial_id) : el('span', null, t.trial_id);
    t._markBadge = el('span', {class: 'badge mine', hidden: true});
    return [link, ' ', t._markBadge];
  }},
  {key: 'title', label: 'Title', cls: 'title', width: null, sort: t => ((t.acronym || '') + ' ' + (t.title || '')).trim() || null,
    cell: t => (t.acronym || t.title) ? [t.acronym ? el('strong', null, t.acronym) : null, t.acronym && t.title ? ' · ' : null, t.title || ''] : none()},
  {key: 'phase', label: 'Phase', width: '6.6em', sort: t => { const p = vals(t, 'phase'); return p.length ? Math.min(...p.map(x => D.phases.indexOf(x))) : null; }, cell: listCell('phase')},
  {key: 'status', label: 'Status', width: '7.6em', sort: t => t.status || null, cell: listCell('status')},
  {key: 'conditions', label: 'Conditions', width: '9.6em', sort: t => vals(t, 'conditions').join(', ') || null, cell: listCell('conditions')},
  {key: 'cell_source', label: 'Cell source', width: '9em', sort: t => vals(t, 'cell_source').join(', ') || null, cell: listCell('cell_source')},
  {key: 'donor', label: 'Donor', width: '7.4em', sort: t => vals(t, 'donor').join(', ') || null, cell: listCell('donor')},
  {key: 'route', label: 'Route', width: '7.6em', sort: t => vals(t, 'route').join(', ') || null, cell: listCell('route')},
  {key: 'dose', label: 'Dose', width: '7.4em', sort: t => t.dose_high === null ? null : [t.dose_unit || '', t.dose_high],
    cell: t => t._dose || none()},
  {key: 'enrollment', label: 'N', num: true, width: '3.6em', sort: t => t.enrollment, cell: t => t.enrollment ?? none()},
  {key: 'sources', label: 'Papers', num: true, width: '5.4em', sort: t => vals(t, 'sources').length,
    cell: t => el('span', {title: vals(t, 'sources').join('\n')}, String(vals(t, 'sources').length))},
  {key: 'conflicts', label: 'Conflicts', width: '8.4em', sort: conflictScore, cell: t => {
    const out = vals(t, 'conflicts').map(c => el('span', {class: 'badge warn', title: 'papers disagree'}, label(c)));
    for (const c of vals(t, 'registry_conflicts')) out.push(el('span', {class: 'badge reg', title: 'paper and registry differ'}, 'registry: ' + label(c)));
    if (t.registry_status === 'not_in_export') out.push(el('span', {class: 'badge', title: 'not in the registry export'}, 'not in registry'));
    if (t._n_rejected) out.push(el('span', {class: 'badge bad'}, `${t._n_rejected} rejected`));
    if (vals(t, 'reviewed').length) out.push(el('span', {class: 'badge ok', title: 'reviewed: ' + vals(t, 'reviewed').join(', ')}, '✓ reviewed'));
    return out.length ? out : none();
  }},
];
const PAGE = 400;  // rows drawn at once: a long table is slow to lay out; "show more" draws the next ones
const state = {text: '', field: '', value: '', conflicts: false, unreviewed: false, sort: 'conflicts', dir: -1, limit: PAGE};
const EMPTY = '\u0000';
for (const t of trials) {
  t._hay = [t.trial_id, vals(t, 'other_ids'), t.title, t.acronym, vals(t, 'conditions'), vals(t, 'sponsors'),
    vals(t, 'phase'), t.status, vals(t, 'cell_source'), vals(t, 'donor'), vals(t, 'product'), vals(t, 'route'),
    t.dose_text, vals(t, 'sources'), vals(t, 'conflicts'),
    ['phase', 'status', 'cell_source', 'donor', 'product', 'route'].flatMap(f => vals(t, f).map(v => labelOf(f, v)))].flat().filter(x => x !== null && x !== undefined).join(' \u0001 ').toLowerCase();
}
function matches(t) {
  if (state.conflicts && !(vals(t, 'conflicts').length || vals(t, 'registry_conflicts').length)) return false;
  if (state.unreviewed && vals(t, 'reviewed').length) return false;
  if (state.field && state.value) {
    const v = vals(t, state.field).map(String);
    if (state.value === EMPTY ? v.length : !v.includes(state.value)) return false;
  }
  if (state.text) {
    for (const w of state.text.split(/\s+/)) if (w && !t._hay.includes(w)) return false;
  }
  return true;
}
function compare(a, b) {
  const col = COLS.find(c => c.key === state.sort);
  const x = col.sort(a), y = col.sort(b);
  const xn = x === null || x === undefined, yn = y === null || y === undefined;
  if (xn !== yn) return xn ? 1 : -1;  // unknown values last, whatever the direction
  const c = xn ? 0 : cmp(x, y);
  return c ? c * state.dir : a.trial_id.localeCompare(b.trial_id);
}
function cmp(x, y) {  // numbers as numbers, strings by locale, arrays element by element
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; i < Math.min(x.length, y.length); i++) { const c = cmp(x[i], y[i]); if (c) return c; }
    return x.length - y.length;
  }
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x).localeCompare(String(y));
}
function header() {
  const cols = el('colgroup', null, el('col', {style: null}), COLS.map(c => el('col')));
  cols.firstChild.style.width = '2.2em';
  COLS.forEach((c, i) => { if (c.width) cols.children[i + 1].style.width = c.width; });
  document.getElementById('trial-table').prepend(cols);
  const tr = document.getElementById('trial-head');
  tr.append(el('th', {scope: 'col'}, el('span', {class: 'sr-only'}, 'details')));
  for (const c of COLS) {
    const th = el('th', {scope: 'col', class: c.num ? 'num' : null, 'data-key': c.key},
      el('button', {type: 'button', class: 'sort', onclick: () => {
        if (state.sort === c.key) state.dir = -state.dir; else { state.sort = c.key; state.dir = c.key === 'conflicts' || c.num ? -1 : 1; }
        render();
      }}, c.label));
    tr.append(th);
  }
}
function makeRow(t) {
  const btn = el('button', {type: 'button', class: 'expand', 'aria-expanded': 'false', 'aria-controls': 'detail-' + t._i,
    'aria-label': 'Evidence for ' + t.trial_id, onclick: () => toggle(t)}, '▸');
  const tr = el('tr', {class: 'trial', 'data-trial-id': t.trial_id}, el('td', null, btn));
  for (const c of COLS) tr.append(el('td', {class: [c.cls, c.num ? 'num' : null].filter(Boolean).join(' ') || null}, c.cell(t)));
  t._row = tr;
  t._btn = btn;
  return tr;
}
function toggle(t) {
  t._open = !t._open;
  t._btn.setAttribute('aria-expanded', String(t._open));
  t._row.classList.toggle('open', t._open);
  if (t._open) {
    const w = detailWidth();  // read before changing the page: no extra layout
    if (!t._detail) t._detail = el('tr', {class: 'detail', id: 'detail-' + t._i, 'data-trial-id': t.trial_id},
      el('td', {colspan: COLS.length + 1}, el('div', {class: 'detail-box'}, detail(t))));
    t._detail.firstChild.firstChild.style.width = w + 'px';
    t._row.after(t._detail);
  } else if (t._detail) t._detail.remove();
}
const detailWidth = () => document.querySelector('#trials .scroll').clientWidth - 30;
function fitDetails() {
  const w = detailWidth();
  for (const box of document.querySelectorAll('.detail-box')) box.style.width = w + 'px';
}
window.addEventListener('resize', fitDetails);
function render(keepLimit) {
  if (!keepLimit) state.limit = PAGE;
  const shown = trials.filter(matches).sort(compare);
  const body = document.getElementById('trial-rows');
  const frag = document.createDocumentFragment();
  for (const t of shown.slice(0, state.limit)) {
    frag.append(t._row || makeRow(t));
    if (t._open && t._detail) frag.append(t._detail);
  }
  const rest = shown.length - state.limit;
  if (rest > 0) {
    const more = n => () => { state.limit += n; render(true); };
    frag.append(el('tr', {class: 'more-rows'}, el('td', {colspan: COLS.length + 1},
      `${rest} more trial${rest > 1 ? 's' : ''} match. `,
      el('button', {type: 'button', onclick: more(PAGE)}, `Show ${Math.min(PAGE, rest)} more`), ' ',
      el('button', {type: 'button', onclick: more(rest)}, 'Show all'))));
  }
  body.replaceChildren(frag);
  for (const th of document.querySelectorAll('#trial-head th[data-key]')) {
    th.setAttribute('aria-sort', th.dataset.key === state.sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
  }
  const drawn = Math.min(shown.length, state.limit);
  document.getElementById('row-count').textContent = (shown.length === trials.length
    ? `${trials.length} trials` : `${shown.length} of ${trials.length} trials match`)
    + (drawn < shown.length ? `, the first ${drawn} shown` : '')
    + (state.sort === 'conflicts' && state.dir < 0 ? ' (conflicts first; click a column title to sort)' : '');
}

// ---------------------------------------------------------------- one trial's values and evidence
const PER_VALUE = 8;
// a value tied to its trial by a unit wider than its own sentence or row (extractor@scope)
const SCOPES = {
  passage: 'tied by its passage (a sentence after the one naming the trial)',
  document: "tied by the document's own trial (its registration; not named in this sentence)",
};
function evItem(e) {
  const [, , raw, p, page, s, hs, he, x, conf, cs, ce] = e;
  const snippet = D.snippets[s] || '';
  const quote = el('p', {class: 'snippet'});
  let note = null;
  if (hs >= 0 && he > hs) {
    quote.append(snippet.slice(0, hs), el('mark', null, snippet.slice(hs, he)), snippet.slice(he));
  } else {
    quote.append(snippet || '(no snippet)');
    if (raw) note = el('span', {class: 'notfound'}, `printed as “${raw}” (not in this snippet: e.g. a table caption)`);
  }
  const meta = [D.papers[p]];
  if (page !== null && page !== undefined) meta.push('p. ' + page);
  if (cs !== null && ce !== null && ce > cs) meta.push(`chars ${cs}–${ce}`);
  const [finder, scope] = (D.extractors[x] || '').split('@');
  meta.push(finder);
  if (scope) meta.push(SCOPES[scope] || `tied by its ${scope}`);
  if (conf !== null && conf !== undefined) meta.push('confidence ' + conf);
  return el('li', {class: 'ev'}, quote, note, el('div', {class: 'evmeta'}, meta.join(' · ')));
}
function markButton(t, field, action, value) {
  const m = {trial_id: t.trial_id, field, action, value, note: ''};
  const k = markKey(m);
  const b = el('button', {type: 'button', class: action, 'aria-pressed': marks.has(k) ? 'true' : 'false',
    title: `${action} ${label(field)} “${value}”`, onclick: () => setMark(m, !marks.has(k))},
    action === 'accept' ? '✓ accept' : '✗ reject');
  if (!buttons.has(t.trial_id)) buttons.set(t.trial_id, []);
  buttons.get(t.trial_id).push([k, b]);
  return b;
}
function fieldBlock(t, field, evs, rejected) {
  const inTable = tableValues(t, field);
  const order = [...inTable];
  const groups = new Map(inTable.map(v => [v, []]));
  for (const e of evs) {
    if (!groups.has(e[1])) { groups.set(e[1], []); order.push(e[1]); }
    groups.get(e[1]).push(e);
  }
  const conflict = vals(t, 'conflicts').includes(field);
  const regFields = vals(t, 'registry_conflicts').map(f => f.startsWith('dose_') ? 'dose' : f);
  const regConflict = regFields.includes(field);
  const reviewed = vals(t, 'reviewed').includes(field);
  const box = el('div', {class: 'field' + (conflict ? ' conflict' : '') + (regConflict ? ' regconflict' : ''), 'data-field': field},
    el('h3', null, label(field), conflict ? el('span', {class: 'badge warn'}, 'conflict') : null,
      regConflict ? el('span', {class: 'badge reg'}, 'differs from registry') : null,
      reviewed ? el('span', {class: 'badge ok'}, '✓ reviewed') : null));
  if (regConflict) {
    const reg = D.registry[t.trial_id] || {};
    let rv = reg[field];
    if (rv === undefined && field === 'dose') rv = [reg.dose_low, reg.dose_high, reg.dose_unit].filter(x => x !== undefined && x !== null).join(' ');
    const show = v => (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) ? '(none)' : (Array.isArray(v) ? v : [v]).map(x => codeText(field, x)).join(', ');
    box.append(el('dl', {class: 'regcmp'}, el('dt', null, 'Papers'), el('dd', null, show(inTable)),
      el('dt', null, 'Registry'), el('dd', null, show(rv))));
  }
  for (const v of order) {
    const list = groups.get(v);
    const papers = new Set(list.map(e => e[3])).size;
    const row = el('div', {class: 'value-row'},
      el('span', {class: 'value' + (inTable.includes(v) ? '' : ' out'), title: labelOf(field, v) ? `code ${v}` : null}, v === '' ? '(empty)' : codeText(field, v)),
      inTable.includes(v) ? null : el('span', {class: 'badge', title: 'a source gives this value; the table keeps another'}, 'not in table'),
      el('span', {class: 'muted small'}, list.length ? `${list.length} mention${list.length > 1 ? 's' : ''}, ${papers} paper${papers > 1 ? 's' : ''}` : 'no evidence row'));
    if (field !== 'trial_id') row.append(markButton(t, field, 'accept', v), markButton(t, field, 'reject', v));
    box.append(row);
    if (list.length) {
      const ul = el('ul', {class: 'evidence'}, list.slice(0, PER_VALUE).map(evItem));
      if (list.length > PER_VALUE) {
        const more = el('button', {type: 'button', class: 'more', onclick: () => {
          more.parentNode.remove();
          add(ul, list.slice(PER_VALUE).map(evItem));
        }}, `show ${list.length - PER_VALUE} more`);
        ul.append(el('li', null, more));
      }
      box.append(ul);
    }
  }
  for (const [, value, reviewer, note] of rejected) {
    box.append(el('div', {class: 'rejected'}, el('del', null, value), ` rejected${reviewer ? ' by ' + reviewer : ''}${note ? ': ' + note : ''}`));
  }
  return box;
}
function fillMarks(t) {
  const ul = t._marksList;
  const mine = marksOf(t.trial_id);
  ul.replaceChildren(...mine.map(m => el('li', null,
    el('strong', null, m.action), ` ${label(m.field)} `, m.value ? el('code', null, m.value) : '(whole field)',
    el('input', {type: 'text', value: m.note || '', placeholder: 'note (optional)', 'aria-label': 'Note for this mark',
      onchange: ev => { const k = markKey(m); if (marks.has(k)) { marks.get(k).note = ev.target.value; saveMarks(); } }}),
    el('button', {type: 'button', onclick: () => setMark(m, false)}, 'remove'))));
  ul.previousSibling.hidden = !mine.length;
}
function detail(t) {
  const evs = D.evidence[t.trial_id] || [];
  const byField = new Map();
  for (const e of evs) {
    const f = typeof e[0] === 'number' ? D.fields[e[0]] : String(e[0]);
    if (!byField.has(f)) byField.set(f, []);
    byField.get(f).push(e);
  }
  const rej = new Map();
  for (const r of D.rejected[t.trial_id] || []) { if (!rej.has(r[0])) rej.set(r[0], []); rej.get(r[0]).push(r); }
  const regFields = vals(t, 'registry_conflicts').map(f => f.startsWith('dose_') ? 'dose' : f);
  const head = el('div', {class: 'detail-head'},
    el('span', null, el('strong', null, 'Registry: '), D.registryLabels[t.registry] || t.registry || 'unknown',
      t._url ? [' (', el('a', {href: t._url, target: '_blank', rel: 'noopener noreferrer'}, 'record page'), ')'] : null),
    t._other_links.length ? el('span', null, el('strong', null, 'Other ids: '), t._other_links.map(([id, url], i) =>
      [i ? ', ' : '', url ? el('a', {href: url, target: '_blank', rel: 'noopener noreferrer'}, id) : id])) : null,
    el('span', null, el('strong', null, 'Papers: '), vals(t, 'sources').join(', ') || '—'),
    t.registry_status ? el('span', null, el('strong', null, 'Registry export: '), t.registry_status === 'found' ? 'found' : 'not in the export') : null,
    t.dose_text ? el('span', null, el('strong', null, 'Dose as printed: '), t.dose_text) : null);
  const fieldsBox = el('div', {class: 'fields'});
  const empty = [];
  for (const f of D.fields) {
    const has = f === 'registry'  // the id's registry: shown in the heading unless questioned
      ? vals(t, 'conflicts').includes(f) || rej.has(f) || regFields.includes(f)
      : tableValues(t, f).length || byField.has(f) || rej.has(f) || regFields.includes(f);
    if (has) fieldsBox.append(fieldBlock(t, f, byField.get(f) || [], rej.get(f) || []));
    else if (f !== 'registry') empty.push(label(f));
  }
  for (const [f, list] of byField) if (!D.fields.includes(f)) fieldsBox.append(fieldBlock(t, f, list, []));
  // set a field's value
  const fsel = el('select', {'aria-label': 'Field to set'}, D.correctable.map(f => el('option', {value: f}, label(f))));
  const vin = el('input', {type: 'text', 'aria-label': 'Value to set', placeholder: 'value'});
  const nin = el('input', {type: 'text', 'aria-label': 'Note', placeholder: 'note (optional)'});
  const hint = el('span', {class: 'muted small'});
  const updHint = () => {
    const f = fsel.value;
    hint.textContent = f === 'dose' ? 'dose as 1e+06..2e+06 cells/kg' : LIST.has(f) ? 'several values: A|B (replaces the list)' : 'one value';
  };
  fsel.addEventListener('change', updHint);
  updHint();
  const form = el('form', {class: 'setform', 'aria-label': 'Set a value for ' + t.trial_id, onsubmit: ev => {
    ev.preventDefault();
    const value = vin.value.trim();
    if (!value) { vin.focus(); return; }
    setMark({trial_id: t.trial_id, field: fsel.value, action: 'set', value, note: nin.value.trim()}, true);
    vin.value = ''; nin.value = '';
  }}, el('strong', null, 'Set'), fsel, vin, nin, el('button', {type: 'submit'}, 'add'), hint);
  t._marksList = el('ul', {class: 'marks'});
  const marksHead = el('h3', {hidden: true}, 'Your marks on this trial');
  const out = el('div', null, head, fieldsBox,
    empty.length ? el('p', {class: 'muted small'}, 'No value found for: ' + empty.join(', ') + '.') : null,
    form, marksHead, t._marksList);
  fillMarks(t);
  return out;
}

// ---------------------------------------------------------------- filters
function counts(field) {
  const c = new Map();
  let empty = 0;
  for (const t of trials) {
    const v = vals(t, field);
    if (!v.length) empty++;
    for (const x of new Set(v.map(String))) c.set(x, (c.get(x) || 0) + 1);
  }
  return [c, empty];
}
function fillValues() {
  const sel = document.getElementById('f-value');
  sel.replaceChildren(el('option', {value: ''}, '(any value)'));
  sel.disabled = !state.field;
  if (!state.field) return;
  const [c, empty] = counts(state.field);
  let items = [...c.entries()];
  if (state.field === 'phase') items.sort((a, b) => D.phases.indexOf(a[0]) - D.phases.indexOf(b[0]));
  else items.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [v, n] of items) sel.append(el('option', {value: v, title: v}, `${codeText(state.field, v)} (${n})`));
  if (empty) sel.append(el('option', {value: EMPTY}, `(no value) (${empty})`));
  sel.value = state.value;
}
function setupFilters() {
  const fsel = document.getElementById('f-field');
  for (const f of D.filterFields) if (trials.some(t => vals(t, f).length)) fsel.append(el('option', {value: f}, label(f)));
  fsel.addEventListener('change', () => { state.field = fsel.value; state.value = ''; fillValues(); render(); });
  const vsel = document.getElementById('f-value');
  vsel.addEventListener('change', () => { state.value = vsel.value; render(); });
  const text = document.getElementById('f-text');
  let timer = null;
  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.text = text.value.trim().toLowerCase(); render(); }, 120);
  });
  const cb = (id, key) => document.getElementById(id).addEventListener('change', ev => { state[key] = ev.target.checked; render(); });
  cb('f-conflicts', 'conflicts');
  cb('f-unreviewed', 'unreviewed');
  document.getElementById('f-clear').addEventListener('click', () => {
    Object.assign(state, {text: '', field: '', value: '', conflicts: false, unreviewed: false});
    text.value = ''; fsel.value = '';
    document.getElementById('f-conflicts').checked = false;
    document.getElementById('f-unreviewed').checked = false;
    fillValues(); render();
  });
  for (const g of document.querySelectorAll('.chart g[data-field]')) {
    g.addEventListener('click', () => {
      const f = g.getAttribute('data-field');
      if (![...fsel.options].some(o => o.value === f)) return;
      fsel.value = f; state.field = f; state.value = g.getAttribute('data-value');
      fillValues(); render();
      document.getElementById('trials').scrollIntoView();
    });
  }
}

// ---------------------------------------------------------------- start
const who = document.getElementById('reviewer');
try { who.value = localStorage.getItem('msc-report:reviewer') || ''; } catch (e) { /* ignore */ }
who.addEventListener('change', () => { try { localStorage.setItem('msc-report:reviewer', who.value.trim()); } catch (e) { /* ignore */ } });
document.getElementById('export').addEventListener('click', download);
document.getElementById('clear-marks').addEventListener('click', () => {
  if (marks.size && !window.confirm(`Remove all ${marks.size} marks?`)) return;
  const tids = new Set([...marks.values()].map(m => m.trial_id));
  marks.clear(); saveMarks();
  for (const tid of tids) refreshMarks(tid);
  refreshMarks('');
});
loadMarks();
header();
setupFilters();
render();
for (const tid of new Set([...marks.values()].map(m => m.trial_id))) refreshMarks(tid);
refreshMarks('');
document.documentElement.setAttribute('data-ready', 'true');
})();
"""
