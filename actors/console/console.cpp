#include "actors/console/console.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/console/console_state.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message_priority.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>

#include <algorithm>

namespace factord::actors {

namespace {

using self_ptr = caf::stateful_actor<console_state>*;

constexpr auto probe_timeout = std::chrono::milliseconds(200);
constexpr std::size_t max_exited = 200;
constexpr std::int64_t window_ms = 60'000;
constexpr std::size_t max_history = 600; // ten minutes at one point per second

double percentile_ms(const registry_stats& a, const registry_stats& b, double q) {
  if (b.latency_counts.empty() || b.latency_count <= a.latency_count) return 0;
  double total = static_cast<double>(b.latency_count - a.latency_count);
  for (std::size_t i = 0; i < b.latency_counts.size(); ++i) {
    auto before = i < a.latency_counts.size() ? a.latency_counts[i] : 0;
    if (static_cast<double>(b.latency_counts[i] - before) >= q * total) return b.latency_bounds[i] * 1000.0;
  }
  return b.latency_bounds.back() * 1000.0;
}

void record_point(self_ptr self, std::int64_t now, const registry_stats& stats) {
  auto& st = self->state;
  console_state::counters_point point{now, stats, {}};
  for (const auto& c : st.registry_now.callers) point.worker_seconds[c.caller] = c.compute_seconds;
  st.window.push_back(std::move(point));
  while (st.window.size() > 2 && now - st.window.front().t_ms > window_ms) st.window.pop_front();
  if (st.window.size() < 2) return;
  if (!st.history.empty() && now - st.history.back().t_ms < 1000) return;
  const auto& a = st.window[st.window.size() - 2];
  const auto& b = st.window.back();
  double dt = std::max(0.001, static_cast<double>(b.t_ms - a.t_ms) / 1000.0);
  auto finished = [](const registry_stats& s) { return s.done + s.failed + s.cancelled; };
  std::size_t workers = 0;
  for (const auto& [id, w] : st.live) workers += w.kind == "factor-worker";
  console_state::history_point h;
  h.t_ms = now;
  h.accepted_per_s = static_cast<double>(b.stats.accepted - a.stats.accepted) / dt;
  h.finished_per_s = static_cast<double>(finished(b.stats) - finished(a.stats)) / dt;
  h.p50_ms = percentile_ms(a.stats, b.stats, 0.5);
  h.p99_ms = percentile_ms(a.stats, b.stats, 0.99);
  h.utilization =
      workers == 0 ? 0 : static_cast<double>(st.registry_now.running.size()) / static_cast<double>(workers);
  h.queued = b.stats.queued;
  st.history.push_back(h);
  if (st.history.size() > max_history) st.history.pop_front();
}

void arm_tick(self_ptr self) {
  auto& st = self->state;
  if (st.viewers.empty()) return;
  caf::timespan shortest = st.viewers.front().interval;
  for (const auto& v : st.viewers) shortest = std::min(shortest, v.interval);
  self->delayed_send(self, shortest, tick_atom::value, ++st.tick_generation);
}

void finish_round(self_ptr self, const registry_stats& stats) {
  auto& st = self->state;
  auto now = unix_millis_now();
  record_point(self, now, stats);
  st.round_running = false;
  for (auto& rp : st.waiting_snapshots) rp.deliver(console_snapshot_json(st, now));
  st.waiting_snapshots.clear();
  auto clock_now = self->clock().now();
  for (auto& v : st.viewers) {
    if (v.seen_round != 0 && v.next_due > clock_now) continue;
    std::string frame =
        v.seen_round == 0 ? console_snapshot_json(st, now) : console_delta_json(st, v.seen_round, now);
    self->send(v.who, viewframe_atom::value, std::move(frame));
    v.seen_round = st.round;
    // A little early, so a round that ends just before the due time still sends.
    v.next_due = clock_now + v.interval - std::chrono::milliseconds(20);
  }
  arm_tick(self);
}

// One sampling round: every actor's probe (high priority, so a long mailbox does not hide
// it), plus the registry's and dispatcher's views. Busy factor workers do not answer in
// time; they keep their last sample and their live state comes from the registry.
void start_round(self_ptr self) {
  auto& st = self->state;
  if (st.round_running) return;
  st.round_running = true;
  ++st.round;
  auto stats = std::make_shared<registry_stats>();
  auto pending = std::make_shared<std::size_t>(1);
  auto one_done = [self, pending, stats] {
    if (--*pending == 0) finish_round(self, *stats);
  };
  for (auto& [id, w] : st.live) {
    if (id == self->id()) continue;
    // A copy, not the structured binding: C++17 lets no lambda capture a binding (clang
    // rejects it, GCC allows it).
    caf::actor_id actor_id = id;
    // A computing worker reads its mailbox only after its job; probing it would pile up
    // one unanswered probe per round. The registry's view says what it is doing.
    bool computing = std::any_of(st.registry_now.running.begin(), st.registry_now.running.end(),
                                 [actor_id](const auto& r) { return r.worker == actor_id; });
    if (computing) continue;
    ++*pending;
    self->request<caf::message_priority::high>(w.handle, probe_timeout, probe_atom::value)
        .then(
            [self, actor_id, one_done](probe_sample& sample) {
              auto it = self->state.live.find(actor_id);
              if (it != self->state.live.end()) {
                auto& entry = it->second;
                auto now = unix_millis_now();
                if (entry.sampled_ms > 0 && now > entry.sampled_ms)
                  entry.rate = static_cast<double>(sample.handled - entry.last.handled) * 1000.0 /
                               static_cast<double>(now - entry.sampled_ms);
                bool changed = sample.handled != entry.last.handled || sample.mailbox != entry.last.mailbox ||
                               sample.fields != entry.last.fields || entry.rate != 0;
                if (changed) entry.changed_round = self->state.round;
                entry.last = std::move(sample);
                entry.sampled_ms = now;
              }
              one_done();
            },
            [one_done](caf::error&) { one_done(); });
  }
  if (st.registry) {
    *pending += 2;
    self->request(st.registry, probe_timeout, stats_atom::value)
        .then(
            [stats, one_done](registry_stats& s) {
              *stats = std::move(s);
              one_done();
            },
            [one_done](caf::error&) { one_done(); });
    self->request(st.registry, probe_timeout, workers_atom::value)
        .then(
            [self, one_done](registry_view& v) {
              self->state.registry_now = std::move(v);
              one_done();
            },
            [one_done](caf::error&) { one_done(); });
  }
  if (st.dispatcher) {
    ++*pending;
    self->request(st.dispatcher, probe_timeout, fairness_atom::value)
        .then(
            [self, one_done](caller_fairness& f) {
              self->state.fairness_now = std::move(f);
              one_done();
            },
            [one_done](caf::error&) { one_done(); });
  }
  one_done(); // the initial count of one
}

void watch(self_ptr self, caf::actor who, std::string kind, caf::actor_id parent, std::string role) {
  if (!who) return;
  auto& entry = self->state.live[who.id()];
  entry.kind = std::move(kind);
  entry.role = std::move(role);
  entry.parent = parent;
  entry.started_ms = unix_millis_now();
  entry.changed_round = self->state.round + 1;
  self->monitor(who);
  entry.handle = std::move(who);
}

void on_down(self_ptr self, caf::down_msg& down) {
  auto& st = self->state;
  auto v = std::find_if(st.viewers.begin(), st.viewers.end(),
                        [&](const auto& x) { return x.who.address() == down.source; });
  if (v != st.viewers.end()) {
    st.viewers.erase(v);
    sampling_enabled = !st.viewers.empty();
  }
  auto it = st.live.find(down.source.id());
  if (it == st.live.end()) return;
  console_state::exited_entry e;
  e.id = it->first;
  e.kind = it->second.kind;
  e.role = it->second.role;
  e.started_ms = it->second.started_ms;
  e.exited_ms = unix_millis_now();
  e.reason = down.reason ? self->system().render(down.reason) : "normal";
  e.round = st.round + 1;
  st.exited.push_back(std::move(e));
  if (st.exited.size() > max_exited) st.exited.pop_front();
  st.live.erase(it);
}

caf::result<action_result> act(self_ptr self, console_action& a) {
  auto& st = self->state;
  logging::info("console_action", {{"action", a.action},
                                   {"actor", std::to_string(a.actor)},
                                   {"request_id", a.request_id},
                                   {"caller", a.caller}});
  auto done = [](std::string message) { return action_result{true, std::move(message)}; };
  auto refuse = [](std::string message) { return action_result{false, std::move(message)}; };
  auto missing = [](std::string message) { return action_result{false, std::move(message), true}; };
  if (a.action == "close_session") {
    auto it = st.live.find(a.actor);
    if (it == st.live.end() || it->second.kind != "ws-session")
      return missing("no open ws-session has actor id " + std::to_string(a.actor));
    self->send(it->second.handle, close_atom::value);
    return done("closing ws-session " + std::to_string(a.actor));
  }
  if (a.action == "cancel_job") {
    auto rp = self->make_response_promise<action_result>();
    // The console's operator acts on any caller's job.
    self->request(st.registry, std::chrono::seconds(5), cancel_atom::value, a.request_id, as_admin())
        .then(
            [rp](job_reply& r) mutable {
              rp.deliver(r.ok ? action_result{true, "job is " + std::string(to_string(r.value.status))}
                              : action_result{false, r.error.message, r.error.code == api_errc::not_found});
            },
            [rp, self](caf::error& err) mutable {
              rp.deliver(action_result{false, self->system().render(err)});
            });
    return rp;
  }
  if (a.caller.empty() || a.caller.size() > 128) return refuse("name the caller (1-128 characters)");
  if (!st.dispatcher &&
      (a.action == "pause_caller" || a.action == "resume_caller" || a.action == "set_weight"))
    return refuse("this node schedules no jobs (a gateway); act on a worker's console");
  if (a.action == "pause_caller") {
    self->send(st.dispatcher, pause_atom::value, a.caller);
    return done("caller '" + a.caller + "' paused");
  }
  if (a.action == "resume_caller") {
    self->send(st.dispatcher, resume_atom::value, a.caller);
    return done("caller '" + a.caller + "' resumed");
  }
  if (a.action == "set_weight") {
    if (a.weight < 1 || a.weight > 100) return refuse("weight must be 1 to 100");
    self->send(st.dispatcher, weight_atom::value, a.caller, a.weight);
    return done("caller '" + a.caller + "' now has weight " + std::to_string(a.weight));
  }
  return refuse("unknown action '" + a.action.substr(0, 32) +
                "': use close_session, cancel_job, pause_caller, resume_caller or set_weight");
}

caf::behavior console_actor(self_ptr self) {
  self->state.started_ms = unix_millis_now();
  self->set_down_handler([self](caf::down_msg& down) { on_down(self, down); });
  return {
      [=](register_atom, caf::actor& who, std::string& kind, caf::actor_id parent, std::string& role) {
        watch(self, std::move(who), std::move(kind), parent, std::move(role));
      },
      [=](attach_atom, registry_api& registry, caf::actor& dispatcher) {
        self->state.registry = std::move(registry);
        self->state.dispatcher = std::move(dispatcher);
      },
      [=](snapshot_atom) {
        auto rp = self->make_response_promise<std::string>();
        self->state.waiting_snapshots.push_back(rp);
        start_round(self);
        return rp;
      },
      [=](subscribe_atom, caf::actor& viewer, caf::timespan interval) {
        auto& st = self->state;
        auto it = std::find_if(st.viewers.begin(), st.viewers.end(),
                               [&](const auto& v) { return v.who == viewer; });
        if (it != st.viewers.end()) {
          it->interval = interval;
          it->next_due = {};
          return;
        }
        self->monitor(viewer);
        st.viewers.push_back({std::move(viewer), interval, {}, 0});
        sampling_enabled = true;
        if (st.viewers.size() == 1) start_round(self); // first viewer: start sampling now
      },
      [=](tick_atom, std::uint64_t generation) {
        if (generation == self->state.tick_generation && !self->state.viewers.empty()) start_round(self);
      },
      [=](action_atom, console_action& a) { return act(self, a); },
  };
}

struct viewer_state {
  std::weak_ptr<ws_connection> connection;
  caf::actor console;
  probe counters;
  static inline const char* name = "console-viewer";
};

caf::behavior console_viewer(caf::stateful_actor<viewer_state>* self, std::weak_ptr<ws_connection> connection,
                             caf::actor console, caf::timespan interval) {
  self->state.connection = std::move(connection);
  self->state.console = std::move(console);
  self->send(self->state.console, subscribe_atom::value, caf::actor{self}, interval);
  return {
      [=](viewframe_atom, std::string& frame) {
        probe_scope scope(self->state.counters, "viewframe");
        if (auto c = self->state.connection.lock())
          c->send_text(std::move(frame));
        else
          self->quit();
      },
      [=](frame_atom, const std::string& text) {
        // {"interval_ms": N}: the only thing a viewer says. Anything else is ignored.
        auto key = text.find("\"interval_ms\"");
        if (key == std::string::npos) return;
        auto digits = text.find_first_of("0123456789", key);
        if (digits == std::string::npos) return;
        long ms = std::strtol(text.c_str() + digits, nullptr, 10);
        ms = std::clamp(ms, 250L, 10'000L);
        self->send(self->state.console, subscribe_atom::value, caf::actor{self},
                   caf::timespan{std::chrono::milliseconds(ms)});
      },
      [=](closed_atom) { self->quit(); },
      [=](probe_atom) { return make_sample(self->state.counters, self->mailbox().size()); },
  };
}

} // namespace

caf::actor spawn_console(caf::actor_system& sys) {
  auto console = sys.spawn(console_actor);
  register_actor(console, console, "console", 0, "");
  return console;
}

void attach_console(const caf::actor& console, const registry_api& registry, const caf::actor& dispatcher) {
  caf::anon_send(console, attach_atom::value, registry, dispatcher);
}

void console_snapshot(caf::actor_system& sys, const caf::actor& console,
                      std::function<void(std::string)> done) {
  sys.spawn([console, done = std::move(done)](caf::event_based_actor* self) {
    self->request(console, std::chrono::seconds(5), snapshot_atom::value)
        .then([done](std::string& json) { done(std::move(json)); },
              [done](caf::error&) { done("{\"error\":\"console unavailable\"}"); });
  });
}

void console_act(caf::actor_system& sys, const caf::actor& console, console_action action,
                 std::function<void(action_result)> done) {
  sys.spawn([console, action = std::move(action), done = std::move(done)](caf::event_based_actor* self) {
    self->request(console, std::chrono::seconds(10), action_atom::value, action)
        .then([done](action_result& r) { done(std::move(r)); },
              [done, self](caf::error& err) {
                done({false, self->system().render(err)});
              });
  });
}

caf::actor spawn_console_viewer(caf::actor_system& sys, std::weak_ptr<ws_connection> connection,
                                const caf::actor& console, std::chrono::milliseconds interval) {
  auto viewer = sys.spawn(console_viewer, std::move(connection), console, caf::timespan{interval});
  register_actor(console, viewer, "console-viewer", console.id(), "");
  return viewer;
}

} // namespace factord::actors
