// One HTTP/1.1 connection: read a request, hand it to the REST handlers, write the
// answer, repeat (keep-alive). Requests are read one at a time, so pipelined requests
// are answered in order. A WebSocket upgrade on /ws or / (a ws-session) or on
// /v1/actors/stream (a console viewer) hands the socket over.
//
// Slow clients (config/limits.hpp): between requests the connection waits
// --http-idle-timeout for a first byte and closes silently; from that byte the head must be
// complete within http_header_deadline, then the body must keep http_min_body_rate after
// http_body_grace. A request past its deadline is answered 408 request_timeout and closed.
#include "config/limits.hpp"
#include "config/log.hpp"
#include "net/access.hpp"
#include "net/auth/authenticator.hpp"
#include "net/beast_sessions.hpp"
#include "net/console_routes.hpp"
#include "net/errors.hpp"
#include "net/handlers.hpp"
#include "net/origin.hpp"
#include "net/query.hpp"
#include "net/routes.hpp"
#include "net/slow_clients.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <array>
#include <chrono>
#include <optional>

namespace factord::net {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using clock_type = std::chrono::steady_clock;

// Big enough for any sane request line and headers; beyond it: 431.
constexpr std::size_t max_header_bytes = 8 * 1024UL;
// The read buffer's limit: a chunk-size line or a trailer section longer than this cannot be
// parsed (400), whatever the parser would store.
constexpr std::size_t read_buffer_limit = 64 * 1024UL;
// Counted by factord itself, not by the parser (Boost 1.81's does not count chunk
// extensions or trailers against its limits): a request's bytes, headers and chunk framing
// and trailers included, are at most its headers, twice --max-body-bytes and this.
constexpr std::size_t request_framing_allowance = 64 * 1024UL;

std::size_t max_request_bytes(std::size_t max_body_bytes) {
  return max_header_bytes + 2 * max_body_bytes + request_framing_allowance;
}
// After an error answer we stop reading; this is how long the unread rest of a request
// may drain so that closing does not reset the connection before the client reads it.
constexpr std::chrono::seconds linger_time{1};
// A keep-alive connection's wait for the next request reads at most this much by itself
// (the buffer every idle connection holds); the head parse takes it, then reads the rest.
constexpr std::size_t first_read_bytes = 512;

// What the Host and Origin checks look at (net/origin.hpp); views into `req`.
request_head head_of(const upgrade_request& req) {
  request_head head;
  head.version = req.version();
  head.which = match_route(req.method_string(), split_target(req.target()).path).which;
  head.host_count = req.count(http::field::host);
  if (head.host_count > 0) head.host = req.find(http::field::host)->value();
  head.origin_count = req.count(http::field::origin);
  if (head.origin_count > 0) head.origin = req.find(http::field::origin)->value();
  return head;
}

class http_session final : public closable, public std::enable_shared_from_this<http_session> {
public:
  http_session(asio::ip::tcp::socket socket, std::shared_ptr<server_state> state,
               std::shared_ptr<void> ip_slot)
      : stream_(std::move(socket)), deadline_timer_(stream_.get_executor()), state_(std::move(state)),
        ip_slot_(std::move(ip_slot)) {
    state_->probe.connection_opened();
    // Once per connection: the rate key of its submissions with --auth off.
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ip_ = peer.address().to_string();
  }
  ~http_session() override {
    if (track_id_ != 0) state_->untrack(track_id_);
    state_->probe.connection_closed();
  }

  void run() {
    track_id_ = state_->track(weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
  }

  void shut_down() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->shutting_down_ = true;
      if (self->reading_) // idle between requests; a busy one closes after its answer
        self->stream_.close();
    });
  }

private:
  void do_read() {
    request_clock_.stop();
    reading_ = true;
    if (buffer_.size() > 0) return read_head(); // pipelined: the next request has begun
    stream_.expires_after(state_->settings.http_idle_timeout);
    stream_.async_read_some(buffer_.prepare(first_read_bytes),
                            [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                              if (ec) return self->on_read(ec, 0); // nothing received: just close
                              self->buffer_.commit(bytes);
                              self->read_head();
                            });
  }

  void read_head() {
    parser_.emplace();
    parser_->header_limit(max_header_bytes);
    parser_->body_limit(state_->settings.max_body_bytes);
    stream_.expires_never(); // the deadline timer bounds the request from here
    request_clock_.start_head(clock_type::now());
    wait_for_deadline();
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&http_session::on_header, shared_from_this()));
  }

  // One timer per connection, set at the head's deadline. The body's deadline is later
  // and moves with each read: the wait then goes on from where it fired.
  void wait_for_deadline() {
    deadline_timer_.expires_at(request_clock_.deadline());
    deadline_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (auto self = weak.lock(); self && !ec) self->on_deadline();
    });
  }

  void on_deadline() {
    if (request_clock_.current() == request_deadline::phase::none) return;
    if (!request_clock_.passed(clock_type::now())) return wait_for_deadline();
    timed_out_ = request_clock_.current();
    request_clock_.stop();
    stream_.cancel(); // the pending read ends with operation_aborted; on_read answers 408
  }

  void refuse_slow() {
    bool head = timed_out_ == request_deadline::phase::head;
    timed_out_ = request_deadline::phase::none;
    logging::info("http.slow_client", {{"peer", peer_ip_}, {"phase", head ? "head" : "body"}});
    answer_and_close(to_http_error(
        fail(errc::request_timeout,
             head ? "the request line and headers did not arrive within " +
                        std::to_string(config::limits::http_header_deadline.count() / 1000) +
                        " s of their first byte"
                  : "the body arrived slower than " + std::to_string(config::limits::http_min_body_rate) +
                        " bytes a second (after a grace of " +
                        std::to_string(config::limits::http_body_grace.count() / 1000) + " s)")));
  }

  // curl and others send "Expect: 100-continue" for bodies over 1 KiB and wait a second
  // for the go-ahead; answering it saves that second. Oversized bodies were already
  // refused by the header parse (Content-Length > body_limit).
  void on_header(beast::error_code ec, std::size_t bytes) {
    request_bytes_ = bytes;
    if (ec) return on_read(ec, bytes);
    if (timed_out_ != request_deadline::phase::none) return on_read({}, bytes); // late as it completed
    request_clock_.stop(); // until the body's deadline starts
    // Host and Origin first, before the body is read and before a WebSocket upgrade (a refused
    // upgrade gets a plain HTTP error).
    const auto& req = parser_->get();
    auto head = head_of(req);
    if (auto allowed = check_browser_request(state_->browser, head); !allowed) {
      reading_ = false;
      started_ = clock_type::now();
      return answer_and_close(to_http_error(allowed.error()), head.which, req.version());
    }
    if (!beast::iequals(parser_->get()[http::field::expect], "100-continue")) return read_body();
    continue_ = {http::status::continue_, parser_->get().version()};
    http::async_write(stream_, continue_, [self = shared_from_this()](beast::error_code wec, std::size_t) {
      if (wec) return fail(wec, "http write 100");
      self->read_body();
    });
  }

  // The body a read at a time, counting every byte the parser takes (chunk framing,
  // extensions and trailers included) against max_request_bytes().
  void read_body() {
    if (request_clock_.current() != request_deadline::phase::body) {
      request_clock_.start_body(clock_type::now());
      wait_for_deadline();
    }
    if (parser_->is_done()) return on_read({}, 0);
    http::async_read_some(
        stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
          self->request_bytes_ += bytes;
          self->request_clock_.body_received(bytes);
          if (ec) return self->on_read(ec, bytes);
          if (self->request_bytes_ > max_request_bytes(self->state_->settings.max_body_bytes))
            return self->refuse_oversized();
          self->read_body();
        });
  }

  void refuse_oversized() {
    reading_ = false;
    started_ = clock_type::now();
    answer_and_close(to_http_error(
        fail(errc::body_too_large,
             "the request (headers, chunk framing, extensions, trailers and body) is larger than " +
                 std::to_string(max_request_bytes(state_->settings.max_body_bytes)) +
                 " bytes; send less or raise --max-body-bytes")));
  }

  void on_read(beast::error_code ec, std::size_t) {
    reading_ = false;
    request_clock_.stop();
    started_ = clock_type::now();
    if (timed_out_ != request_deadline::phase::none && !shutting_down_) return refuse_slow();
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      return close_gracefully();
    }
    if (ec == http::error::body_limit)
      return answer_and_close(
          to_http_error(fail(errc::body_too_large, "the request body is larger than " +
                                                       std::to_string(state_->settings.max_body_bytes) +
                                                       " bytes; send less or raise --max-body-bytes")));
    if (ec == http::error::header_limit)
      return answer_and_close(to_http_error(
          fail(errc::headers_too_large, "the request line and headers exceed 8 KiB; shorten them")));
    if (ec == http::error::buffer_overflow)
      return answer_and_close(to_http_error(
          fail(errc::malformed_request,
               "a chunk-size line (with its extensions) or the trailer section is longer than 64 KiB")));
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category())
      return answer_and_close(to_http_error(
          fail(errc::malformed_request, "the request is not valid HTTP/1.1 (" + ec.message() + ")")));
    if (ec) return fail(ec, "http read");

    auto req = parser_->release();
    if (beast::websocket::is_upgrade(req) && try_upgrade(req)) return;
    http_request r;
    r.method = std::string{req.method_string()};
    r.target = std::string{req.target()};
    r.content_type = std::string{req[http::field::content_type]};
    if (auto it = req.find("X-Caller-ID"); it != req.end()) r.caller_header = std::string{it->value()};
    r.idempotency_key = std::string{req["Idempotency-Key"]};
    r.authorization = std::string{req[http::field::authorization]};
    r.body = std::move(req.body());
    r.peer_ip = peer_ip_;
    auto version = req.version();
    bool keep_alive = req.keep_alive();
    handle_request(state_, r, [self = shared_from_this(), version, keep_alive](http_response res) {
      // May run on a CAF thread: hop back onto this connection's strand.
      auto executor = self->stream_.get_executor();
      asio::post(executor, [self, version, keep_alive, res = std::move(res)]() mutable {
        self->write(std::move(res), version, keep_alive);
      });
    });
  }

  // True when the request was taken (upgraded or refused); false: serve it as HTTP.
  bool try_upgrade(upgrade_request& req) {
    auto [path, query] = split_target(req.target());
    auto m = match_route("GET", path);
    if ((m.which != route::websocket && m.which != route::actors_stream) || req.method() != http::verb::get)
      return false;
    auto refuse = [&](const http_error& e) {
      answer_and_close(e, m.which, req.version());
      return true;
    };
    if (m.which == route::websocket && state_->node.role == actors::node_role::worker)
      return refuse(to_http_error(job_route_on_worker()));
    if (!state_->ready.load()) return refuse(to_http_error(shutting_down()));
    auto params = parse_query(query);
    if (!params) return refuse(to_http_error(params.error()));
    std::optional<std::string> named;
    if (const auto* u = find_param(*params, "userid"))
      named = *u;
    else if (const auto* c = find_param(*params, "client_id"))
      named = *c;
    if (named)
      if (auto valid = validate_caller_id(*named); !valid)
        return refuse(to_http_error(fail(valid.code(), "userid: " + valid.message())));
    // Who is asking (net/access.hpp): the Authorization header or ?token=. With --auth on, a
    // job socket that brings neither may authenticate with its first frame instead.
    const auto* token = find_param(*params, "token");
    auto authorization = req[http::field::authorization];
    credentials given{{authorization.data(), authorization.size()},
                      token ? std::optional<std::string_view>{*token} : std::nullopt};
    std::optional<ws_credential> credential;
    bool first_frame = state_->auth && m.which == route::websocket && authorization.empty() && !token;
    if (first_frame) {
      credential = ws_credential{};
      credential->awaiting_first_frame = true;
      credential->named = named;
    } else {
      auto now = std::chrono::system_clock::now();
      auto granted = check_access(state_->settings, state_->auth.get(), m.which, given, now);
      if (!granted) return refuse(to_http_error(granted.error()));
      if (granted->who) { // the console token is no identity: nothing to check again
        auto bearer = auth::bearer_token(given.authorization);
        credential = ws_credential{};
        credential->named = named;
        credential->token = std::string{bearer ? *bearer : token ? std::string_view{*token} : ""};
        credential->caller = granted->who->caller_id;
        credential->admin = granted->admin;
        credential->generation = state_->auth->generation();
        credential->expires = granted->who->expires;
        credential->limits = granted->who->limits;
      }
      if (m.which == route::websocket) {
        auto acting = acting_caller(*granted, named);
        if (!acting) return refuse(to_http_error(acting.error()));
        named = std::move(*acting);
      }
    }
    if (m.which == route::actors_stream) {
      auto interval = parse_stream_interval(*params);
      if (!interval) return refuse(to_http_error(interval.error()));
      auto viewer_slot = state_->acquire_viewer_slot(config::limits::max_console_viewers);
      if (!viewer_slot)
        return refuse(to_http_error(
            fail(errc::too_many_viewers, std::to_string(config::limits::max_console_viewers) +
                                             " console streams are open; close one or retry later")));
      state_->probe.observe(route::actors_stream, 101, seconds_since_start());
      stream_.expires_never();
      run_console_stream(stream_.release_socket(), req, *interval, std::move(credential), state_,
                         std::move(ip_slot_), std::move(viewer_slot));
      return true;
    }
    std::string caller = named ? std::move(*named) : "ws-" + std::to_string(++state_->next_ws_caller);
    state_->probe.observe(route::websocket, 101, seconds_since_start());
    stream_.expires_never(); // the WebSocket stream runs its own timeouts
    run_ws_connection(stream_.release_socket(), req, std::move(caller), std::move(credential), peer_ip_,
                      state_, std::move(ip_slot_));
    return true;
  }

  // For requests we will not read further (bad framing, too big, refused upgrade).
  void answer_and_close(const http_error& e, route which = route::unknown, unsigned version = 11) {
    if (which == route::unknown && parser_ && parser_->is_header_done()) { // e.g. a 413
      const auto& head = parser_->get();
      which = match_route(head.method_string(), split_target(head.target()).path).which;
      version = head.version();
    }
    close_after_write_ = true;
    write(error_response(which, e), version, false);
  }

  void write(http_response res, unsigned version, bool keep_alive) {
    state_->probe.observe(res.which, res.status, seconds_since_start());
    response_ = {};
    response_.result(res.status);
    response_.version(version);
    response_.set(http::field::server, "factord");
    response_.set(http::field::content_type, res.content_type);
    for (auto& [name, value] : res.headers) response_.set(name, value);
    // Errors that leave the stream in an unknown state (413, 431, 400) close it.
    response_.keep_alive(keep_alive && !shutting_down_ && !close_after_write_);
    response_.body() = std::move(res.body);
    response_.prepare_payload();
    stream_.expires_after(state_->settings.http_idle_timeout); // a client that never reads
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&http_session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "http write");
    if (!response_.keep_alive()) return close_gracefully();
    do_read();
  }

  // Half-close, then drain what the client still sends for a moment: closing a socket
  // with unread data resets it, and the client could lose the answer we just wrote.
  void close_gracefully() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    if (!stream_.socket().is_open()) return;
    stream_.expires_after(linger_time); // bounds the whole drain, not each read
    drain();
  }
  void drain() {
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec) self->drain(); // ends on EOF, any error or the linger timeout
                            });
  }

  double seconds_since_start() const {
    return std::chrono::duration<double>(clock_type::now() - started_).count();
  }

  beast::tcp_stream stream_;
  asio::steady_timer deadline_timer_; // the head's and the body's deadlines
  beast::flat_buffer buffer_{read_buffer_limit};
  std::optional<http::request_parser<http::string_body>> parser_;
  std::size_t request_bytes_ = 0;  // of the request being read, as the parser took them
  request_deadline request_clock_; // the deadline of the request being read
  // head or body: that deadline passed, answer 408
  request_deadline::phase timed_out_ = request_deadline::phase::none;
  http::response<http::string_body> response_; // alive until async_write completes
  http::response<http::empty_body> continue_;
  std::array<char, 1024> drain_buffer_{};
  std::shared_ptr<server_state> state_;
  std::string peer_ip_; // empty if the socket could not say
  std::uint64_t track_id_ = 0;
  clock_type::time_point started_ = clock_type::now();
  bool reading_ = false;
  bool shutting_down_ = false;
  bool close_after_write_ = false;
  std::shared_ptr<void> ip_slot_; // --max-connections-per-ip; handed to the WebSocket on upgrade
};

} // namespace

void run_http_session(asio::ip::tcp::socket socket, std::shared_ptr<server_state> state,
                      std::shared_ptr<void> ip_slot) {
  std::make_shared<http_session>(std::move(socket), std::move(state), std::move(ip_slot))->run();
}

} // namespace factord::net
