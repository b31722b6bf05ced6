// The server's credential check over JWTs: the configured keys decide, and a token that
// verified is remembered only until it expires.
#include "net/auth/authenticator.hpp"
#include "jwt_test_support.hpp"

#include <catch2/catch.hpp>

using namespace factord::auth;
using namespace factord::auth::test;

namespace {

std::unique_ptr<authenticator> jwt_authenticator(const std::string& secret, const std::string& public_key) {
  factord::config::settings s;
  s.auth = factord::config::auth_mode::on;
  s.auth_jwt_secret = secret;
  s.auth_jwt_public_key = public_key;
  return authenticator::create(s).value();
}

} // namespace

TEST_CASE("a JWT is accepted again from memory and refused once it expires", "[auth][jwt]") {
  auto a = jwt_authenticator(secret(), "");
  auto first = a->authenticate(token("hs256_valid"), now());
  REQUIRE(first.ok());
  CHECK(first->caller_id == "alice");
  auto again = a->authenticate(token("hs256_valid"), now() + std::chrono::seconds{10});
  REQUIRE(again.ok());
  CHECK(again->caller_id == "alice");
  // exp is now + 3600 s; with the 30 s leeway the server stops taking it at now + 3630 s,
  // remembered or not.
  CHECK(a->authenticate(token("hs256_valid"), now() + std::chrono::seconds{3629}).ok());
  CHECK(a->authenticate(token("hs256_valid"), now() + std::chrono::seconds{3630}).code() ==
        auth_errc::expired);
  CHECK(a->authenticate(token("hs256_valid"), now() + std::chrono::seconds{3629}).ok()); // verified afresh
}

TEST_CASE("a JWT identity expires at exp plus the leeway, and never without exp", "[auth][jwt]") {
  auto a = jwt_authenticator(secret(), "");
  auto who = a->authenticate(token("hs256_valid"), now());
  REQUIRE(who.ok());
  CHECK(who->expires == now() + std::chrono::seconds{3630});
  auto forever = a->authenticate(token("hs256_no_exp"), now());
  REQUIRE(forever.ok());
  CHECK(forever->expires == std::chrono::system_clock::time_point::max());
}

TEST_CASE("refused JWTs are never remembered as accepted", "[auth][jwt]") {
  auto a = jwt_authenticator(secret(), "");
  for (int i = 0; i < 3; ++i) {
    CHECK(a->authenticate(token("hs256_other_secret"), now()).code() == auth_errc::bad_signature);
    CHECK(a->authenticate(token("alg_none"), now()).code() == auth_errc::algorithm_refused);
    CHECK(a->authenticate(with_signature_char_flipped(token("hs256_valid")), now()).code() ==
          auth_errc::bad_signature);
  }
  CHECK(a->authenticate(token("hs256_valid"), now()).ok());
}

TEST_CASE("only the configured keys verify: an RS256 server refuses HS256, and no JWT without keys",
          "[auth][jwt]") {
  auto rs = jwt_authenticator("", data_path("keys/rsa2048.pem"));
  CHECK(rs->authenticate(token("rs256_valid"), now()).ok());
  CHECK(rs->authenticate(token("hs256_valid"), now()).code() == auth_errc::algorithm_refused);
  CHECK(rs->authenticate(token("hs256_keyed_with_rsa_public_pem"), now()).code() ==
        auth_errc::algorithm_refused);
  factord::config::settings keys_only;
  keys_only.auth = factord::config::auth_mode::on;
  auto none = authenticator::create(keys_only).value();
  CHECK(none->authenticate(token("hs256_valid"), now()).code() == auth_errc::algorithm_refused);
  CHECK(none->jwt_algorithms().empty());
  CHECK(rs->jwt_algorithms() == "RS256");
}
