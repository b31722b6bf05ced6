// The policy of the slow-client bounds (config/limits.hpp), as plain classes the Beast
// sessions drive; no Asio here, so it is unit tested alone (tests/net/slow_clients_test.cpp).
//
//  - request_deadline: when the request being read is late. The head must be complete
//    within http_header_deadline of its first byte; the body must then arrive at
//    http_min_body_rate bytes a second on average once http_body_grace has passed.
//  - ws_message_clock: when the WebSocket message being read is late. It must be complete
//    within ws_message_deadline of its first byte, frame header included; bytes that
//    turn out to be a control frame (a pong, a ping) before any message payload do not
//    start one.
//  - ws_outbox: a WebSocket's outbound queue, bounded in frames and in bytes; a push
//    beyond either bound is refused (the peer is then a slow consumer).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace factord::net {

class request_deadline {
public:
  using clock = std::chrono::steady_clock;
  enum class phase : std::uint8_t { none, head, body };

  // The head's first byte arrived at `now`.
  void start_head(clock::time_point now);
  // The head is complete; the body (if any) is read from `now`.
  void start_body(clock::time_point now);
  // `bytes` more of the body (chunk framing included) arrived.
  void body_received(std::size_t bytes);
  // Nothing is being read (answering, upgraded, idle between requests).
  void stop() noexcept { phase_ = phase::none; }

  phase current() const noexcept { return phase_; }
  // When the current phase is late; only meaningful while current() != none.
  clock::time_point deadline() const noexcept { return deadline_; }
  bool passed(clock::time_point now) const noexcept { return phase_ != phase::none && now >= deadline_; }

private:
  phase phase_ = phase::none;
  clock::time_point body_started_;
  std::size_t body_bytes_ = 0;
  clock::time_point deadline_;
};

class ws_message_clock {
public:
  using clock = std::chrono::steady_clock;

  // A read of the socket returned bytes at `now`: the first since the last message (or
  // control frame) ended begins the next message.
  void bytes_read(clock::time_point now) noexcept;
  // Payload of the current message was read (its header is behind us).
  void payload_read() noexcept { payload_ = began_; }
  // A control frame was read: if no payload has come since the bytes began, they were
  // that frame's, and no message has begun.
  void control_read() noexcept;
  // A whole message was read.
  void message_read() noexcept { began_ = payload_ = false; }

  bool began() const noexcept { return began_; }
  // Only meaningful while began().
  clock::time_point deadline() const noexcept { return deadline_; }
  bool passed(clock::time_point now) const noexcept { return began_ && now >= deadline_; }

private:
  bool began_ = false;
  bool payload_ = false;
  clock::time_point deadline_;
};

class ws_outbox {
public:
  ws_outbox(std::size_t max_frames, std::size_t max_bytes) : max_frames_(max_frames), max_bytes_(max_bytes) {}

  // False (and nothing queued) when `text` would exceed either bound.
  bool push(std::string text);
  const std::string& front() const { return frames_.front(); }
  void pop();
  void clear() noexcept;
  bool empty() const noexcept { return frames_.empty(); }
  std::size_t frames() const noexcept { return frames_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }

private:
  std::deque<std::string> frames_;
  std::size_t bytes_ = 0;
  std::size_t max_frames_;
  std::size_t max_bytes_;
};

} // namespace factord::net
