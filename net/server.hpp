// factord's network edge: one listener, HTTP/1.1 sessions and WebSocket connections on a
// pool of Asio threads (settings.io_threads). Beast stays behind this pimpl, so code that
// includes this header compiles without it.
//
// Lifecycle, driven by main:
//   start() -> wait_for_signal() -> stop_accepting() -> (stop the actors) -> stop_io()
// and the server is destroyed before the caf::actor_system: pending handlers hold actor
// handles and are released when the io_context goes.
#pragma once

#include "config/result.hpp"

#include "actors/node/node.hpp"
#include "config/options.hpp"

#include <caf/fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace factord::auth {
class authenticator;
}

namespace factord::net {

// Why the listener could not start (main maps it to the process exit code).
enum class start_errc : std::uint8_t { already_started, cannot_resolve, cannot_listen };

class server {
public:
  // `auth`: the credential check with --auth on (main builds it, so a broken keys file stops
  // the start); null with --auth off.
  server(caf::actor_system& sys, actors::node node, const config::settings& settings,
         std::shared_ptr<auth::authenticator> auth = nullptr);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds, listens and starts the Asio threads; on failure, what failed and a hint how
  // to fix it ("... address already in use. Hint: pass --port ...").
  factord::result<void, start_errc> start();

  // The bound port (settings.port may be 0: any free port). 0 before start().
  std::uint16_t port() const;

  // Blocks the calling thread until SIGINT or SIGTERM arrives. SIGHUP re-reads --auth-keys
  // (and is otherwise ignored) without dropping a connection.
  void wait_for_signal();

  // Phase 1 of a shutdown: stop accepting, report not ready, close every HTTP connection
  // and every WebSocket (1001 "going away") and tell each ws-session actor it is closed.
  // Blocks until the listener is closed. Must not be called from an Asio thread.
  void stop_accepting();

  // Phase 2, after every actor that could post to a socket is done: stops the
  // io_context and joins its threads.
  void stop_io();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace factord::net
