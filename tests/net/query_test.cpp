#include "net/query.hpp"

#include <catch2/catch.hpp>

#include <string>

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
  CHECK(parse_wait("1.9999").value() == 1999ms);
  CHECK(parse_wait("2.000").value() == 2000ms);
  CHECK(parse_wait("002").value() == 2000ms);
  CHECK(parse_wait("0.000").value() == 0ms);
}

namespace {

void check_refused(const std::string& bad) {
  INFO(bad.substr(0, 40) << " (" << bad.size() << " bytes)");
  auto r = parse_wait(bad);
  REQUIRE_FALSE(r);
  CHECK(r.code() == errc::invalid_wait);
  CHECK(r.message() == "wait must be a number of seconds from 0 to 2, e.g. wait=1.5");
}

} // namespace

TEST_CASE("parse_wait refuses anything else, and anything over 2 seconds however slightly", "[net]") {
  const char* const refused[] = {"",
                                 ".",
                                 "1.",
                                 "2.001",
                                 "2.0001",
                                 "2.0000000000000004",
                                 "3",
                                 "10",
                                 "-1",
                                 "+1",
                                 "-0",
                                 "1s",
                                 "abc",
                                 " 1",
                                 "1 ",
                                 "1..5",
                                 "1.5.",
                                 "0x1",
                                 "Inf",
                                 "NaN",
                                 "inf",
                                 "1,5",
                                 "99999999999999999999"};
  for (const auto* bad : refused) check_refused(bad);
}

// What clients print for a float (Python's str, JavaScript's String): the OpenAPI
// document calls wait a number, so its JSON form is a wait too.
TEST_CASE("parse_wait reads the exponent form of a number exactly", "[net]") {
  CHECK(parse_wait("1e0").value() == 1000ms);
  CHECK(parse_wait("2E0").value() == 2000ms);
  CHECK(parse_wait("1.5e+0").value() == 1500ms);
  CHECK(parse_wait("2.5e-1").value() == 250ms);
  CHECK(parse_wait("1e-3").value() == 1ms);
  CHECK(parse_wait("1e-05").value() == 0ms);
  CHECK(parse_wait("2.2e-308").value() == 0ms);
  CHECK(parse_wait("0.02e2").value() == 2000ms);
  CHECK(parse_wait("200e-2").value() == 2000ms);
  CHECK(parse_wait("0e999999").value() == 0ms);
  CHECK(parse_wait("0.0e-999999999999999999999999").value() == 0ms);
  CHECK(parse_wait("1e-999999999999999999999999").value() == 0ms);
  for (auto bad :
       {"1e", "1e+", "1e-", "e1", ".e1", "1.e1", "1e1.5", "1e--1", "1e+-1", "1e 1", "1e1e1", "2e0.1",
        "2.0001e0", "201e-2", "3e0", "1e1", "1e308", "1e999999999999999999999999", "0.21e1"})
    check_refused(bad);
}

TEST_CASE("parse_wait takes huge texts in constant memory and still decides exactly", "[net]") {
  // A million zeros before the digit: 0 ms, accepted; after it: over 2, refused.
  CHECK(parse_wait("0." + std::string(1'000'000, '0') + "1").value() == 0ms);
  check_refused("2." + std::string(1'000'000, '0') + "1");
  CHECK(parse_wait("2." + std::string(1'000'000, '0')).value() == 2000ms);
  CHECK(parse_wait("1" + std::string(1'000'000, '0') + "e-1000000").value() == 1000ms);
  check_refused("1" + std::string(1'000'000, '0') + "e-999999");
  check_refused(std::string(1'000'000, '9'));
  check_refused("1e" + std::string(1'000'000, '9'));
  CHECK(parse_wait("1e-" + std::string(1'000'000, '9')).value() == 0ms);
  check_refused(std::string(1'000'000, '.'));
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
