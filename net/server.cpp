// The listener and the server's lifecycle. Sessions live in http_session.cpp and
// ws_connection.cpp.
#include "net/server.hpp"

#include "config/limits.hpp"
#include "config/log.hpp"
#include "net/beast_sessions.hpp"
#include "net/errors.hpp"
#include "net/auth/authenticator.hpp"
#include "net/handlers.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/error.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <functional>
#include <future>
#include <sstream>
#include <thread>
#include <vector>

namespace factord::net {

namespace beast = boost::beast;
using tcp = asio::ip::tcp;

void fail(beast::error_code ec, const char* what) {
  // Peers vanish, time out and close all day long; none of that is news for on-call.
  if (ec == asio::error::operation_aborted || ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe || ec == asio::error::not_connected || ec == beast::error::timeout ||
      ec == beast::http::error::end_of_stream || ec == beast::http::error::partial_message ||
      ec == beast::websocket::error::closed)
    return;
  logging::debug("net.io_error", {{"op", what}, {"error", ec.message()}});
}

namespace {

// Descriptors kept for what is not a client connection: the journal, the Kafka clients,
// the console's files, the listening socket, logs.
constexpr rlim_t reserved_descriptors = 64;

// Every connection is a descriptor. With the usual soft limit (1024) clients beyond it would
// wait in the accept queue (EMFILE) instead of getting the 503 of --max-connections, so the
// soft limit is raised to the hard one, and --max-connections lowered to what fits (said in
// the log) when even that is too small.
config::settings fit_to_open_files(config::settings s) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return s;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  if (lim.rlim_cur == RLIM_INFINITY) return s;
  const rlim_t fits =
      lim.rlim_cur > 2 * reserved_descriptors ? lim.rlim_cur - reserved_descriptors : lim.rlim_cur / 2;
  if (s.max_connections > fits) {
    logging::warn("net.max_connections_lowered",
                  {{"max_connections", std::to_string(s.max_connections)},
                   {"open_files_limit", std::to_string(lim.rlim_cur)},
                   {"now", std::to_string(fits)},
                   {"advice", "raise the hard limit of open files (ulimit -Hn, LimitNOFILE=) or lower "
                              "--max-connections"}});
    s.max_connections = fits;
  }
  return s;
}

// Sent to connections beyond --max-connections (or --max-connections-per-ip): a clear
// answer, then close. The bytes are made once, before the first accept, so a flood costs
// no work per connection.
std::string over_capacity_response(const std::string& message) {
  auto answer = error_response(route::unknown, to_http_error(fail(errc::too_many_connections, message)));
  beast::http::response<beast::http::string_body> res{static_cast<beast::http::status>(answer.status), 11};
  res.set(beast::http::field::content_type, answer.content_type);
  for (auto& [name, value] : answer.headers) res.set(name, value);
  res.keep_alive(false);
  res.body() = std::move(answer.body);
  res.prepare_payload();
  std::ostringstream bytes;
  bytes << res;
  return bytes.str();
}

std::string bind_hint(const beast::error_code& ec) {
  if (ec == asio::error::address_in_use)
    return " Hint: pass --port with a free port (or --port 0 for any), or stop the process using it.";
  if (ec == asio::error::access_denied) return " Hint: ports below 1024 need privileges; pass --port 8080.";
  if (ec == boost::system::errc::address_not_available)
    return " Hint: pass --host with an address of this machine, e.g. 127.0.0.1 or 0.0.0.0.";
  return {};
}

// Reloads the --auth-keys file and logs the outcome; a broken file keeps the keys in use.
void log_key_reload(const auth::key_result<std::size_t>& outcome, const char* why) {
  if (outcome)
    logging::info("auth.keys_reloaded", {{"keys", std::to_string(*outcome)}, {"trigger", why}});
  else
    logging::error("auth.keys_reload_failed",
                   {{"error", outcome.message()}, {"trigger", why}, {"keeping", "the keys loaded before"}});
}

} // namespace

struct server::impl {
  impl(caf::actor_system& sys, actors::node node, const config::settings& settings,
       std::shared_ptr<auth::authenticator> auth)
      : state(std::make_shared<server_state>(sys, std::move(node), settings, std::move(auth))),
        ioc(static_cast<int>(std::max(1u, settings.io_threads))), work(asio::make_work_guard(ioc)),
        acceptor(asio::make_strand(ioc)), accept_backoff(acceptor.get_executor()),
        key_watch(asio::make_strand(ioc)),
        over_capacity(over_capacity_response("the server has too many open connections; retry later")),
        over_ip_capacity(over_capacity_response("too many open connections from your address "
                                                "(--max-connections-per-ip); close some, then retry")) {}

  std::shared_ptr<server_state> state;
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  tcp::acceptor acceptor; // on its own strand: stop_accepting() posts the close there
  asio::steady_timer accept_backoff;
  asio::steady_timer key_watch;       // --auth-keys: checks the file for changes
  const std::string over_capacity;    // the whole HTTP answer to a connection over the limit
  const std::string over_ip_capacity; // the same, over the limit of its address
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  bool accepting = false;

  void do_accept() {
    // Each connection gets its own strand: all its handlers run one at a time.
    acceptor.async_accept(asio::make_strand(ioc),
                          [this](beast::error_code ec, tcp::socket s) { on_accept(ec, std::move(s)); });
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return; // stop_accepting()
    if (ec) {
      // EMFILE and friends: retrying at once would spin a core; back off briefly.
      logging::warn("net.accept_failed", {{"error", ec.message()}});
      accept_backoff.expires_after(std::chrono::milliseconds{50});
      accept_backoff.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor.is_open()) do_accept();
      });
      return;
    }
    // Replies are small and written as they are ready (WebSocket frames one by one); NODELAY
    // keeps Nagle from holding one back until the peer's delayed ACK.
    beast::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    if (state->probe.connections_open() >= static_cast<std::int64_t>(state->settings.max_connections)) {
      reject(std::move(socket), over_capacity);
    } else if (auto limit = state->settings.max_connections_per_ip; limit == 0) {
      run_http_session(std::move(socket), state, nullptr);
    } else {
      beast::error_code peer_ec;
      auto peer = socket.remote_endpoint(peer_ec);
      auto slot = peer_ec ? nullptr : state->acquire_ip_slot(peer.address().to_string(), limit);
      if (slot)
        run_http_session(std::move(socket), state, std::move(slot));
      else if (!peer_ec)
        reject(std::move(socket), over_ip_capacity);
      // else: the peer is already gone; dropping the socket closes it
    }
    do_accept();
  }

  // Picks up an edited --auth-keys file within limits::key_file_poll (one stat per poll).
  void watch_keys() {
    key_watch.expires_after(config::limits::key_file_poll);
    key_watch.async_wait([this](beast::error_code ec) {
      if (ec) return; // cancelled: stopping
      if (auto outcome = state->auth->keys()->reload_if_changed()) {
        log_key_reload(*outcome, "file_changed");
        recheck_connections();
      }
      watch_keys();
    });
  }

  // After a reload: every WebSocket whose key is gone closes now (1008), not at its next frame.
  void recheck_connections() {
    for (auto& c : state->open_connections()) c->recheck_credential();
  }

  void reject(tcp::socket socket, const std::string& answer) {
    state->probe.connection_rejected();
    auto s = std::make_shared<tcp::socket>(std::move(socket));
    asio::async_write(*s, asio::buffer(answer), [s](beast::error_code, std::size_t) {
      beast::error_code ignored;
      s->shutdown(tcp::socket::shutdown_both, ignored);
      s->close(ignored);
    });
  }

  factord::result<void, start_errc> listen() {
    const auto& cfg = state->settings;
    auto where = cfg.host + ":" + std::to_string(cfg.port);
    beast::error_code ec;
    tcp::endpoint endpoint;
    auto address = asio::ip::make_address(cfg.host, ec);
    if (!ec) {
      endpoint = {address, cfg.port};
    } else {
      tcp::resolver resolver{ioc};
      auto results = resolver.resolve(cfg.host, std::to_string(cfg.port), ec);
      if (ec || results.empty())
        return fail(start_errc::cannot_resolve,
                    "cannot resolve host '" + cfg.host + "': " + ec.message() +
                        ". Hint: pass --host with an IP address, e.g. 127.0.0.1 or 0.0.0.0.");
      endpoint = results.begin()->endpoint();
    }
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      beast::error_code ignored;
      acceptor.close(ignored);
      return fail(start_errc::cannot_listen,
                  "cannot listen on " + where + ": " + ec.message() + "." + bind_hint(ec));
    }
    bound_port = acceptor.local_endpoint().port();
    return {};
  }

  void run_thread() {
    // A throwing handler must not take the process down silently; log and keep serving.
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        logging::error("net.handler_exception", {{"what", e.what()}});
      }
    }
  }
};

server::server(caf::actor_system& sys, actors::node node, const config::settings& settings,
               std::shared_ptr<auth::authenticator> auth)
    : impl_(std::make_unique<impl>(sys, std::move(node), fit_to_open_files(settings), std::move(auth))) {}

server::~server() {
  // main stops the server in order before this runs; here it stops only on an early exit.
  // Nothing may leave a destructor: a failure to stop (a thread that cannot be joined, no
  // memory for the log line) is reported on stderr, and the process is ending anyway.
  try {
    stop_accepting();
    stop_io();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "factord: stopping the HTTP server failed: %s\n", e.what());
  } catch (...) {
    std::fputs("factord: stopping the HTTP server failed\n", stderr);
  }
}

factord::result<void, start_errc> server::start() {
  if (impl_->accepting || !impl_->threads.empty())
    return fail(start_errc::already_started, "the server is already started");
  if (auto listened = impl_->listen(); !listened) return listened;
  impl_->accepting = true;
  impl_->state->ready = true;
  impl_->do_accept(); // no thread runs yet, so this is still single-threaded
  if (impl_->state->auth && impl_->state->auth->keys()) impl_->watch_keys();
  auto n = std::max(1u, impl_->state->settings.io_threads);
  for (unsigned i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->run_thread(); });
  logging::info("net.listening", {{"host", impl_->state->settings.host},
                                  {"port", std::to_string(impl_->bound_port)},
                                  {"io_threads", std::to_string(n)}});
  return {};
}

std::uint16_t server::port() const { return impl_->bound_port; }

void server::wait_for_signal() {
  // Its own io_context: the wait needs no I/O thread and works before start() too.
  asio::io_context signal_ioc{1};
  asio::signal_set signals{signal_ioc, SIGINT, SIGTERM, SIGHUP};
  int received = 0;
  std::function<void()> wait = [&] {
    signals.async_wait([&](const beast::error_code& ec, int signo) {
      if (ec) return;
      if (signo != SIGHUP) {
        received = signo;
        return;
      }
      // SIGHUP: re-read the keys now; connections stay open, and the server keeps waiting.
      auto* keys = impl_->state->auth ? impl_->state->auth->keys() : nullptr;
      if (keys) {
        log_key_reload(keys->reload(), "SIGHUP");
        impl_->recheck_connections();
      } else
        logging::info("net.signal", {{"signal", "SIGHUP"}, {"action", "none: no --auth-keys to re-read"}});
      wait();
    });
  };
  wait();
  signal_ioc.run();
  logging::info("net.signal", {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}});
}

void server::stop_accepting() {
  if (!impl_->accepting) return;
  impl_->accepting = false;
  impl_->state->ready = false;
  std::promise<void> closed;
  asio::post(impl_->acceptor.get_executor(), [this, &closed] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->accept_backoff.cancel();
    asio::post(impl_->key_watch.get_executor(), [this] { impl_->key_watch.cancel(); });
    closed.set_value();
  });
  closed.get_future().wait();
  auto connections = impl_->state->open_connections();
  for (auto& c : connections) c->shut_down();
  logging::info("net.stopped_accepting", {{"connections_closed", std::to_string(connections.size())}});
}

void server::stop_io() {
  if (impl_->threads.empty()) return;
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

} // namespace factord::net
