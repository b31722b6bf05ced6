// What the page knows about the node, folded from the stream's frames: a snapshot, then
// deltas (API.md "Operations"; actors/console.hpp for the shapes).
const HISTORY_CAP = 3600;   // points kept for the charts (1 h at 1 s)
const EXITED_CAP = 50;      // rows in "Recently exited"

export const model = {
  actors: new Map(), exited: [], jobs: null, workers: [], fairness: null, history: [],
  uptime: null, interval: 1000, receivedAt: 0, snapshotSeen: false,
};

// False for a frame of another type: the model is unchanged and nothing needs drawing.
export function applyFrame(f) {
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
    return false;
  }
  if (f.uptime_s != null) model.uptime = { s: f.uptime_s, at: model.receivedAt };
  else if (model.uptime) model.uptime = { s: model.uptime.s + (model.receivedAt - model.uptime.at) / 1000, at: model.receivedAt };
  if (f.interval_ms) model.interval = f.interval_ms;
  if (f.jobs) model.jobs = f.jobs;
  if (f.workers) model.workers = f.workers;
  if (f.fairness) model.fairness = f.fairness;
  return true;
}

// Countdowns and elapsed times are drawn from the last frame's values plus this.
export const sinceFrame = () => performance.now() - model.receivedAt;
