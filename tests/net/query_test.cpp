#include "net/query.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using factord::net::find_param;
using factord::net::parse_query;
using factord::net::parse_wait;
using factord::net::percent_decode;
using factord::net::validate_caller_id;

TEST_CASE("percent_decode", "[net]") {
  CHECK(percent_decode("a%20b+c") == std::optional<std::string>{"a b c"});
  CHECK(percent_decode("a+b", false) == std::optional<std::string>{"a+b"});
  CHECK(percent_decode("%41%6a") == std::optional<std::string>{"Aj"});
  CHECK(percent_decode("%e2%82%ac") == std::optional<std::string>{"\xe2\x82\xac"});
  CHECK_FALSE(percent_decode("%"));
  CHECK_FALSE(percent_decode("%4"));
  CHECK_FALSE(percent_decode("ab%zz"));
  CHECK_FALSE(percent_decode("%%41"));
}

TEST_CASE("parse_query keeps order and duplicates, the first value wins", "[net]") {
  auto q = parse_query("caller_id=al%69ce&wait=1.5&flag&&empty=&caller_id=bob");
  REQUIRE(q);
  CHECK(q->size() == 5);
  REQUIRE(find_param(*q, "caller_id"));
  CHECK(*find_param(*q, "caller_id") == "alice");
  CHECK(*find_param(*q, "wait") == "1.5");
  CHECK(*find_param(*q, "flag") == "");
  CHECK(*find_param(*q, "empty") == "");
  CHECK(find_param(*q, "missing") == nullptr);
  CHECK(parse_query("")->empty());
  CHECK(*find_param(*parse_query("a%3Db=c%26d"), "a=b") == "c&d");
  CHECK_FALSE(parse_query("a=%zz"));
  CHECK_FALSE(parse_query("%=1"));
}

TEST_CASE("parse_wait accepts 0 to 2 decimal seconds", "[net]") {
  CHECK(parse_wait("0").value == 0ms);
  CHECK(parse_wait("2").value == 2000ms);
  CHECK(parse_wait("1.5").value == 1500ms);
  CHECK(parse_wait(".25").value == 250ms);
  CHECK(parse_wait("0.0015").value == 1ms); // below a millisecond is dropped
  CHECK(parse_wait("2.000").value == 2000ms);
  CHECK(parse_wait("002").value == 2000ms);
  for (auto bad :
       {"", ".", "1.", "2.001", "3", "-1", "+1", "1e0", "1s", "abc", " 1", "99999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_wait(bad).error.empty());
  }
}

TEST_CASE("validate_caller_id: 1 to 128 printable characters", "[net]") {
  CHECK(validate_caller_id("alice").empty());
  CHECK(validate_caller_id("team a/job#7").empty());
  CHECK(validate_caller_id(std::string(128, 'x')).empty());
  CHECK(validate_caller_id("J\xc3\xbcrgen").empty()); // ü
  CHECK(validate_caller_id(std::string(128, 'x') + "").empty());
  std::string umlauts;
  for (int i = 0; i < 128; ++i) umlauts += "\xc3\xbc"; // 256 bytes, 128 characters
  CHECK(validate_caller_id(umlauts).empty());
  CHECK_FALSE(validate_caller_id(umlauts + "x").empty());
  CHECK_FALSE(validate_caller_id("").empty());
  CHECK_FALSE(validate_caller_id(std::string(129, 'x')).empty());
  CHECK_FALSE(validate_caller_id("a\nb").empty());
  CHECK_FALSE(validate_caller_id(std::string("a\0b", 3)).empty());
  CHECK_FALSE(validate_caller_id("tab\there").empty());
  CHECK_FALSE(validate_caller_id("del\x7f").empty());
  CHECK_FALSE(validate_caller_id("\xc2\x85").empty());     // C1 control NEL
  CHECK_FALSE(validate_caller_id("\xff\xfe").empty());     // not UTF-8
  CHECK_FALSE(validate_caller_id("\xc0\xaf").empty());     // overlong
  CHECK_FALSE(validate_caller_id("\xed\xa0\x80").empty()); // surrogate
  CHECK_FALSE(validate_caller_id("\xe2\x82").empty());     // truncated
}
