#include "net/query.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using factord::net::errc;
using factord::net::find_param;
using factord::net::parse_query;
using factord::net::parse_wait;
using factord::net::percent_decode;
using factord::net::validate_caller_id;

TEST_CASE("percent_decode", "[net]") {
  CHECK(percent_decode("a%20b+c").value() == "a b c");
  CHECK(percent_decode("a+b", false).value() == "a+b");
  CHECK(percent_decode("%41%6a").value() == "Aj");
  CHECK(percent_decode("%e2%82%ac").value() == "\xe2\x82\xac");
  for (auto bad : {"%", "%4", "ab%zz", "%%41"}) {
    INFO(bad);
    auto r = percent_decode(bad);
    REQUIRE_FALSE(r);
    CHECK(r.code() == errc::malformed_query);
    CHECK(r.message().find("%25") != std::string::npos); // says how to send a '%'
  }
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
  CHECK(parse_query("a=%zz").code() == errc::malformed_query);
  CHECK(parse_query("%=1").code() == errc::malformed_query);
}

TEST_CASE("parse_wait accepts 0 to 2 decimal seconds", "[net]") {
  CHECK(parse_wait("0").value() == 0ms);
  CHECK(parse_wait("2").value() == 2000ms);
  CHECK(parse_wait("1.5").value() == 1500ms);
  CHECK(parse_wait(".25").value() == 250ms);
  CHECK(parse_wait("0.0015").value() == 1ms); // below a millisecond is dropped
  CHECK(parse_wait("2.000").value() == 2000ms);
  CHECK(parse_wait("002").value() == 2000ms);
  for (auto bad :
       {"", ".", "1.", "2.001", "3", "-1", "+1", "1e0", "1s", "abc", " 1", "99999999999999999999"}) {
    INFO(bad);
    auto r = parse_wait(bad);
    REQUIRE_FALSE(r);
    CHECK(r.code() == errc::invalid_wait);
    CHECK(r.message() == "wait must be a number of seconds from 0 to 2, e.g. wait=1.5");
  }
}

TEST_CASE("validate_caller_id: 1 to 128 printable characters", "[net]") {
  CHECK(validate_caller_id("alice"));
  CHECK(validate_caller_id("team a/job#7"));
  CHECK(validate_caller_id(std::string(128, 'x')));
  CHECK(validate_caller_id("J\xc3\xbcrgen")); // ü
  CHECK(validate_caller_id(std::string(128, 'x') + ""));
  std::string umlauts;
  for (int i = 0; i < 128; ++i) umlauts += "\xc3\xbc"; // 256 bytes, 128 characters
  CHECK(validate_caller_id(umlauts));
  CHECK(validate_caller_id(umlauts + "x").code() == errc::invalid_caller_id);
  CHECK(validate_caller_id("").code() == errc::invalid_caller_id);
  CHECK(validate_caller_id(std::string(129, 'x')).code() == errc::invalid_caller_id);
  CHECK(validate_caller_id("a\nb").code() == errc::invalid_caller_id);
  CHECK(validate_caller_id(std::string("a\0b", 3)).code() == errc::invalid_caller_id);
  CHECK(validate_caller_id("tab\there").code() == errc::invalid_caller_id);
  CHECK(validate_caller_id("del\x7f").code() == errc::invalid_caller_id);
  CHECK(validate_caller_id("\xc2\x85").code() == errc::invalid_caller_id);     // C1 control NEL
  CHECK(validate_caller_id("\xff\xfe").code() == errc::invalid_caller_id);     // not UTF-8
  CHECK(validate_caller_id("\xc0\xaf").code() == errc::invalid_caller_id);     // overlong
  CHECK(validate_caller_id("\xed\xa0\x80").code() == errc::invalid_caller_id); // surrogate
  CHECK(validate_caller_id("\xe2\x82").code() == errc::invalid_caller_id);     // truncated
}
