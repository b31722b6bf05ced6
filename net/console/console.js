// factord inspection console: the page's entry module. Plain ES modules, no build step:
// served by factord from net/console/ (embedded at build time; net/README.md lists the
// files). Data: GET /v1/actors/stream (WebSocket) sends a snapshot, then deltas; see
// API.md "Operations" and actors/console.hpp for the shapes. Imports are relative to this
// file's URL (/console/console.js), so they resolve to /console/<name>.js.
import { model, applyFrame } from './model.js';
import { openStream, setupInterval } from './stream.js';
import { renderHeader, renderWorkers, renderFairness, renderSessions, renderExited, renderKafka,
  tickClocks } from './panels.js';
import { renderActors, setupActorsUi } from './actors.js';
import { setupCharts, renderCharts } from './charts.js';
import { setupActions } from './actions.js';

// At most one redraw per animation frame, however many frames and clicks arrive.
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

function onFrame(frame) {
  if (applyFrame(frame)) scheduleRender();
}

function start() {
  setupInterval();
  setupCharts();
  setupActorsUi(scheduleRender);
  setupActions(scheduleRender);
  setInterval(tickClocks, 100);
  openStream(onFrame);
}

// For tests (tests/browser): feed frames without a server.
window.factordConsole = { applyFrame: onFrame, model };
// A module script runs after the document is parsed: the page's elements are all there.
start();
