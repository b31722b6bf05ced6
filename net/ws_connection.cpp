// One WebSocket connection, bridged to a ws-session actor (actors/session/ws_session.hpp) or, on
// /v1/actors/stream, to a console viewer (actors/console/console.hpp). Both kinds share the
// threading, the bounded outbound queue and the close handling below; a viewer's client
// frames ({"interval_ms":N}) get no reply, so they do not count as in flight.
//
// Threading: every member is touched only on the connection's strand. The actor holds a
// weak_ptr to this object and calls send_text()/close() from CAF threads; both post to
// the strand. This object holds the actor handle only while the socket lives and resets
// it when it reports the close, so neither keeps the other alive.
//
// Backpressure: CAF mailboxes are unbounded, so reading pauses while ws_max_in_flight
// frames await their reply (each frame gets exactly one text reply from the actor), and
// the outbound queue has a bound in frames and in bytes (limits::ws_outbox_max_bytes); a
// peer that stops reading (queue full, or one write pending for limits::ws_write_deadline)
// is disconnected.
//
// Slow senders: a message is read a piece at a time, and one that is not complete within
// limits::ws_message_deadline of its first byte, frame header included, closes the socket
// (1008 "message too slow"). Beast reads frame headers and control frames without
// completing a read of ours, so a layer below it (net/read_watch.hpp) reports each read of
// the socket; ws_message_clock (net/slow_clients.hpp) keeps the time. Between messages a
// socket may be quiet as long as its owner allows (the ws-session's idle close, nothing for
// a viewer).
#include "actors/console/console.hpp"
#include "actors/session/ws_session.hpp"
#include "config/limits.hpp"
#include "config/log.hpp"
#include "net/access.hpp"
#include "net/auth/authenticator.hpp"
#include "net/beast_sessions.hpp"
#include "net/json_codec.hpp"
#include "net/read_watch.hpp"
#include "net/slow_clients.hpp"
#include "net/ws_close.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>

#include <algorithm>

namespace factord::net {

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

// Beast sends these closes itself; the table must say what it sends.
constexpr bool beast_sends(ws_close c, websocket::close_code code) {
  return close_frame(c).code == static_cast<std::uint16_t>(code);
}
static_assert(beast_sends(ws_close::protocol_error, websocket::close_code::protocol_error));
static_assert(beast_sends(ws_close::invalid_payload, websocket::close_code::bad_payload));
static_assert(beast_sends(ws_close::too_big, websocket::close_code::too_big));

constexpr std::string_view binary_frame_reply = "error: binary frames are not supported; send text";

// Payload taken per read; a message is at most --max-frame-bytes (Beast's read_message_max).
constexpr std::size_t read_piece_bytes = 16 * 1024UL;
// After a close for a too slow message, how long the peer has to answer it before its TCP
// connection is dropped (it sends slowly by definition).
constexpr std::chrono::seconds close_answer_wait{2};

// Who is behind the socket: a ws-session for `caller_id`, or a console viewer.
struct ws_peer {
  std::string caller_id; // ws-session; "console" for a viewer (logs)
  bool console_viewer = false;
  std::chrono::milliseconds interval{1000}; // viewer: first refresh interval
  std::optional<ws_credential> credential;  // --auth on
  std::string peer_ip;                      // ws-session: the rate key with --auth off
  std::shared_ptr<void> ip_slot;            // --max-connections-per-ip
  std::shared_ptr<void> viewer_slot;        // viewer: limits::max_console_viewers
};

class ws_session_socket;
using ws_stream = websocket::stream<read_watch<beast::tcp_stream, ws_session_socket>>;

class ws_session_socket final : public actors::ws_connection,
                                public closable,
                                public std::enable_shared_from_this<ws_session_socket> {
public:
  ws_session_socket(asio::ip::tcp::socket socket, ws_peer peer, std::shared_ptr<server_state> state)
      : ws_(beast::tcp_stream(std::move(socket))), auth_deadline_(ws_.get_executor()),
        message_deadline_(ws_.get_executor()), write_deadline_(ws_.get_executor()), state_(std::move(state)),
        caller_id_(std::move(peer.caller_id)), credential_(std::move(peer.credential)),
        peer_ip_(std::move(peer.peer_ip)), ip_slot_(std::move(peer.ip_slot)),
        viewer_slot_(std::move(peer.viewer_slot)), console_viewer_(peer.console_viewer),
        viewer_interval_(peer.interval), max_in_flight_(std::max(1u, state_->settings.ws_max_in_flight)),
        // Replies to in-flight frames plus room for pushed messages; derived from the
        // in-flight bound so one option governs a socket's memory.
        outbox_(4 * static_cast<std::size_t>(max_in_flight_) + 64, config::limits::ws_outbox_max_bytes) {
    ws_.next_layer().watch(this);
    state_->probe.connection_opened();
  }

  ~ws_session_socket() override {
    if (actor_) // only if the strand never saw the end (io_context torn down)
      actors::deliver_closed(actor_);
    if (track_id_ != 0) state_->untrack(track_id_);
    state_->probe.connection_closed();
  }

  void run(const upgrade_request& req) {
    track_id_ = state_->track(weak_from_this());
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    // A viewer sends nothing, so Beast pings it after half this and closes it when no pong
    // (nor anything else) came by the end: a viewer that stopped reading never answers.
    if (console_viewer_) timeouts.idle_timeout = config::limits::ws_viewer_idle_timeout;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "factord"); }));
    ws_.read_message_max(state_->settings.max_frame_bytes); // beyond: Beast closes with 1009
    // A pong or ping is no message: the bytes that began the clock were its.
    ws_.control_callback(
        [this](websocket::frame_type, beast::string_view) { message_clock_.control_read(); });
    // The handshake reads nothing more from `req`; it may die when this returns.
    ws_.async_accept(req, beast::bind_front_handler(&ws_session_socket::on_accept, shared_from_this()));
  }

  // actors::ws_connection — called from CAF threads.
  void send_text(std::string text) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->on_reply(std::move(text));
    });
  }
  void close(actors::session_close why) override {
    auto how = ws_close::by_operator;
    switch (why) {
      case actors::session_close::idle: how = ws_close::idle; break;
      case actors::session_close::by_operator: how = ws_close::by_operator; break;
      case actors::session_close::rate_limited: how = ws_close::rate_limited; break;
    }
    asio::post(ws_.get_executor(), [self = shared_from_this(), how] { self->request_close(how); });
  }

  // read_watch — a read of the socket returned bytes (before Beast parses them).
  void bytes_read() {
    message_clock_.bytes_read(std::chrono::steady_clock::now());
    arm_message_deadline();
  }

  // closable — server shutdown.
  void shut_down() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      self->shutting_down_ = true;
      self->request_close(ws_close::going_away);
      self->report_closed();
    });
  }

private:
  // closable — the keys were reloaded: a socket whose key is gone closes now, not at its
  // next frame.
  void recheck_credential() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (!self->credential_still_valid()) self->request_close(ws_close::auth_revoked);
    });
  }

  void on_accept(beast::error_code ec) {
    if (ec) return fail(ec, "ws handshake");
    if (shutting_down_) return request_close(ws_close::going_away);
    if (credential_ && credential_->awaiting_first_frame) {
      // No actor until the first frame proves who this is; at the deadline, the socket closes.
      auth_deadline_.expires_after(config::limits::ws_auth_wait);
      auth_deadline_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (wait_ec || !self->credential_ || !self->credential_->awaiting_first_frame) return;
        logging::info("ws.auth_failed", {{"reason", "no auth frame in time"}});
        self->request_close(ws_close::auth_failed);
      });
      return do_read();
    }
    start_actor();
    do_read();
  }

  void start_actor() {
    std::weak_ptr<actors::ws_connection> self = shared_from_this();
    if (console_viewer_) {
      actor_ =
          actors::spawn_console_viewer(state_->sys, std::move(self), state_->node.console, viewer_interval_);
      return;
    }
    actors::ws_session_config config;
    config.caller_id = caller_id_;
    config.idle_timeout = state_->settings.ws_idle_timeout;
    config.console = state_->node.console;
    config.limits = submit_limits_for(state_->settings, credential_ ? &credential_->limits : nullptr,
                                      caller_id_, peer_ip_);
    // On a gateway the jobs actor is the kafka-bridge, which also takes hello and relay
    // (its gateway_bridge_actor type); the session holds it untyped, as `push`.
    if (state_->node.role == actors::node_role::gateway)
      config.push = caf::actor_cast<caf::actor>(state_->node.jobs);
    actor_ = actors::spawn_ws_session(state_->sys, std::move(self), state_->node.jobs, config);
  }

  // --auth on: false once the socket's API key is no longer in --auth-keys (or no longer an
  // admin's, for a console viewer) or its JWT has expired. A key is looked up again only
  // after the key table changed.
  bool credential_still_valid() {
    if (!credential_ || credential_->awaiting_first_frame) return true;
    auto now = std::chrono::system_clock::now();
    if (now >= credential_->expires) return false;
    auto generation = state_->auth->generation();
    if (generation == credential_->generation) return true;
    auto who = state_->auth->authenticate(credential_->token, now);
    if (!who || who->caller_id != credential_->caller || (console_viewer_ && !who->admin)) return false;
    credential_->generation = generation;
    return true;
  }

  // The first frame of a socket that brought no credential: {"type":"auth","token":...}.
  // Anything else, a refused token, or another caller than ?userid= named closes it (1008).
  void authenticate_first_frame(const std::string& text) {
    auth_deadline_.cancel();
    auto token = parse_auth_frame(text);
    auto now = std::chrono::system_clock::now();
    std::string why;
    if (!token) {
      why = token.message();
    } else if (auto who = state_->auth->authenticate(*token, now); !who) {
      why = who.message();
    } else if (credential_->named && *credential_->named != who->caller_id) {
      why = "the credential is for another caller than ?userid= names";
    } else {
      caller_id_ = who->caller_id;
      credential_->awaiting_first_frame = false;
      credential_->token = std::move(*token);
      credential_->caller = who->caller_id;
      credential_->admin = who->admin;
      credential_->generation = state_->auth->generation();
      credential_->expires = who->expires;
      credential_->limits = who->limits;
      enqueue(auth_ok_frame(caller_id_)); // answers the auth frame: the actor never saw it
      start_actor();
      return;
    }
    logging::info("ws.auth_failed", {{"reason", why}});
    request_close(ws_close::auth_failed);
  }

  void do_read() {
    auto keep = std::move(paused_self_); // released when this returns; the read holds us
    if (reading_ || close_requested_ || gone_) return;
    reading_ = true;
    read_more();
  }

  void read_more() {
    ws_.async_read_some(buffer_, read_piece_bytes,
                        beast::bind_front_handler(&ws_session_socket::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      reading_ = false;
      // Includes too-big frames and invalid UTF-8 in text: Beast sent the close
      // (ws_close::too_big, ws_close::invalid_payload).
      if (ec != websocket::error::message_too_big) fail(ec, "ws read");
      gone_ = true;
      return report_closed();
    }
    if (!ws_.is_message_done()) {
      message_clock_.payload_read();
      return read_more();
    }
    reading_ = false;
    message_clock_.message_read();
    on_message();
  }

  // A message began: all of it must follow within the deadline. One timer for every
  // message: while it is armed for an earlier message it is left alone, and when it fires
  // it is armed again for the message then being read, if any (at most one wake-up per
  // deadline, however many messages).
  void arm_message_deadline() {
    if (!message_clock_.began() || deadline_armed_ || message_too_slow_ || gone_) return;
    deadline_armed_ = true;
    message_deadline_.expires_at(message_clock_.deadline());
    message_deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (!self) return;
      self->deadline_armed_ = false;
      if (ec || self->gone_) return;
      if (!self->message_clock_.passed(std::chrono::steady_clock::now())) return self->arm_message_deadline();
      self->message_too_slow_ = true;
      logging::info("ws.slow_message", {{"caller_id", self->caller_id_}});
      self->request_close(ws_close::message_too_slow);
      // A peer this slow may never answer the close either: drop it if it has not.
      self->message_deadline_.expires_after(close_answer_wait);
      self->message_deadline_.async_wait([weak](beast::error_code wait_ec) {
        if (auto again = weak.lock(); again && !wait_ec && !again->gone_) {
          again->gone_ = true;
          beast::get_lowest_layer(again->ws_).close();
        }
      });
    });
  }

  void on_message() {
    if (credential_ && credential_->awaiting_first_frame) {
      authenticate_first_frame(beast::buffers_to_string(buffer_.data()));
      buffer_.consume(buffer_.size());
      return do_read();
    }
    if (!credential_still_valid()) {
      buffer_.consume(buffer_.size());
      logging::info("ws.auth_revoked", {{"caller_id", caller_id_}});
      return request_close(ws_close::auth_revoked);
    }
    if (!ws_.got_text()) {
      if (!console_viewer_)                       // a viewer's stream is JSON only; it ignores binary frames
        enqueue(std::string{binary_frame_reply}); // answered here; the actor never sees it
    } else if (actor_) {
      actors::deliver_frame(actor_, beast::buffers_to_string(buffer_.data()));
      if (!console_viewer_) // a viewer answers no frame: its sends are pushes
        ++in_flight_;
    }
    buffer_.consume(buffer_.size());
    if (in_flight_ < max_in_flight_) return do_read();
    // Paused: no operation holds this object now and the actor holds only a weak_ptr,
    // so hold ourselves until on_reply() resumes reading or the socket ends.
    paused_self_ = shared_from_this();
  }

  void on_reply(std::string text) {
    if (in_flight_ > 0) --in_flight_;
    enqueue(std::move(text));
    if (in_flight_ < max_in_flight_) do_read();
  }

  void enqueue(std::string text) {
    if (close_requested_ || gone_) return;
    if (!outbox_.push(std::move(text))) return drop_slow_consumer("queue full");
    if (!writing_) do_write();
  }

  // No close frame: the peer reads nothing we could send. Pending ops fail; the read or the
  // write reports the close.
  void drop_slow_consumer(const char* why) {
    logging::warn("ws.slow_consumer", {{"caller_id", caller_id_},
                                       {"why", why},
                                       {"queued_frames", std::to_string(outbox_.frames())},
                                       {"queued_bytes", std::to_string(outbox_.bytes())}});
    gone_ = true;
    beast::get_lowest_layer(ws_).close();
  }

  void do_write() {
    writing_ = true;
    ws_.text(true);
    auto write = ++write_count_;
    write_deadline_.expires_after(config::limits::ws_write_deadline);
    write_deadline_.async_wait([weak = weak_from_this(), write](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || !self->writing_ || self->write_count_ != write || self->gone_) return;
      self->drop_slow_consumer("write stalled");
    });
    ws_.async_write(asio::buffer(outbox_.front()),
                    beast::bind_front_handler(&ws_session_socket::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    write_deadline_.cancel();
    if (ec) {
      fail(ec, "ws write");
      gone_ = true;
      outbox_.clear();
      return report_closed();
    }
    outbox_.pop();
    if (!outbox_.empty()) return do_write();
    if (close_requested_ && !closing_) start_close();
  }

  void request_close(ws_close why) {
    auto frame = close_frame(why);
    request_close(frame.code, std::string{frame.reason});
  }

  // Beast allows one write-like operation at a time and a close is one, so the close
  // waits until the queued replies are written. Every code comes from ws_close.hpp.
  void request_close(std::uint16_t code, const std::string& reason) {
    if (close_requested_ || gone_) return;
    close_requested_ = true;
    close_reason_ = websocket::close_reason{static_cast<websocket::close_code>(code),
                                            reason.substr(0, 120)}; // 123 bytes max on the wire
    if (!writing_ && outbox_.empty()) start_close();
  }

  void start_close() {
    paused_self_.reset(); // the close operation holds us from here
    closing_ = true;
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) fail(ec, "ws close");
      self->gone_ = true;
      self->report_closed(); // reading may have been paused: no read reports it then
    });
  }

  void report_closed() {
    paused_self_.reset();
    if (!actor_) return;
    actors::deliver_closed(actor_);
    actor_ = nullptr;
  }

  ws_stream ws_;
  asio::steady_timer auth_deadline_;    // --auth on, first-frame authentication
  asio::steady_timer message_deadline_; // message_clock_'s deadline, then close_answer_wait
  asio::steady_timer write_deadline_;   // limits::ws_write_deadline
  beast::flat_buffer buffer_;
  std::shared_ptr<server_state> state_;
  std::string caller_id_;
  std::optional<ws_credential> credential_;
  std::string peer_ip_;
  std::shared_ptr<void> ip_slot_;     // released when this connection object goes
  std::shared_ptr<void> viewer_slot_; // likewise
  const bool console_viewer_;
  const std::chrono::milliseconds viewer_interval_;
  caf::actor actor_; // the ws-session or viewer; null before the handshake and after the close
  websocket::close_reason close_reason_;
  const unsigned max_in_flight_;
  ws_outbox outbox_;               // replies to in-flight frames plus room for pushed messages
  unsigned in_flight_ = 0;         // frames delivered minus replies sent
  ws_message_clock message_clock_; // the message being read: late when?
  std::uint64_t write_count_ = 0;  // writes begun: which one a deadline is for
  bool deadline_armed_ = false;    // message_deadline_ waits for message_clock_
  bool message_too_slow_ = false;  // closed for it: message_deadline_ waits for the answer
  std::shared_ptr<ws_session_socket> paused_self_; // set only while reading is paused
  std::uint64_t track_id_ = 0;
  bool reading_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool closing_ = false;
  bool gone_ = false;
  bool shutting_down_ = false;
};

} // namespace

void run_ws_connection(asio::ip::tcp::socket socket, const upgrade_request& req, std::string caller_id,
                       std::optional<ws_credential> credential, std::string peer_ip,
                       std::shared_ptr<server_state> state, std::shared_ptr<void> ip_slot) {
  ws_peer peer{std::move(caller_id), false,  {}, std::move(credential), std::move(peer_ip),
               std::move(ip_slot),   nullptr};
  auto connection = std::make_shared<ws_session_socket>(std::move(socket), std::move(peer), std::move(state));
  connection->run(req);
}

void run_console_stream(asio::ip::tcp::socket socket, const upgrade_request& req,
                        std::chrono::milliseconds interval, std::optional<ws_credential> credential,
                        std::shared_ptr<server_state> state, std::shared_ptr<void> ip_slot,
                        std::shared_ptr<void> viewer_slot) {
  ws_peer peer{
      "console", true, interval, std::move(credential), {}, std::move(ip_slot), std::move(viewer_slot)};
  auto connection = std::make_shared<ws_session_socket>(std::move(socket), std::move(peer), std::move(state));
  connection->run(req);
}

} // namespace factord::net
