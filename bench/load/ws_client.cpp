#include "ws_client.hpp"

#include "numbers.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

namespace load {

namespace websocket = beast::websocket;

ws_client::ws_client(asio::io_context& ioc, ws_settings settings, run_stats& stats, std::uint64_t seed)
    : settings_(std::move(settings)), stats_(stats), rng_(seed), ws_(ioc) {}

void ws_client::start(std::function<void(bool)> on_open) {
  on_open_ = std::move(on_open);
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
  beast::get_lowest_layer(ws_).async_connect(
      settings_.server, beast::bind_front_handler(&ws_client::on_connect, shared_from_this()));
}

void ws_client::on_connect(beast::error_code ec) {
  if (ec) {
    stats_.failures.add(ec == beast::error::timeout ? "ws_connect_timeout" : "ws_connect");
    if (auto f = std::move(on_open_)) f(false);
    return;
  }
  beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  std::string target =
      settings_.token.empty() ? "/ws?userid=" + settings_.caller : "/ws?token=" + settings_.token;
  ws_.async_handshake("127.0.0.1", target,
                      beast::bind_front_handler(&ws_client::on_handshake, shared_from_this()));
}

void ws_client::on_handshake(beast::error_code ec) {
  if (ec) {
    stats_.failures.add("ws_handshake");
    if (auto f = std::move(on_open_)) f(false);
    return;
  }
  open_ = true;
  if (auto f = std::move(on_open_)) f(true);
  do_read();
  for (int i = 0; i < settings_.in_flight; ++i) send_number();
}

void ws_client::send_number() {
  if (!sending_ || !open_) return;
  auto number = random_number(rng_, 12, 18);
  pending_[number].push_back(clock_type::now());
  ++outstanding_;
  stats_.sent.fetch_add(1, std::memory_order_relaxed);
  stats_.in_flight.fetch_add(1, std::memory_order_relaxed);
  queue_write(std::move(number));
}

void ws_client::queue_write(std::string text) {
  outbox_.push_back(std::move(text));
  if (writing_) return;
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(outbox_.front()),
                  beast::bind_front_handler(&ws_client::on_write, shared_from_this()));
}

void ws_client::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    if (!closing_) stats_.failures.add("ws_write");
    return;
  }
  outbox_.pop_front();
  if (closing_) {
    outbox_.clear();
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
    return;
  }
  if (!outbox_.empty()) {
    writing_ = true;
    ws_.async_write(asio::buffer(outbox_.front()),
                    beast::bind_front_handler(&ws_client::on_write, shared_from_this()));
    return;
  }
  maybe_finish();
}

void ws_client::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&ws_client::on_read, shared_from_this()));
}

void ws_client::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    bool was_open = open_;
    open_ = false;
    if (ec == websocket::error::closed) {
      if (!closing_) {
        closed_by_peer_ = true;
        stats_.failures.add("ws_closed_by_server");
      }
    } else if (!closing_ && was_open) {
      stats_.failures.add("ws_read");
    }
    if (outstanding_ != 0) {
      stats_.failures.add("ws_unanswered", outstanding_);
      stats_.in_flight.fetch_sub(outstanding_, std::memory_order_relaxed);
      outstanding_ = 0;
    }
    return;
  }
  handle_reply(beast::buffers_to_string(buffer_.data()));
  buffer_.consume(buffer_.size());
  do_read();
}

void ws_client::handle_reply(const std::string& text) {
  std::string number;
  std::vector<std::string> factors;
  bool shaped = settings_.echo ? (number = text, true) : parse_ws_reply(text, number, factors);
  auto it = shaped ? pending_.find(number) : pending_.end();
  if (it == pending_.end() || it->second.empty()) {
    stats_.failures.add(text.rfind("error", 0) == 0 ? "ws_error_reply" : "ws_unexpected_reply");
    return;
  }
  auto sent_at = it->second.front();
  it->second.pop_front();
  if (it->second.empty()) pending_.erase(it);
  --outstanding_;
  stats_.in_flight.fetch_sub(1, std::memory_order_relaxed);
  if (!settings_.echo && !factors_match(number, factors))
    stats_.failures.add("ws_bad_factors");
  else
    stats_.record_ok(sent_at);
  send_number();
  maybe_finish();
}

void ws_client::stop_sending() {
  sending_ = false;
  maybe_finish();
}

void ws_client::maybe_finish() {
  if (sending_ || outstanding_ != 0 || writing_ || closing_ || !open_) return;
  close();
}

void ws_client::close() {
  if (closing_ || !open_) return;
  closing_ = true;
  if (writing_) return; // one write-like op at a time: on_write closes when it ends
  ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
}

} // namespace load
