#include "actors/console/console_state.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace factord::actors {

namespace {

using json = nlohmann::ordered_json;

constexpr std::size_t max_actors_per_frame = 1000;
constexpr std::size_t max_exits_per_frame = 100;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json actor_json(caf::actor_id id, const console_state::watched& w) {
  std::string state = "{";
  for (std::size_t i = 0; i < w.last.fields.size(); ++i) {
    if (i > 0) state += ',';
    state += config::json_quote(w.last.fields[i].first) + ':' + w.last.fields[i].second;
  }
  state += '}';
  return {{"id", id},
          {"kind", w.kind},
          {"parent", w.parent},
          {"role", w.role},
          {"started_at", rfc3339(w.started_ms)},
          {"mailbox", w.last.mailbox},
          {"handled", w.last.handled},
          {"rate", std::round(w.rate * 100) / 100},
          {"busy_ms", static_cast<double>(w.last.busy_ns) / 1e6},
          {"last_message", w.last.last_message},
          {"state", json::parse(state, nullptr, false)}};
}

json exited_json(const console_state::exited_entry& e) {
  return {{"id", e.id},
          {"kind", e.kind},
          {"role", e.role},
          {"started_at", rfc3339(e.started_ms)},
          {"exited_at", rfc3339(e.exited_ms)},
          {"reason", e.reason}};
}

json jobs_json(const console_state& st) {
  registry_stats s = st.window.empty() ? registry_stats{} : st.window.back().stats;
  return {{"accepted", s.accepted}, {"done", s.done},     {"failed", s.failed},  {"cancelled", s.cancelled},
          {"rejected", s.rejected}, {"queued", s.queued}, {"running", s.running}};
}

json workers_json(const console_state& st, std::int64_t now_ms) {
  json out = json::array();
  for (const auto& [id, w] : st.live) {
    if (w.kind != "factor-worker") continue;
    json worker = {{"id", id}, {"busy", false}};
    for (const auto& r : st.registry_now.running) {
      if (r.worker != id) continue;
      worker = {{"id", id},
                {"busy", true},
                {"request_id", r.request_id},
                {"caller", r.caller_id},
                {"digits", r.digits},
                {"elapsed_ms", std::max<std::int64_t>(0, now_ms - r.started_at)}};
    }
    out.push_back(std::move(worker));
  }
  return out;
}

// Shares of worker time over the window against the weighted fair share, and Jain's
// index of share/fair-share over the callers that were served or waiting.
json fairness_json(const console_state& st) {
  std::map<std::string, double> used;
  double window_s = 0;
  if (!st.window.empty()) {
    const auto& first = st.window.front();
    const auto& last = st.window.back();
    window_s = static_cast<double>(last.t_ms - first.t_ms) / 1000.0;
    for (const auto& [caller, seconds] : last.worker_seconds) {
      auto before = first.worker_seconds.find(caller);
      double delta = seconds - (before == first.worker_seconds.end() ? 0.0 : before->second);
      if (st.window.size() == 1) delta = seconds; // no window yet: totals so far
      if (delta > 0) used[caller] = delta;
    }
  }
  std::map<std::string, caller_fairness::entry> queue_view;
  for (const auto& e : st.fairness_now.callers) queue_view[e.caller] = e;
  std::map<std::string, unsigned> weights;
  for (const auto& [caller, seconds] : used) weights[caller] = 1;
  for (const auto& [caller, e] : queue_view)
    if (e.queued > 0 || used.count(caller)) weights[caller] = std::max(1u, e.weight);
  double total_used = 0;
  double total_weight = 0;
  for (const auto& [caller, seconds] : used) total_used += seconds;
  for (const auto& [caller, w] : weights) total_weight += w;

  json callers = json::array();
  double sum = 0;
  double sum_sq = 0;
  for (const auto& [caller, w] : weights) {
    double share = total_used > 0 ? used[caller] / total_used : 0;
    double fair = total_weight > 0 ? w / total_weight : 0;
    double x = fair > 0 ? share / fair : 0;
    sum += x;
    sum_sq += x * x;
    const auto q = queue_view.count(caller) ? queue_view[caller] : caller_fairness::entry{};
    callers.push_back({{"caller", caller},
                       {"queued", q.queued},
                       {"served", q.served},
                       {"running", q.running},
                       {"suspended", q.suspended},
                       {"weight", w},
                       {"paused", q.paused},
                       {"ring_position", q.ring_position},
                       {"worker_s", used[caller]},
                       {"share", share},
                       {"fair_share", fair}});
  }
  for (const auto& [caller, e] : queue_view) {
    if (weights.count(caller)) continue; // paused with nothing served: still worth showing
    callers.push_back({{"caller", caller},
                       {"queued", e.queued},
                       {"served", e.served},
                       {"running", e.running},
                       {"suspended", e.suspended},
                       {"weight", e.weight},
                       {"paused", e.paused},
                       {"ring_position", e.ring_position},
                       {"worker_s", 0.0},
                       {"share", 0.0},
                       {"fair_share", 0.0}});
  }
  double jain =
      weights.empty() || sum_sq == 0 ? 1.0 : sum * sum / (static_cast<double>(weights.size()) * sum_sq);
  // Every limit is visible: the submissions refused since start, by reason (rate_limited,
  // queue_full, invalid_number, ...), as /metrics counts them.
  json refusals = json::object();
  if (!st.window.empty()) {
    const auto& refused = st.window.back().stats.refused;
    for (std::size_t code = 0; code < refused.size(); ++code)
      if (refused[code] > 0) refusals[std::string(to_string(static_cast<api_errc>(code)))] = refused[code];
  }
  std::uint64_t suspended = 0;
  for (const auto& e : st.fairness_now.callers) suspended += e.suspended;
  return {{"window_s", window_s},
          {"jain_index", jain},
          {"callers", callers},
          {"refusals", refusals},
          {"suspended", suspended}};
}

json history_point_json(const console_state::history_point& h) {
  return {{"t", h.t_ms},
          {"accepted_per_s", h.accepted_per_s},
          {"finished_per_s", h.finished_per_s},
          {"p50_ms", h.p50_ms},
          {"p99_ms", h.p99_ms},
          {"utilization", h.utilization},
          {"queued", h.queued}};
}

void add_common(json& out, const console_state& st, std::int64_t now_ms) {
  out["jobs"] = jobs_json(st);
  out["workers"] = workers_json(st, now_ms);
  out["fairness"] = fairness_json(st);
}

} // namespace

std::string console_snapshot_json(const console_state& st, std::int64_t now_ms) {
  json out = {{"type", "snapshot"},
              {"time", rfc3339(now_ms)},
              {"uptime_s", static_cast<double>(now_ms - st.started_ms) / 1000.0}};
  json actors = json::array();
  for (const auto& [id, w] : st.live) {
    if (actors.size() >= max_actors_per_frame) break;
    actors.push_back(actor_json(id, w));
  }
  out["actors"] = std::move(actors);
  out["truncated"] = st.live.size() > max_actors_per_frame ? st.live.size() - max_actors_per_frame : 0;
  json exited = json::array();
  auto first = st.exited.size() > max_exits_per_frame ? st.exited.size() - max_exits_per_frame : 0;
  for (auto i = first; i < st.exited.size(); ++i) exited.push_back(exited_json(st.exited[i]));
  out["exited"] = std::move(exited);
  add_common(out, st, now_ms);
  json history = json::array();
  for (const auto& h : st.history) history.push_back(history_point_json(h));
  out["history"] = std::move(history);
  return dump(out);
}

std::string console_delta_json(const console_state& st, std::uint64_t seen_round, std::int64_t now_ms) {
  json out = {{"type", "delta"}, {"time", rfc3339(now_ms)}};
  json upserted = json::array();
  std::size_t skipped = 0;
  for (const auto& [id, w] : st.live) {
    if (w.changed_round <= seen_round) continue;
    if (upserted.size() >= max_actors_per_frame) {
      ++skipped;
      continue;
    }
    upserted.push_back(actor_json(id, w));
  }
  out["upserted"] = std::move(upserted);
  out["truncated"] = skipped;
  json removed = json::array();
  json exited = json::array();
  for (const auto& e : st.exited) {
    if (e.round <= seen_round) continue;
    removed.push_back(e.id);
    if (exited.size() < max_exits_per_frame) exited.push_back(exited_json(e));
  }
  out["removed"] = std::move(removed);
  out["exited"] = std::move(exited);
  add_common(out, st, now_ms);
  if (!st.history.empty()) out["history_point"] = history_point_json(st.history.back());
  return dump(out);
}

} // namespace factord::actors
