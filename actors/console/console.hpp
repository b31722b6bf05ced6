// console: the node's directory of live actors and the data behind the inspection page.
//
// CAF 0.17 cannot list live actors, so every actor registers here when spawned (id, kind,
// parent, role, start time); the console monitors it and records its exit reason. While a
// viewer is connected it samples every actor's probe (mailbox depth, messages handled,
// processing time, last message, state by kind) plus the registry and dispatcher views,
// keeps a history (so charts survive a reload) and streams a snapshot, then deltas, to
// each viewer. With no viewer it samples nothing; a GET snapshot samples once on demand.
//
// Messages in:
//   (register_atom, actor, kind, parent id, role)   a new actor to watch
//   (attach_atom, registry_api, dispatcher)          the node's, to query (attach_console)
//   (snapshot_atom) -> std::string                  the JSON snapshot (GET /v1/actors)
//   (subscribe_atom, viewer, caf::timespan interval) stream frames to `viewer`
//   (action_atom, console_action) -> action_result  operator actions (token checked by net/)
//   (probe_atom) -> probe_sample                    its own probe
//   (tick_atom, generation)                         its sampling timer (stale generations ignored)
// Messages out: (viewframe_atom, std::string json) to viewers; (stats_atom), (workers_atom),
// (probe_atom) requests to the node's actors while sampling; (close_atom) to a ws-session,
// (pause_atom, caller), (resume_atom, caller), (weight_atom, caller, n) to the dispatcher,
// (cancel_atom, id, as_admin()) to the registry, for actions (an operator sees every job).
//
// console-viewer (spawn_console_viewer), one per /v1/actors/stream socket:
//   (viewframe_atom, json) writes it to the socket; (frame_atom, text) a client frame,
//   {"interval_ms": N} re-subscribes at N (250..10000 ms), anything else is ignored;
//   (closed_atom) quits; (probe_atom) -> probe_sample. Sends (subscribe_atom) to the console.
#pragma once

#include "actors/protocol/registry_api.hpp"
#include "actors/session/ws_session.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace factord::actors {

struct console_action {
  std::string action;      // close_session | cancel_job | pause_caller | resume_caller | set_weight
  std::uint64_t actor = 0; // close_session: the ws-session's actor id
  std::string request_id;  // cancel_job
  std::string caller;      // pause_caller, resume_caller, set_weight
  unsigned weight = 1;     // set_weight: 1..100
};

struct action_result {
  bool ok = false;
  std::string message;    // what happened, or what was wrong with the request
  bool not_found = false; // refused because its session or job does not exist (HTTP 404)
};

caf::actor spawn_console(caf::actor_system& sys);

// Tells the console about the node's actors so it can query the registry and dispatcher.
void attach_console(const caf::actor& console, const registry_api& registry, const caf::actor& dispatcher);

// For net/: the snapshot JSON, an action, and a stream viewer bound to a WebSocket. The
// viewer understands frames {"interval_ms": N} (250..10000) to change its rate.
void console_snapshot(caf::actor_system& sys, const caf::actor& console,
                      std::function<void(std::string)> done);
void console_act(caf::actor_system& sys, const caf::actor& console, console_action action,
                 std::function<void(action_result)> done);
caf::actor spawn_console_viewer(caf::actor_system& sys, std::weak_ptr<ws_connection> connection,
                                const caf::actor& console, std::chrono::milliseconds interval);

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::console_action)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::action_result)
