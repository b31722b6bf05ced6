// Helpers every card uses to build its HTML: $ finds an element, esc makes text safe for
// innerHTML, and the rest format numbers, durations and times the same way everywhere.
export const $ = (sel, root) => (root || document).querySelector(sel);
export const esc = (v) => String(v == null ? '' : v).replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

export const fmt = (n, digits) => (n == null || Number.isNaN(n) ? '–'
  : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits == null ? 0 : digits }));

export function duration(s) {
  if (s == null) return '–';
  s = Math.max(0, Math.floor(s));
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  if (d) return `${d}d ${h}h ${m}m`;
  if (h) return `${h}h ${m}m ${s % 60}s`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function elapsedText(ms) {
  return ms < 10000 ? `${(ms / 1000).toFixed(1)} s` : duration(ms / 1000);
}

export function shortTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString('en-GB', { hour12: false });
}
