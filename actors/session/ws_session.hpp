// ws-session: one actor per WebSocket connection (API.md "WebSocket").
//
// Parses each text frame (bare number or JSON), submits it to the job-registry watching
// the job, and writes the reply when the job finishes. A number over the caller's rate gets
// an error frame; config::limits::ws_refusals_before_close of them in a row close the
// socket (1008). Owns the idle timer: the socket
// closes (1000, "idle") once nothing is in flight and nothing was received for the idle
// timeout. The timer is lazy — at most one tick in flight, re-armed from a stored
// deadline — because re-arming per frame piles up undeliverable timers in CAF 0.17.
//
// Messages in:
//   (frame_atom, std::string)  a text frame from the socket
//   (closed_atom)              the socket is gone; the actor quits
//   (jobdone_atom, job)        a job it submitted finished (from the registry)
//   (tick_atom, uint64_t gen)  its own idle timer
//   (close_atom)               an operator closed it from the console
//   (command_atom, std::string frame)  a pushed command for this client (cluster gateway)
//   (probe_atom) -> probe_sample
// Messages out:
//   (submit_atom, submission) -> registry     each number, watching its job
//   (hello_atom, client id, self) -> push      at start, when a push bridge is set
//   (relay_atom, client id, frame) -> push     a client_message frame to publish
#pragma once

#include "actors/protocol/registry_api.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace factord::actors {

// Why a ws-session ends its socket.
enum class session_close : std::uint8_t {
  idle,         // nothing in flight, nothing received for --ws-idle-timeout
  by_operator,  // the console's close_session action
  rate_limited, // kept sending numbers while rate limited (config::limits::ws_refusals_before_close)
};

// The socket side, implemented by net/ (Beast). Both calls are thread-safe and ordered.
class ws_connection {
public:
  virtual ~ws_connection() = default;
  // Queues a text frame.
  virtual void send_text(std::string text) = 0;
  // Closes after the queued frames are written, for `why`; net/ws_close.hpp maps it to the
  // RFC 6455 code and reason (the one table of WebSocket closes).
  virtual void close(session_close why) = 0;
};

struct ws_session_config {
  std::string caller_id; // from ?userid= / ?client_id=, or generated
  std::chrono::milliseconds idle_timeout{5000};
  caf::actor console;   // may be null; learns about the session
  caf::actor push;      // cluster gateway: the kafka-bridge (commands in,
                        // client_message frames out); null otherwise
  submit_limits limits; // every number's (the credential's or the options'; net/ fills it in)
};

caf::actor spawn_ws_session(caf::actor_system& sys, std::weak_ptr<ws_connection> connection,
                            registry_api registry, ws_session_config config);

// For net/: forward socket events without knowing the actor's message tags.
void deliver_frame(const caf::actor& session, std::string text);
void deliver_closed(const caf::actor& session);

} // namespace factord::actors
