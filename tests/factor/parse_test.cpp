#include "factor/parse.hpp"

#include <catch2/catch.hpp>

using factord::factor::errc;
using factord::factor::parse_number;

TEST_CASE("valid numbers parse exactly", "[parse]") {
  CHECK(parse_number("91", 300).value == 91);
  CHECK(parse_number("  +91\t\r\n", 300).value == 91);
  CHECK(parse_number("0007", 300).value == 7);
  CHECK(parse_number("1", 300).value == 1);
  auto big = parse_number("100000000000000000050700000000000000004563", 300);
  REQUIRE(big.ok());
  CHECK(big.value.get_str() == "100000000000000000050700000000000000004563");
  CHECK(parse_number(std::string(300, '9'), 300).ok());
  // Leading zeros do not count against the limit.
  CHECK(parse_number(std::string(1000, '0') + "5", 3).ok());
}

TEST_CASE("bad numbers are rejected with a typed error and a clear message", "[parse]") {
  struct bad_case {
    std::string text;
    errc expected;
    std::string fragment;
  };
  const bad_case cases[] = {
      {"", errc::empty_input, "empty"},
      {"   \t\n", errc::empty_input, "empty"},
      {"0", errc::not_positive, "0 has no"},
      {"+000", errc::not_positive, "0 has no"},
      {"-5", errc::not_positive, "negative"},
      {"-0", errc::not_positive, "negative"},
      {"abc", errc::not_a_number, "not a decimal integer"},
      {"12a", errc::not_a_number, "not a decimal integer"},
      {"0x1F", errc::not_a_number, "not a decimal integer"},
      {"1 2", errc::not_a_number, "not a decimal integer"},
      {"++1", errc::not_a_number, "not a decimal integer"},
      {"+", errc::not_a_number, "not a decimal integer"},
      {"-", errc::not_a_number, "not a decimal integer"},
      {"1,000", errc::not_a_number, "not a decimal integer"},
      {"\xff\xfe", errc::not_a_number, "not a decimal integer"},
      {std::string("12\0"
                   "3",
                   4),
       errc::not_a_number, "not a decimal integer"},
      {"1.5", errc::not_an_integer, "not an integer"},
      {"1.0", errc::not_an_integer, "not an integer"},
      {".5", errc::not_an_integer, "not an integer"},
      {"1e10", errc::not_an_integer, "exponent"},
      {"1E5", errc::not_an_integer, "exponent"},
      {"1/2", errc::not_an_integer, "fractions"},
      {"-1.5", errc::not_positive, "negative"},
      {std::string(301, '9'), errc::too_many_digits, "301 digits; the limit is 300"},
      {std::string(5000, '7'), errc::too_many_digits, "5000 digits"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.text.substr(0, 40));
    auto r = parse_number(c.text, 300);
    CHECK_FALSE(r.ok());
    CHECK(r.error == c.expected);
    CHECK(r.message.find(c.fragment) != std::string::npos);
  }
}

TEST_CASE("error messages never echo huge or binary input", "[parse]") {
  auto r = parse_number(std::string(1'000'000, 'x'), 300);
  CHECK(r.error == errc::not_a_number);
  CHECK(r.message.size() < 200);
  auto binary = parse_number(std::string("\x01\x02\x1b[31m", 7), 300);
  for (char c : binary.message) CHECK((c >= 0x20 && c < 0x7f));
}
