// The Job flow card: throughput, latency and utilization over the model's history, drawn
// with uPlot. uPlot is the global that uplot.js (a classic script, loaded before the
// modules) defines; without it the legends still show and a note says why.
import { $, esc, fmt } from './html.js';
import { model } from './model.js';

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
  const chart = new window.uPlot(opts, [[]].concat(series.map(() => [])), el);
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

export function setupCharts() {
  charts.rate = makeChart('chart-rate', [
    { label: 'accepted/s', color: COLORS.a }, { label: 'finished/s', color: COLORS.b }]);
  charts.latency = makeChart('chart-latency', [
    { label: 'p50', color: COLORS.e, digits: 0 }, { label: 'p99', color: COLORS.d, digits: 0 }]);
  charts.util = makeChart('chart-util', [
    { label: 'busy', color: COLORS.c, fill: true, digits: 0 }], [0, 100]);
  if (!window.uPlot) $('#flow-note').textContent = '(charts unavailable: uplot.js did not load)';
}

// Redraws only when the history changed: most renders are for other cards.
let chartedLength = -1, chartedLast = null;
export function renderCharts() {
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
