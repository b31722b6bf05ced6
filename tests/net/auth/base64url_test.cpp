#include "net/auth/base64url.hpp"

#include <catch2/catch.hpp>

using factord::auth::base64url_decode;

TEST_CASE("base64url_decode decodes unpadded base64url", "[auth]") {
  CHECK(base64url_decode("").value().empty());
  CHECK(base64url_decode("Zg").value() == "f");
  CHECK(base64url_decode("Zm8").value() == "fo");
  CHECK(base64url_decode("Zm9v").value() == "foo");
  CHECK(base64url_decode("Zm9vYmFy").value() == "foobar");
  CHECK(base64url_decode("-_8").value() == "\xfb\xff");
  CHECK(base64url_decode("eyJhbGciOiJIUzI1NiJ9").value() == R"({"alg":"HS256"})");
}

TEST_CASE("base64url_decode refuses padding, other alphabets and non-canonical text", "[auth]") {
  for (const char* bad : {"Zg==", "Zm8=", "+/8", "Zm9v\n", "Zm 9v", "Z", "Zm9vY", "Zh", "Zm9", "-_9"}) {
    INFO(bad);
    CHECK_FALSE(base64url_decode(bad));
  }
}
