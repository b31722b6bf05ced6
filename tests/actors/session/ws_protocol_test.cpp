// The WebSocket frame protocol alone (actors/session/ws_protocol.hpp): what a frame asks
// for, and a clear error for garbage, empty, huge and hostile frames.
#include "actors/session/ws_protocol.hpp"

#include <catch2/catch.hpp>

#include <string>

using factord::actors::parse_ws_frame;
using factord::actors::ws_request;

TEST_CASE("bare and JSON frames name their number", "[ws_protocol]") {
  auto bare = parse_ws_frame("91");
  CHECK(bare.form == ws_request::kind::bare);
  CHECK(bare.number == "91");
  CHECK(bare.error.empty());

  auto msg = parse_ws_frame(R"({"type":"message","content":"91","userid":"u1"})");
  CHECK(msg.form == ws_request::kind::json);
  CHECK(msg.type == "message");
  CHECK(msg.number == "91");
  CHECK(msg.userid == "u1");
  CHECK(msg.error.empty());

  CHECK(parse_ws_frame(R"({"type":"message","content":91})").number == "91");
  const std::string big = "123456789012345678901234567890123456789";
  CHECK(parse_ws_frame(R"({"type":"message","content":)" + big + "}").number == big); // exact digits
  CHECK(parse_ws_frame(R"(  {"type":"client_message","text":"hi"})").type == "client_message");
}

TEST_CASE("garbage, empty, huge and hostile JSON frames get a clear error", "[ws_protocol]") {
  auto error_of = [](const std::string& frame) {
    auto r = parse_ws_frame(frame);
    CHECK(r.form == ws_request::kind::json);
    return r.error;
  };
  CHECK_THAT(error_of("{"), Catch::Contains("malformed JSON frame"));
  CHECK_THAT(error_of("{}"), Catch::Contains("without a string \"type\""));
  CHECK_THAT(error_of(R"({"type":7})"), Catch::Contains("without a string \"type\""));
  CHECK_THAT(error_of(R"({"type":"shell","content":"91"})"), Catch::Contains("unknown frame type 'shell'"));
  CHECK_THAT(error_of(R"({"type":"message"})"), Catch::Contains("needs \"content\""));
  CHECK_THAT(error_of(R"({"type":"message","content":["91"]})"), Catch::Contains("needs \"content\""));
  CHECK_THAT(error_of("{\"type\":\"message\",\"content\":\"\xff\"}"),
             Catch::Contains("malformed JSON frame"));
  CHECK_THAT(error_of(R"({"type":"message","content":0000000000000000007})"),
             Catch::Contains("malformed JSON frame")); // leading zeros are not JSON
  CHECK_THAT(error_of(std::string(100000, '{')), Catch::Contains("malformed JSON frame"));
  // The unknown type is quoted at most 32 characters long.
  CHECK(error_of(R"({"type":")" + std::string(5000, 't') + R"("})").size() < 100);
}

TEST_CASE("a JSON frame that names a field twice is refused, whichever field", "[ws_protocol]") {
  for (const char* frame : {R"({"type":"message","content":"91","content":"1"})",
                            R"({"type":"message","type":"client_message","content":"91"})",
                            R"({"userid":"a","type":"message","content":"91","userid":"b"})"}) {
    INFO(frame);
    auto r = parse_ws_frame(frame);
    CHECK_THAT(r.error, Catch::Contains("names a field twice"));
    CHECK(r.number.empty());
  }
  // The same key inside a nested value is that value's business.
  auto nested = parse_ws_frame(R"({"type":"message","content":"91","meta":{"a":1,"b":{"a":2}}})");
  CHECK(nested.error.empty());
  CHECK(nested.number == "91");
}
