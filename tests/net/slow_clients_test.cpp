#include "config/limits.hpp"
#include "net/slow_clients.hpp"

#include <catch2/catch.hpp>

#include <string>

using factord::net::request_deadline;
using factord::net::ws_message_clock;
using factord::net::ws_outbox;
namespace limits = factord::config::limits;
using namespace std::chrono_literals;

namespace {
const request_deadline::clock::time_point t0{std::chrono::hours{1}};
}

TEST_CASE("the head's deadline counts from its first byte and does not move", "[net][slow_clients]") {
  request_deadline d;
  CHECK(d.current() == request_deadline::phase::none);
  CHECK_FALSE(d.passed(t0 + 1h)); // nothing is being read
  d.start_head(t0);
  CHECK(d.current() == request_deadline::phase::head);
  CHECK(d.deadline() == t0 + limits::http_header_deadline);
  d.body_received(1 << 20); // not a body yet: nothing earned
  CHECK(d.deadline() == t0 + limits::http_header_deadline);
  CHECK_FALSE(d.passed(t0 + limits::http_header_deadline - 1ms));
  CHECK(d.passed(t0 + limits::http_header_deadline));
  d.stop();
  CHECK_FALSE(d.passed(t0 + 1h));
}

TEST_CASE("a body earns one second per http_min_body_rate bytes after the grace", "[net][slow_clients]") {
  request_deadline d;
  d.start_head(t0);
  auto body_start = t0 + 2s;
  d.start_body(body_start);
  CHECK(d.current() == request_deadline::phase::body);
  CHECK(d.deadline() == body_start + limits::http_body_grace); // nothing yet: the grace
  d.body_received(limits::http_min_body_rate);
  CHECK(d.deadline() == body_start + limits::http_body_grace + 1s);
  d.body_received(limits::http_min_body_rate / 2);
  CHECK(d.deadline() == body_start + limits::http_body_grace + 1500ms);
  // A body faster than the rate is never late while it keeps coming.
  for (int i = 0; i < 100; ++i) d.body_received(2 * limits::http_min_body_rate);
  CHECK_FALSE(d.passed(body_start + limits::http_body_grace + 150s));
  CHECK(d.passed(body_start + limits::http_body_grace + 202s));
  // A new body starts from nothing again.
  d.start_body(body_start + 300s);
  CHECK(d.deadline() == body_start + 300s + limits::http_body_grace);
}

TEST_CASE("zero bytes and huge counts do not break the body's deadline", "[net][slow_clients]") {
  request_deadline d;
  d.start_body(t0);
  d.body_received(0);
  CHECK(d.deadline() == t0 + limits::http_body_grace);
  d.body_received(std::size_t{1} << 40); // a terabyte: ~34 years, no overflow
  CHECK(d.deadline() > t0 + 24h * 365);
}

TEST_CASE("a WebSocket message's deadline counts from its first byte, header included",
          "[net][slow_clients]") {
  ws_message_clock message;
  CHECK_FALSE(message.began());
  CHECK_FALSE(message.passed(t0 + 1h));
  message.bytes_read(t0); // the first header byte
  CHECK(message.began());
  CHECK(message.deadline() == t0 + limits::ws_message_deadline);
  // More header bytes and payload do not move it.
  message.bytes_read(t0 + 3s);
  message.payload_read();
  message.bytes_read(t0 + 6s);
  CHECK(message.deadline() == t0 + limits::ws_message_deadline);
  CHECK_FALSE(message.passed(t0 + limits::ws_message_deadline - 1ms));
  CHECK(message.passed(t0 + limits::ws_message_deadline));
  // A control frame in the middle of a message does not restart it.
  message.control_read();
  CHECK(message.passed(t0 + limits::ws_message_deadline));
  // The next message starts with the next bytes.
  message.message_read();
  CHECK_FALSE(message.began());
  CHECK_FALSE(message.passed(t0 + 1h));
  message.bytes_read(t0 + 20s);
  CHECK(message.deadline() == t0 + 20s + limits::ws_message_deadline);
}

TEST_CASE("bytes that were a control frame begin no message", "[net][slow_clients]") {
  ws_message_clock message;
  message.bytes_read(t0); // a pong
  message.control_read();
  CHECK_FALSE(message.began());
  CHECK_FALSE(message.passed(t0 + 1h));
  // A control frame sent a byte at a time is late like a message.
  message.bytes_read(t0 + 1s);
  CHECK(message.passed(t0 + 1s + limits::ws_message_deadline));
  // Payload, then a ping, then a slow rest: still the first byte's deadline.
  message.message_read();
  message.bytes_read(t0 + 30s);
  message.payload_read();
  message.control_read();
  message.bytes_read(t0 + 35s);
  CHECK(message.deadline() == t0 + 30s + limits::ws_message_deadline);
}

TEST_CASE("the outbox refuses a frame beyond its frame bound", "[net][slow_clients]") {
  ws_outbox box(3, 1000);
  CHECK(box.empty());
  CHECK(box.push("a"));
  CHECK(box.push("b"));
  CHECK(box.push("c"));
  CHECK_FALSE(box.push("d"));
  CHECK(box.frames() == 3);
  CHECK(box.bytes() == 3);
  CHECK(box.front() == "a");
  box.pop();
  CHECK(box.front() == "b");
  CHECK(box.push("d"));
}

TEST_CASE("the outbox refuses a frame beyond its byte bound, queuing nothing of it", "[net][slow_clients]") {
  ws_outbox box(100, 10);
  CHECK(box.push(std::string(6, 'x')));
  CHECK_FALSE(box.push(std::string(5, 'y'))); // 11 > 10
  CHECK(box.bytes() == 6);
  CHECK(box.push(std::string(4, 'z'))); // exactly at the bound
  CHECK(box.bytes() == 10);
  CHECK(box.push("")); // an empty frame costs no bytes, only a frame
  box.pop();
  CHECK(box.bytes() == 4);
  CHECK_FALSE(box.push(std::string(11, 'h'))); // larger than the whole bound
  box.clear();
  CHECK(box.empty());
  CHECK(box.bytes() == 0);
  CHECK(box.push(std::string(10, 'w')));
}
