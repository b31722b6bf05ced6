#include "net/slow_clients.hpp"

#include "config/limits.hpp"

#include <utility>

namespace factord::net {

void request_deadline::start_head(clock::time_point now) {
  phase_ = phase::head;
  deadline_ = now + config::limits::http_header_deadline;
}

void request_deadline::start_body(clock::time_point now) {
  phase_ = phase::body;
  body_started_ = now;
  body_bytes_ = 0;
  deadline_ = now + config::limits::http_body_grace;
}

// Late once rate x (elapsed - grace) exceeds what arrived: the deadline moves on by one
// second per http_min_body_rate bytes received.
void request_deadline::body_received(std::size_t bytes) {
  if (phase_ != phase::body) return;
  body_bytes_ += bytes;
  auto earned = std::chrono::milliseconds{body_bytes_ * 1000 / config::limits::http_min_body_rate};
  deadline_ = body_started_ + config::limits::http_body_grace + earned;
}

void ws_message_clock::bytes_read(clock::time_point now) noexcept {
  if (began_) return;
  began_ = true;
  deadline_ = now + config::limits::ws_message_deadline;
}

void ws_message_clock::control_read() noexcept {
  if (!payload_) began_ = false;
}

bool ws_outbox::push(std::string text) {
  if (frames_.size() >= max_frames_ || text.size() > max_bytes_ - bytes_) return false;
  bytes_ += text.size();
  frames_.push_back(std::move(text));
  return true;
}

void ws_outbox::pop() {
  bytes_ -= frames_.front().size();
  frames_.pop_front();
}

void ws_outbox::clear() noexcept {
  frames_.clear();
  bytes_ = 0;
}

} // namespace factord::net
