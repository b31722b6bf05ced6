// The WebSocket to GET /v1/actors/stream: reconnects with jittered backoff, shows its
// state in the header, and sends the refresh interval the operator picks. With a token in
// this tab (actions.js) it goes along as ?token=: with --auth on the stream needs an admin
// credential, and a browser cannot set headers on a WebSocket.
import { $ } from './html.js';

// The token's key in sessionStorage; actions.js has the form that sets it.
export const TOKEN_KEY = 'factord.console-token';

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;

let socket = null;
let backoff = BACKOFF_MIN_MS;
let reconnectTimer = null;
let wanted = Number(localStorage.getItem('factord.interval')) || 1000;
let deliver = () => {};
let everOpened = false; // a socket that never opens may be refused for want of a credential

function setConn(state, text) {
  const el = $('#conn');
  el.dataset.state = state;
  $('#conn-text').textContent = text;
}

// Every parsed frame goes to onFrame, across reconnects.
export function openStream(onFrame) {
  deliver = onFrame;
  connect();
}

function connect() {
  clearTimeout(reconnectTimer);
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = sessionStorage.getItem(TOKEN_KEY);
  const url = `${proto}//${location.host}/v1/actors/stream?interval_ms=${wanted}` +
    (token ? `&token=${encodeURIComponent(token)}` : '');
  setConn('connecting', 'connecting…');
  let ws;
  try { ws = new WebSocket(url); } catch (e) { return scheduleReconnect(); }
  socket = ws;
  ws.onopen = () => { backoff = BACKOFF_MIN_MS; everOpened = true; setConn('live', 'live'); };
  ws.onmessage = (ev) => {
    let frame;
    try { frame = JSON.parse(ev.data); } catch (e) { return; }
    deliver(frame);
  };
  ws.onclose = () => { if (socket === ws) { socket = null; scheduleReconnect(); } };
  ws.onerror = () => { /* onclose follows */ };
}

function scheduleReconnect() {
  const wait = Math.round(backoff * (0.8 + Math.random() * 0.4));
  backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
  const until = performance.now() + wait;
  // The browser does not say why an upgrade failed; a server with --auth on refuses it
  // without an admin credential.
  const why = everOpened ? 'disconnected' : 'not connected (with --auth on: enter an admin key or the console token below)';
  setConn('down', `${why} — retrying in ${(wait / 1000).toFixed(1)} s`);
  const tick = () => {
    const left = until - performance.now();
    if (left <= 0) return connect();
    setConn('down', `${why} — retrying in ${(left / 1000).toFixed(1)} s`);
    reconnectTimer = setTimeout(tick, Math.min(250, left));
  };
  reconnectTimer = setTimeout(tick, Math.min(250, wait));
}

// A new token: connect again now with it, not at the end of a backoff.
export function reconnectStream() {
  backoff = BACKOFF_MIN_MS;
  if (socket) {
    const old = socket;
    socket = null;
    old.close();
  }
  connect();
}

export function setupInterval() {
  const sel = $('#interval');
  if (![...sel.options].some((o) => Number(o.value) === wanted)) wanted = 1000;
  sel.value = String(wanted);
  sel.addEventListener('change', () => {
    wanted = Number(sel.value);
    localStorage.setItem('factord.interval', String(wanted));
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ interval_ms: wanted }));
  });
}
