// One WebSocket client socket. Two uses:
//  - pump: keeps `in_flight` bare numbers outstanding, checks every reply against the
//    number it names, until told to stop;
//  - idle: connects, then only reads (a server-initiated close is counted).
// Single-threaded: used only from its shard's io_context thread.
#pragma once

#include "http_connection.hpp"
#include "stats.hpp"

#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <random>
#include <unordered_map>

namespace load {

struct ws_settings {
  tcp::endpoint server;
  std::string caller;
  int in_flight = 0; // 0: idle socket
  bool echo = false; // the peer echoes frames instead of factoring them
  std::string token; // non-empty: `?token=` instead of `?userid=`
};

class ws_client : public std::enable_shared_from_this<ws_client> {
public:
  ws_client(asio::io_context& ioc, ws_settings settings, run_stats& stats, std::uint64_t seed);

  // `on_open(ok)` runs once the handshake succeeded or failed.
  void start(std::function<void(bool)> on_open);
  void stop_sending(); // pump: no new numbers; close when the last reply came
  void close();        // close now (normal closure)
  bool open() const { return open_; }
  bool closed_by_peer() const { return closed_by_peer_; }
  std::size_t outstanding() const { return outstanding_; }

private:
  void on_connect(beast::error_code ec);
  void on_handshake(beast::error_code ec);
  void send_number();
  void queue_write(std::string text);
  void on_write(beast::error_code ec, std::size_t);
  void do_read();
  void on_read(beast::error_code ec, std::size_t);
  void handle_reply(const std::string& text);
  void maybe_finish();

  ws_settings settings_;
  run_stats& stats_;
  std::mt19937_64 rng_;
  beast::websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false, sending_ = true, open_ = false, closing_ = false, closed_by_peer_ = false;
  std::size_t outstanding_ = 0;
  std::unordered_map<std::string, std::deque<clock_type::time_point>> pending_;
  std::function<void(bool)> on_open_;
};

} // namespace load
