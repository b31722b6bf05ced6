// The small cards: header counters and clocks, workers, fairness, WebSocket sessions,
// recently exited actors and Kafka. Each render* redraws its card from the model.
import { $, esc, fmt, duration, elapsedText, shortTime } from './html.js';
import { model, sinceFrame } from './model.js';
import { tokenButton } from './actions.js';

export function renderHeader() {
  for (const li of document.querySelectorAll('#counters li')) {
    const v = model.jobs ? model.jobs[li.dataset.k] : null;
    li.querySelector('b').textContent = fmt(v);
  }
}

// Between frames: uptime, idle-close countdowns and job times keep moving.
export function tickClocks() {
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

export function renderWorkers() {
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

export function renderFairness() {
  const f = model.fairness;
  const body = $('#fair-table tbody');
  $('#jain').textContent = f ? fmt(f.jain_index, 3) : '–';
  $('#jain-window').textContent = f && f.window_s ? `last ${fmt(f.window_s)} s` : '';
  const refusals = f && f.refusals ? Object.entries(f.refusals) : [];
  $('#fair-limits').textContent = `refused: ${refusals.length ? refusals.map(([why, n]) => `${why} ${fmt(n)}`).join(' · ') : 'none'}`
    + ` · parked jobs: ${fmt(f && f.suspended ? f.suspended : 0)}`;
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
      <td>${c.paused ? '<span class="pill warn">paused</span>' : (c.queued > 0 || c.suspended > 0 ? '<span class="pill ok">waiting</span>' : '<span class="pill">idle</span>')}
        ${c.running > 0 || c.suspended > 0 ? `<small title="jobs on a worker now; jobs parked at the end of a time slice">${fmt(c.running || 0)} running${c.suspended > 0 ? ` · ${fmt(c.suspended)} parked` : ''}</small>` : ''}</td>
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

export function renderSessions() {
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

export function renderExited() {
  const body = $('#exited-table tbody');
  if (!model.exited.length) { body.innerHTML = '<tr class="empty"><td colspan="5">none yet</td></tr>'; return; }
  body.innerHTML = model.exited.map((e) => `<tr data-id="${e.id}"><td class="num">${esc(e.id)}</td>
    <td><span class="kind k-${esc(e.kind)}">${esc(e.kind)}</span></td><td>${esc(e.role)}</td>
    <td title="${esc(e.exited_at)}">${esc(shortTime(e.exited_at))}</td>
    <td><span class="pill${e.reason === 'normal' ? '' : ' warn'}">${esc(e.reason)}</span></td></tr>`).join('');
}

export function renderKafka() {
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
