#include "actors/protocol/json_integers.hpp"

#include <catch2/catch.hpp>

using factord::actors::quote_long_json_integers;

TEST_CASE("long JSON integers become strings with the same digits", "[json_integers]") {
  std::string big(400, '7');
  CHECK(quote_long_json_integers("{\"number\": " + big + "}") == "{\"number\": \"" + big + "\"}");
  CHECK(quote_long_json_integers("{\"numbers\":[1," + big + ",-" + big + "]}") ==
        "{\"numbers\":[1,\"" + big + "\",\"-" + big + "\"]}");
  CHECK(quote_long_json_integers("[12345678901234567890]") == "[\"12345678901234567890\"]");
}

TEST_CASE("short integers, floats, strings and malformed text are left alone", "[json_integers]") {
  for (std::string text : {"{\"number\": 91}", "{\"n\": 1.5}", "{\"n\": 123456789012345678901.5}",
                           "{\"n\": 1234567890123456789012e5}", "{\"n\": \"12345678901234567890123\"}",
                           "{\"s\": \"a\\\"12345678901234567890123\"}", "{oops", "", "12345x",
                           "{\"k12345678901234567890123\": 1}"})
    CHECK(quote_long_json_integers(text) == text);
  // Digits glued to a literal are not a value of their own.
  CHECK(quote_long_json_integers("[true12345678901234567890123]") == "[true12345678901234567890123]");
}

TEST_CASE("integers with leading zeros are not JSON and are left for the parser to refuse",
          "[json_integers]") {
  const std::string zeros = "0000000000000000007";
  CHECK(quote_long_json_integers("{\"number\": " + zeros + "}") == "{\"number\": " + zeros + "}");
  CHECK(quote_long_json_integers("[-" + zeros + "]") == "[-" + zeros + "]");
  const std::string big = "1" + std::string(30, '0');
  CHECK(quote_long_json_integers("[0," + big + "]") == "[0,\"" + big + "\"]"); // a lone 0 is fine
}
