// factord inspection console. Plain JS, no build step: served by factord from
// net/console/ (embedded at build time). Data: GET /v1/actors/stream (WebSocket) sends a
// snapshot, then deltas; see API.md "Operations" and actors/console.hpp for the shapes.
(function () {
  'use strict';

  const HISTORY_CAP = 3600;   // points kept for the charts (1 h at 1 s)
  const EXITED_CAP = 50;      // rows in "Recently exited"
  const RESULTS_CAP = 8;      // action results shown
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 10000;

  const $ = (sel, root) => (root || document).querySelector(sel);
  const esc = (v) => String(v == null ? '' : v).replace(/[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const fmt = (n, digits) => (n == null || Number.isNaN(n) ? '–'
    : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits == null ? 0 : digits }));

  // ---- model ---------------------------------------------------------------------------
  const model = {
    actors: new Map(), exited: [], jobs: null, workers: [], fairness: null, history: [],
    uptime: null, interval: 1000, receivedAt: 0, snapshotSeen: false,
  };

  function applyFrame(f) {
    model.receivedAt = performance.now();
    if (f.type === 'snapshot') {
      model.actors = new Map((f.actors || []).map((a) => [a.id, a]));
      model.exited = (f.exited || []).slice().reverse().slice(0, EXITED_CAP);
      model.history = (f.history || []).slice(-HISTORY_CAP);
      model.truncated = f.truncated || 0;
      model.snapshotSeen = true;
    } else if (f.type === 'delta') {
      for (const a of f.upserted || []) model.actors.set(a.id, a);
      for (const id of f.removed || []) model.actors.delete(id);
      if (f.exited && f.exited.length)
        model.exited = f.exited.slice().reverse().concat(model.exited).slice(0, EXITED_CAP);
      const last = model.history[model.history.length - 1];
      if (f.history_point && (!last || f.history_point.t > last.t)) { // a delta repeats the latest point
        model.history.push(f.history_point);
        if (model.history.length > HISTORY_CAP) model.history.splice(0, model.history.length - HISTORY_CAP);
      }
    } else {
      return;
    }
    if (f.uptime_s != null) model.uptime = { s: f.uptime_s, at: model.receivedAt };
    else if (model.uptime) model.uptime = { s: model.uptime.s + (model.receivedAt - model.uptime.at) / 1000, at: model.receivedAt };
    if (f.interval_ms) model.interval = f.interval_ms;
    if (f.jobs) model.jobs = f.jobs;
    if (f.workers) model.workers = f.workers;
    if (f.fairness) model.fairness = f.fairness;
    scheduleRender();
  }

  // ---- stream --------------------------------------------------------------------------
  let socket = null;
  let backoff = BACKOFF_MIN_MS;
  let reconnectTimer = null;
  let wanted = Number(localStorage.getItem('factord.interval')) || 1000;

  function setConn(state, text) {
    const el = $('#conn');
    el.dataset.state = state;
    $('#conn-text').textContent = text;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = `${proto}//${location.host}/v1/actors/stream?interval_ms=${wanted}`;
    setConn('connecting', 'connecting…');
    let ws;
    try { ws = new WebSocket(url); } catch (e) { return scheduleReconnect(); }
    socket = ws;
    ws.onopen = () => { backoff = BACKOFF_MIN_MS; setConn('live', 'live'); };
    ws.onmessage = (ev) => {
      let frame;
      try { frame = JSON.parse(ev.data); } catch (e) { return; }
      applyFrame(frame);
    };
    ws.onclose = () => { if (socket === ws) { socket = null; scheduleReconnect(); } };
    ws.onerror = () => { /* onclose follows */ };
  }

  function scheduleReconnect() {
    const wait = Math.round(backoff * (0.8 + Math.random() * 0.4));
    backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
    const until = performance.now() + wait;
    setConn('down', `disconnected — retrying in ${(wait / 1000).toFixed(1)} s`);
    const tick = () => {
      const left = until - performance.now();
      if (left <= 0) return connect();
      setConn('down', `disconnected — retrying in ${(left / 1000).toFixed(1)} s`);
      reconnectTimer = setTimeout(tick, Math.min(250, left));
    };
    reconnectTimer = setTimeout(tick, Math.min(250, wait));
  }

  function setupInterval() {
    const sel = $('#interval');
    if (![...sel.options].some((o) => Number(o.value) === wanted)) wanted = 1000;
    sel.value = String(wanted);
    sel.addEventListener('change', () => {
      wanted = Number(sel.value);
      localStorage.setItem('factord.interval', String(wanted));
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ interval_ms: wanted }));
    });
  }

  // ---- rendering -----------------------------------------------------------------------
  let renderQueued = false;
  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => { renderQueued = false; render(); });
  }

  function render() {
    renderHeader();
    renderWorkers();
    renderFairness();
    renderSessions();
    renderActors();
    renderExited();
    renderKafka();
    renderCharts();
  }

  function duration(s) {
    if (s == null) return '–';
    s = Math.max(0, Math.floor(s));
    const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
    if (d) return `${d}d ${h}h ${m}m`;
    if (h) return `${h}h ${m}m ${s % 60}s`;
    if (m) return `${m}m ${s % 60}s`;
    return `${s}s`;
  }
  const sinceFrame = () => performance.now() - model.receivedAt;

  function renderHeader() {
    for (const li of document.querySelectorAll('#counters li')) {
      const v = model.jobs ? model.jobs[li.dataset.k] : null;
      li.querySelector('b').textContent = fmt(v);
    }
  }

  function tickClocks() {
    if (model.uptime) $('#uptime').textContent = duration(model.uptime.s + (performance.now() - model.uptime.at) / 1000);
    const dt = sinceFrame();
    for (const el of document.querySelectorAll('[data-countdown]')) {
      const left = Number(el.dataset.countdown) - dt;
      el.textContent = left > 0 ? `${(left / 1000).toFixed(1)} s` : 'closing…';
      el.classList.toggle('soon', left < 1500);
    }
    for (const el of document.querySelectorAll('[data-elapsed]'))
      el.textContent = elapsedText(Number(el.dataset.elapsed) + dt);
  }

  function elapsedText(ms) {
    return ms < 10000 ? `${(ms / 1000).toFixed(1)} s` : duration(ms / 1000);
  }

  function renderWorkers() {
    const list = $('#workers-list');
    const ws = model.workers || [];
    const busy = ws.filter((w) => w.busy).length;
    $('#workers-note').textContent = ws.length ? `${busy} of ${ws.length} busy` : '';
    if (!ws.length) { list.innerHTML = '<li class="empty">no workers reported</li>'; return; }
    list.innerHTML = ws.map((w) => w.busy
      ? `<li class="busy"><span class="wid">#${esc(w.id)}</span>
           <span class="job"><code title="request id">${esc(w.request_id)}</code>
           <small>${esc(w.caller)} · ${fmt(w.digits)} digits</small></span>
           <span class="elapsed" data-elapsed="${Number(w.elapsed_ms) || 0}">${elapsedText(w.elapsed_ms || 0)}</span>
           ${tokenButton('cancel_job', { request_id: w.request_id }, 'cancel')}</li>`
      : `<li class="idle"><span class="wid">#${esc(w.id)}</span><span class="job muted">idle</span></li>`).join('');
  }

  function renderFairness() {
    const f = model.fairness;
    const body = $('#fair-table tbody');
    $('#jain').textContent = f ? fmt(f.jain_index, 3) : '–';
    $('#jain-window').textContent = f && f.window_s ? `last ${fmt(f.window_s)} s` : '';
    const callers = f && f.callers ? f.callers.slice() : [];
    if (!callers.length) { body.innerHTML = '<tr class="empty"><td colspan="8">no callers yet</td></tr>'; return; }
    callers.sort((a, b) => (b.queued - a.queued) || (b.served - a.served) || a.caller.localeCompare(b.caller));
    body.innerHTML = callers.map((c) => {
      const share = Math.max(0, Math.min(1, c.share || 0));
      const fair = Math.max(0, Math.min(1, c.fair_share || 0));
      const over = fair > 0 && share > fair * 1.25;
      return `<tr data-caller="${esc(c.caller)}">
        <td class="caller">${esc(c.caller)}</td>
        <td class="num">${fmt(c.queued)}</td><td class="num">${fmt(c.served)}</td>
        <td class="num">${fmt(c.weight)}</td><td class="num">${c.ring_position == null || c.ring_position < 0 ? '–' : fmt(c.ring_position)}</td>
        <td>${c.paused ? '<span class="pill warn">paused</span>' : (c.queued > 0 ? '<span class="pill ok">waiting</span>' : '<span class="pill">idle</span>')}</td>
        <td class="bar-col"><div class="bar${over ? ' over' : ''}" title="share ${(share * 100).toFixed(1)}% · fair ${(fair * 100).toFixed(1)}% · ${fmt(c.worker_s, 1)} worker-s">
          <i style="width:${(share * 100).toFixed(2)}%"></i><u style="left:${(fair * 100).toFixed(2)}%"></u></div>
          <small>${(share * 100).toFixed(0)}% / ${(fair * 100).toFixed(0)}%</small></td>
        <td class="act-col">${c.paused ? tokenButton('resume_caller', { caller: c.caller }, 'resume')
                                       : tokenButton('pause_caller', { caller: c.caller }, 'pause')}</td></tr>`;
    }).join('');
  }

  function sessions() {
    return [...model.actors.values()].filter((a) => a.kind === 'ws-session').sort((a, b) => a.id - b.id);
  }

  function renderSessions() {
    const list = sessions();
    const body = $('#session-table tbody');
    $('#sessions-note').textContent = list.length ? `${list.length} open` : '';
    if (!list.length) { body.innerHTML = '<tr class="empty"><td colspan="5">no open sessions</td></tr>'; return; }
    body.innerHTML = list.map((a) => {
      const s = a.state || {};
      let idle;
      if (s.closing) idle = '<span class="pill warn">closing</span>';
      else if (s.idle_closes_in_ms == null) idle = '<span class="pill ok">in flight</span>';
      else idle = `<span class="countdown" data-countdown="${Number(s.idle_closes_in_ms)}"></span>`;
      return `<tr data-id="${a.id}"><td class="num">${esc(a.id)}</td><td>${esc(s.caller || a.role)}</td>
        <td class="num">${fmt(s.in_flight)}</td><td>${idle}</td>
        <td class="act-col">${tokenButton('close_session', { actor: a.id }, 'close')}</td></tr>`;
    }).join('');
    tickClocks();
  }

  // Actor tree + table + drill-down.
  const view = { filter: '', sortCol: 'id', sortDir: 1, selected: null, collapsed: new Set() };

  function renderActors() {
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

  function shortTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString('en-GB', { hour12: false });
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

  function renderExited() {
    const body = $('#exited-table tbody');
    if (!model.exited.length) { body.innerHTML = '<tr class="empty"><td colspan="5">none yet</td></tr>'; return; }
    body.innerHTML = model.exited.map((e) => `<tr data-id="${e.id}"><td class="num">${esc(e.id)}</td>
      <td><span class="kind k-${esc(e.kind)}">${esc(e.kind)}</span></td><td>${esc(e.role)}</td>
      <td title="${esc(e.exited_at)}">${esc(shortTime(e.exited_at))}</td>
      <td><span class="pill${e.reason === 'normal' ? '' : ' warn'}">${esc(e.reason)}</span></td></tr>`).join('');
  }

  function renderKafka() {
    const bridges = [...model.actors.values()].filter((a) => /kafka|bridge/i.test(a.kind));
    const el = $('#kafka-body');
    if (!bridges.length) {
      el.innerHTML = '<p class="muted">cluster mode not running</p><p class="hint">This node runs <code>factord serve</code>: '
        + 'jobs stay in its local journal. Kafka bridges appear here on <code>factord gateway</code> and <code>factord worker</code>.</p>';
      return;
    }
    el.innerHTML = bridges.map((a) => `<div class="bridge"><span class="kind">${esc(a.kind)}</span> #${a.id} ${esc(a.role)}
      <dl>${Object.entries(a.state || {}).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(JSON.stringify(v))}</dd>`).join('')}</dl></div>`).join('');
  }

  // ---- charts (uPlot) ------------------------------------------------------------------
  const charts = {};
  const COLORS = { a: '#2563eb', b: '#16a34a', c: '#f59e0b', d: '#dc2626', e: '#7c3aed' };

  const clock = (t) => new Date(t * 1000).toLocaleTimeString('en-GB', { hour12: false });

  // A uPlot chart with our own one-line legend (latest values) in the figure's caption.
  function makeChart(id, series, yRange) {
    const el = document.getElementById(id);
    if (!el) return null;
    const legend = el.parentElement.querySelector('.legend');
    legend.innerHTML = series.map((s, i) => `<span><i style="background:${s.color}"></i>${esc(s.label)} <b data-i="${i}">–</b></span>`).join('');
    if (!window.uPlot) return null;
    const axis = { stroke: '#64748b', grid: { stroke: '#eef2f7', width: 1 }, ticks: { stroke: '#e2e8f0', width: 1 }, font: '11px system-ui, sans-serif' };
    const opts = {
      width: Math.max(200, el.clientWidth), height: 180,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: true }, y: yRange ? { range: yRange } : { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        Object.assign({}, axis, { values: (u, ticks) => ticks.map(clock), space: 70 }),
        Object.assign({}, axis, { size: 50, values: (u, ticks) => ticks.map((v) => fmt(v, v < 10 ? 1 : 0)) }),
      ],
      series: [{}].concat(series.map((s) => ({ label: s.label, stroke: s.color, width: 1.8,
        fill: s.fill ? s.color + '22' : undefined, points: { show: false } }))),
    };
    const chart = new uPlot(opts, [[]].concat(series.map(() => [])), el);
    chart.legendEl = legend;
    chart.digits = series.map((s) => (s.digits == null ? 1 : s.digits));
    new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height: 180 })).observe(el);
    return chart;
  }

  function setChart(chart, data) {
    if (!chart) return;
    chart.setData(data);
    for (const b of chart.legendEl.querySelectorAll('b[data-i]')) {
      const col = data[Number(b.dataset.i) + 1];
      b.textContent = col.length ? fmt(col[col.length - 1], chart.digits[Number(b.dataset.i)]) : '–';
    }
  }

  function setupCharts() {
    charts.rate = makeChart('chart-rate', [
      { label: 'accepted/s', color: COLORS.a }, { label: 'finished/s', color: COLORS.b }]);
    charts.latency = makeChart('chart-latency', [
      { label: 'p50', color: COLORS.e, digits: 0 }, { label: 'p99', color: COLORS.d, digits: 0 }]);
    charts.util = makeChart('chart-util', [
      { label: 'busy', color: COLORS.c, fill: true, digits: 0 }], [0, 100]);
    if (!window.uPlot) $('#flow-note').textContent = '(charts unavailable: uplot.js did not load)';
  }

  let chartedLength = -1, chartedLast = null;
  function renderCharts() {
    const h = model.history;
    const last = h.length ? h[h.length - 1].t : null;
    if (h.length === chartedLength && last === chartedLast) return;
    chartedLength = h.length; chartedLast = last;
    const x = h.map((p) => p.t / 1000);
    const col = (k, scale) => h.map((p) => (p[k] == null ? null : p[k] * (scale || 1)));
    setChart(charts.rate, [x, col('accepted_per_s'), col('finished_per_s')]);
    setChart(charts.latency, [x, col('p50_ms'), col('p99_ms')]);
    setChart(charts.util, [x, col('utilization', 100)]);
    $('#flow-note').textContent = h.length ? `${h.length} points` : 'waiting for data';
  }

  // ---- actions -------------------------------------------------------------------------
  const TOKEN_KEY = 'factord.console-token';
  const token = () => sessionStorage.getItem(TOKEN_KEY) || '';

  function tokenButton(action, args, label) {
    if (!token()) return '';
    return `<button class="mini" data-act="${action}" data-args="${esc(JSON.stringify(args))}">${esc(label)}</button>`;
  }

  function syncTokenUi() {
    const has = !!token();
    $('#action-forms').disabled = !has;
    $('#token-hint').textContent = has
      ? 'Token set for this tab. Actions are sent with it; the server checks it.'
      : 'Enter the console token to enable actions. It is kept for this tab only.';
    $('#actions').classList.toggle('armed', has);
    scheduleRender(); // row buttons appear or disappear
  }

  async function act(body) {
    const what = describe(body);
    let ok = false, message;
    try {
      const res = await fetch('/v1/console/actions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` },
        body: JSON.stringify(body),
      });
      const data = await res.json().catch(() => ({}));
      ok = res.ok && data.ok === true;
      message = ok ? data.message : `${res.status} ${data.error ? `${data.error.code}: ${data.error.message}` : res.statusText}`;
    } catch (e) {
      message = `request failed: ${e.message}`;
    }
    const li = document.createElement('li');
    li.className = ok ? 'ok' : 'err';
    li.innerHTML = `<time>${new Date().toLocaleTimeString('en-GB', { hour12: false })}</time> <b>${esc(what)}</b> <span>${esc(message || '')}</span>`;
    const list = $('#action-results');
    list.prepend(li);
    while (list.children.length > RESULTS_CAP) list.lastChild.remove();
  }

  function describe(b) {
    switch (b.action) {
      case 'close_session': return `close session #${b.actor}`;
      case 'cancel_job': return `cancel ${b.request_id}`;
      case 'pause_caller': return `pause ${b.caller}`;
      case 'resume_caller': return `resume ${b.caller}`;
      case 'set_weight': return `weight ${b.caller} = ${b.weight}`;
      default: return b.action;
    }
  }

  function setupActions() {
    $('#token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = $('#token').value.trim();
      if (v) sessionStorage.setItem(TOKEN_KEY, v);
      $('#token').value = '';
      syncTokenUi();
    });
    $('#token-clear').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); syncTokenUi(); });
    for (const form of document.querySelectorAll('#action-forms form')) {
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const body = { action: form.dataset.action };
        for (const input of form.querySelectorAll('input')) {
          const v = input.value.trim();
          body[input.name] = input.name === 'actor' || input.name === 'weight' ? Number(v) : v;
        }
        act(body);
      });
    }
    document.addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-act]');
      if (!b) return;
      ev.stopPropagation();
      act(Object.assign({ action: b.dataset.act }, JSON.parse(b.dataset.args)));
    });
    syncTokenUi();
  }

  // ---- interaction ---------------------------------------------------------------------
  function setupActorsUi() {
    $('#actor-search').addEventListener('input', (ev) => { view.filter = ev.target.value; scheduleRender(); });
    $('#actor-table thead').addEventListener('click', (ev) => {
      const th = ev.target.closest('th[data-col]');
      if (!th) return;
      if (view.sortCol === th.dataset.col) view.sortDir = -view.sortDir;
      else { view.sortCol = th.dataset.col; view.sortDir = 1; }
      scheduleRender();
    });
    document.addEventListener('click', (ev) => {
      const t = ev.target.closest('[data-toggle]');
      if (t) {
        const id = Number(t.dataset.toggle);
        if (view.collapsed.has(id)) view.collapsed.delete(id); else view.collapsed.add(id);
        return scheduleRender();
      }
      const s = ev.target.closest('[data-select]');
      if (s) { view.selected = Number(s.dataset.select); scheduleRender(); }
    });
  }

  function start() {
    setupInterval();
    setupCharts();
    setupActorsUi();
    setupActions();
    setInterval(tickClocks, 100);
    connect();
  }

  // For tests (tests/browser): feed frames without a server.
  window.factordConsole = { applyFrame, model };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
