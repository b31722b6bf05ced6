// The Actors card: supervision tree, searchable and sortable table, drill-down of the
// selected actor. Its view state (filter, sort, selection, collapsed nodes) lives here.
import { $, esc, fmt, shortTime } from './html.js';
import { model } from './model.js';

const view = { filter: '', sortCol: 'id', sortDir: 1, selected: null, collapsed: new Set() };

export function renderActors() {
  const all = [...model.actors.values()];
  $('#actors-note').textContent = `${all.length} live` + (model.truncated ? ` (+${model.truncated} not shown)` : '');
  renderTree(all);
  renderTable(all);
  renderDetail();
}

function renderTree(all) {
  const children = new Map();
  for (const a of all) {
    const p = a.parent && model.actors.has(a.parent) ? a.parent : 0;
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(a);
  }
  for (const list of children.values()) list.sort((x, y) => x.kind.localeCompare(y.kind) || x.id - y.id);
  const node = (a) => {
    const kids = children.get(a.id) || [];
    const open = !view.collapsed.has(a.id);
    const toggle = kids.length ? `<button class="twisty" data-toggle="${a.id}" aria-label="expand">${open ? '▾' : '▸'}</button>` : '<span class="twisty"></span>';
    const head = `<div class="node${view.selected === a.id ? ' sel' : ''}" data-select="${a.id}">${toggle}
      <span class="kind k-${esc(a.kind)}">${esc(a.kind)}</span> <span class="role">${esc(a.role)}</span> <span class="id">#${a.id}</span>
      ${kids.length ? `<span class="count">${kids.length}</span>` : ''}</div>`;
    return `<li>${head}${kids.length && open ? `<ul>${kids.map(node).join('')}</ul>` : ''}</li>`;
  };
  $('#tree').innerHTML = `<ul>${(children.get(0) || []).map(node).join('')}</ul>`;
}

function renderTable(all) {
  const q = view.filter.trim().toLowerCase();
  let rows = q ? all.filter((a) => `${a.kind} ${a.role} ${a.id}`.toLowerCase().includes(q)
    || String(a.id) === q) : all;
  const col = view.sortCol, dir = view.sortDir;
  rows = rows.slice().sort((x, y) => {
    const a = x[col], b = y[col];
    if (typeof a === 'number' && typeof b === 'number') return (a - b) * dir;
    return String(a == null ? '' : a).localeCompare(String(b == null ? '' : b)) * dir || (x.id - y.id);
  });
  for (const th of document.querySelectorAll('#actor-table th'))
    th.dataset.sort = th.dataset.col === col ? (dir > 0 ? 'asc' : 'desc') : '';
  $('#actor-table tbody').innerHTML = rows.map((a) => `<tr data-select="${a.id}"${view.selected === a.id ? ' class="sel"' : ''}>
    <td class="num">${a.id}</td><td><span class="kind k-${esc(a.kind)}">${esc(a.kind)}</span></td><td>${esc(a.role)}</td>
    <td class="num">${a.parent || '–'}</td><td class="num${a.mailbox > 100 ? ' hot' : ''}">${fmt(a.mailbox)}</td>
    <td class="num">${fmt(a.handled)}</td><td class="num">${fmt(a.rate, 1)}</td><td class="num">${fmt(a.busy_ms, 1)}</td>
    <td class="mono">${esc(a.last_message)}</td><td title="${esc(a.started_at)}">${esc(shortTime(a.started_at))}</td></tr>`).join('')
    || '<tr class="empty"><td colspan="10">no actor matches</td></tr>';
}

function renderDetail() {
  const el = $('#detail');
  if (view.selected == null) { el.innerHTML = '<p class="hint">Select an actor to see every field and its state.</p>'; return; }
  const a = model.actors.get(view.selected);
  if (!a) {
    const gone = model.exited.find((e) => e.id === view.selected);
    el.innerHTML = `<h3>#${esc(view.selected)}</h3><p class="muted">${gone
      ? `exited at ${esc(shortTime(gone.exited_at))}: ${esc(gone.reason)}` : 'no longer live'}</p>`;
    return;
  }
  const fields = Object.entries(a).filter(([k]) => k !== 'state');
  const state = Object.entries(a.state || {});
  const dl = (pairs) => pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(typeof v === 'object' && v !== null ? JSON.stringify(v) : (v === null ? 'null' : v))}</dd>`).join('');
  el.innerHTML = `<h3><span class="kind k-${esc(a.kind)}">${esc(a.kind)}</span> #${a.id}</h3>
    <dl>${dl(fields)}</dl><h4>state</h4>${state.length ? `<dl>${dl(state)}</dl>` : '<p class="muted">no state fields</p>'}`;
}

// Search, sort, expand/collapse and select change only the view; rerender redraws.
export function setupActorsUi(rerender) {
  $('#actor-search').addEventListener('input', (ev) => { view.filter = ev.target.value; rerender(); });
  $('#actor-table thead').addEventListener('click', (ev) => {
    const th = ev.target.closest('th[data-col]');
    if (!th) return;
    if (view.sortCol === th.dataset.col) view.sortDir = -view.sortDir;
    else { view.sortCol = th.dataset.col; view.sortDir = 1; }
    rerender();
  });
  document.addEventListener('click', (ev) => {
    const t = ev.target.closest('[data-toggle]');
    if (t) {
      const id = Number(t.dataset.toggle);
      if (view.collapsed.has(id)) view.collapsed.delete(id); else view.collapsed.add(id);
      return rerender();
    }
    const s = ev.target.closest('[data-select]');
    if (s) { view.selected = Number(s.dataset.select); rerender(); }
  });
}
