// verify_jwt against tokens minted by PyJWT (make_jwt_vectors.py; its output,
// jwt_vectors.json and keys/, is committed). Every token is checked at the vectors' fixed
// `now`, so none expires.
#include "jwt_test_support.hpp"

#include <random>
#include <string>

using namespace std::chrono_literals;
using namespace std::string_literals;
using namespace factord::auth::test;
using factord::auth::auth_errc;
using factord::auth::jwt_keys;
using factord::auth::load_jwt_keys;
using factord::auth::verify_jwt;
using std::chrono::system_clock;

TEST_CASE("valid HS256, RS256 and ES256 tokens give the caller, its expiry and no settings", "[auth]") {
  auto exp = now() + 3600s;
  auto alice = check_accepted(token("hs256_valid"), hs256_keys());
  CHECK(alice.caller_id == "alice");
  CHECK_FALSE(alice.admin);
  CHECK(alice.expires == exp);
  CHECK_FALSE(alice.limits.weight);
  CHECK_FALSE(alice.limits.rate);
  CHECK_FALSE(alice.limits.max_digits);

  CHECK(check_accepted(token("rs256_valid"), rs256_keys()).caller_id == "carol");
  CHECK(check_accepted(token("es256_valid"), es256_keys()).caller_id == "dave");
  CHECK(check_accepted(token("es256_valid"), es256_keys()).expires == exp);

  // Both keys configured: each algorithm with its own key.
  CHECK(check_accepted(token("hs256_valid"), hs256_and_rs256_keys()).caller_id == "alice");
  CHECK(check_accepted(token("rs256_valid"), hs256_and_rs256_keys()).caller_id == "carol");

  auto bob = check_accepted(token("hs256_no_exp"), hs256_keys());
  CHECK(bob.caller_id == "bob");
  CHECK(bob.expires == system_clock::time_point::max());
}

TEST_CASE("exp and nbf are honoured with the leeway, and no more", "[auth]") {
  auto keys = hs256_keys();
  check_refused(token("hs256_expired"), keys, auth_errc::expired);
  check_refused(token("hs256_expires_exactly_at_leeway"), keys, auth_errc::expired);
  check_refused(token("hs256_not_yet_valid"), keys, auth_errc::not_yet_valid);
  auto late = check_accepted(token("hs256_expired_within_leeway"), keys);
  CHECK(late.expires == now() - 29s); // exp itself, not exp + leeway
  check_accepted(token("hs256_not_yet_valid_within_leeway"), keys);

  auto expired = verify_jwt(token("hs256_expired"), keys, now());
  CHECK(expired.message().find("2027-01-15T07:59:29") != std::string::npos); // when, for a person

  // A valid token an hour later, at the edge of the leeway; a leeway of zero.
  CHECK(verify_jwt(token("hs256_valid"), keys, now() + 3600s + 29s));
  CHECK_FALSE(verify_jwt(token("hs256_valid"), keys, now() + 3600s + 30s));
  auto strict = keys;
  strict.leeway = 0s;
  CHECK_FALSE(verify_jwt(token("hs256_expired_within_leeway"), strict, now()));
  CHECK_FALSE(verify_jwt(token("hs256_not_yet_valid_within_leeway"), strict, now()));
  check_accepted(token("hs256_exp_fraction"), keys);
}

TEST_CASE("a signature that does not verify is refused", "[auth]") {
  check_refused(with_signature_char_flipped(token("hs256_valid")), hs256_keys(), auth_errc::bad_signature);
  check_refused(with_signature_char_flipped(token("rs256_valid")), rs256_keys(), auth_errc::bad_signature);
  check_refused(with_signature_char_flipped(token("es256_valid")), es256_keys(), auth_errc::bad_signature);
  check_refused(token("hs256_other_secret"), hs256_keys(), auth_errc::bad_signature);
  // Signed by another key of the same kind.
  check_refused(token("rs256_valid"), load_jwt_keys("", data_path("keys/rsa2048_other.pem")).value(),
                auth_errc::bad_signature);
  check_refused(token("es256_valid"), load_jwt_keys("", data_path("keys/ec_p256_other.pem")).value(),
                auth_errc::bad_signature);

  // The payload changed under a valid signature: alice becomes mallory.
  auto jwt = token("hs256_valid");
  auto first = jwt.find('.');
  auto second = jwt.find('.', first + 1);
  auto hs_mallory = token("hs256_keyed_with_rsa_public_pem");
  auto mallory_payload =
      hs_mallory.substr(hs_mallory.find('.') + 1, hs_mallory.rfind('.') - hs_mallory.find('.') - 1);
  auto swapped = jwt.substr(0, first + 1) + mallory_payload + jwt.substr(second);
  check_refused(swapped, hs256_keys(), auth_errc::bad_signature);

  // Signature part removed, dot kept: a signed alg with no signature.
  check_refused(jwt.substr(0, second + 1), hs256_keys(), auth_errc::bad_signature);
}

TEST_CASE("alg none is refused whatever keys are configured", "[auth]") {
  for (const auto& keys : {hs256_keys(), rs256_keys(), es256_keys(), hs256_and_rs256_keys()})
    check_refused(token("alg_none"), keys, auth_errc::algorithm_refused);
  auto refused = verify_jwt(token("alg_none"), hs256_keys(), now());
  CHECK(refused.message().find("alg none") != std::string::npos);
}

TEST_CASE("a token whose algorithm the configured keys are not for is refused", "[auth]") {
  check_refused(token("rs256_valid"), hs256_keys(), auth_errc::algorithm_refused);
  check_refused(token("es256_valid"), hs256_keys(), auth_errc::algorithm_refused);
  check_refused(token("hs256_valid"), rs256_keys(), auth_errc::algorithm_refused);
  check_refused(token("es256_valid"), rs256_keys(), auth_errc::algorithm_refused);
  check_refused(token("rs256_valid"), es256_keys(), auth_errc::algorithm_refused);
  check_refused(token("hs512"), hs256_keys(), auth_errc::algorithm_refused);
  check_refused(token("rs384"), rs256_keys(), auth_errc::algorithm_refused);
  auto refused = verify_jwt(token("rs256_valid"), hs256_keys(), now());
  CHECK(refused.message().find("signed with RS256; this server accepts HS256 only") != std::string::npos);
  check_refused(token("hs256_valid"), jwt_keys{}, auth_errc::algorithm_refused);
  CHECK(verify_jwt(token("hs256_valid"), jwt_keys{}, now()).message().find("API key") != std::string::npos);
}

TEST_CASE("HS256 keyed with the server's public key PEM (algorithm confusion) is refused", "[auth]") {
  auto rsa_attack = token("hs256_keyed_with_rsa_public_pem");
  auto ec_attack = token("hs256_keyed_with_ec_public_pem");
  // The attack is real: had the PEM been taken as the HMAC secret, the token would pass.
  jwt_keys confused{read_text(data_path("keys/rsa2048.pem")), ""};
  CHECK(verify_jwt(rsa_attack, confused, now()));
  CHECK(verify_jwt(ec_attack, jwt_keys{read_text(data_path("keys/ec_p256.pem")), ""}, now()));

  check_refused(rsa_attack, rs256_keys(), auth_errc::algorithm_refused);
  check_refused(ec_attack, es256_keys(), auth_errc::algorithm_refused);
  // With a secret too, HS256 is verified with that secret, never with the public key.
  check_refused(rsa_attack, hs256_and_rs256_keys(), auth_errc::bad_signature);
}

TEST_CASE("sub must be present and a valid caller id", "[auth]") {
  auto keys = hs256_keys();
  for (const auto* name : {"hs256_no_sub", "hs256_empty_sub", "hs256_sub_number", "hs256_sub_control_char",
                           "hs256_sub_newline", "hs256_sub_129"}) {
    INFO(name);
    check_refused(token(name), keys, auth_errc::bad_claims);
  }
  auto control = verify_jwt(token("hs256_sub_control_char"), keys, now());
  CHECK(control.message().find("1 to 128 printable characters") != std::string::npos);
  CHECK(control.message().find('\x07') == std::string::npos);
  CHECK(check_accepted(token("hs256_sub_128"), keys).caller_id == std::string(128, 'a'));
  CHECK(check_accepted(token("hs256_sub_utf8"), keys).caller_id == "zo\xc3\xab-\xe6\x9d\xb1\xe4\xba\xac");
  check_refused(token("hs256_exp_string"), keys, auth_errc::bad_claims);
  check_refused(token("hs256_nbf_string"), keys, auth_errc::bad_claims);
}

TEST_CASE("garbage is malformed, never a crash", "[auth]") {
  auto keys = hs256_and_rs256_keys();
  const std::string garbage[] = {
      "",
      "a.b",
      "...",
      "a.b.c.d",
      std::string(std::size_t{100} * 1024, '.'),
      std::string(std::size_t{100} * 1024, 'A'),
      "eyJ!bGciOi.eyJzdWIi.c2ln",
      "eyJhbGciOiJIUzI1NiJ9=.e30.c2ln", // padding is not base64url-in-JWS
      "Bearer " + token("hs256_valid"),
      token("hs256_valid") + " ",
      token("header_with_garbage_payload"),
      token("hs256_payload_not_json"),
      token("hs256_payload_array"),
      token("hs256_typ_at_jwt"),
      token("hs256_crit"),
      token("hs256_8193_bytes"),
      "eyJhbGciOiJIUzI1NiJ9\0.e30.c2ln"s, // a C string would end at the NUL
  };
  for (const auto& jwt : garbage) check_refused(jwt, keys, auth_errc::malformed);
  CHECK(verify_jwt(token("hs256_8193_bytes"), keys, now()).message().find("8192") != std::string::npos);
  check_accepted(token("hs256_8192_bytes"), keys);
}

TEST_CASE("the factord claim sets per-caller limits", "[auth]") {
  auto keys = hs256_keys();
  auto who = check_accepted(token("hs256_limits"), keys);
  CHECK(who.admin);
  CHECK(who.limits.weight == 5u);
  CHECK(who.limits.rate == 2.5);
  CHECK(who.limits.burst == 10u);
  CHECK(who.limits.max_queued == std::size_t{20});
  CHECK(who.limits.max_digits == 300u);

  auto plain = check_accepted(token("hs256_limits_empty"), keys);
  CHECK_FALSE(plain.admin);
  CHECK_FALSE(plain.limits.weight);
  CHECK_FALSE(plain.limits.burst);
  CHECK_FALSE(plain.limits.max_queued);
}

TEST_CASE("a malformed factord claim is refused, naming the field", "[auth]") {
  struct bad_case {
    const char* vector;
    const char* names;
  };
  const bad_case cases[] = {
      {"not_object", "\"factord\" must be an object"},
      {"weight_zero", "factord.weight"},
      {"weight_101", "factord.weight"},
      {"weight_string", "factord.weight"},
      {"weight_fraction", "factord.weight"},
      {"rate_zero", "factord.rate"},
      {"rate_negative", "factord.rate"},
      {"rate_string", "factord.rate"},
      {"burst_zero", "factord.burst"},
      {"burst_negative", "factord.burst"},
      {"max_queued_zero", "factord.max_queued"},
      {"max_queued_fraction", "factord.max_queued"},
      {"max_digits_zero", "factord.max_digits"},
      {"max_digits_10001", "factord.max_digits"},
      {"admin_string", "factord.admin"},
      {"admin_number", "factord.admin"},
      {"unknown_field", "\"wieght\""},
  };
  for (const auto& c : cases) {
    INFO(c.vector);
    auto jwt = token(std::string("hs256_limits_") + c.vector);
    check_refused(jwt, hs256_keys(), auth_errc::bad_claims);
    CHECK(verify_jwt(jwt, hs256_keys(), now()).message().find(c.names) != std::string::npos);
  }
}

TEST_CASE("mutated tokens never verify and never crash", "[auth]") {
  // Fixed seed: a failure replays. Each case changes a valid token's text (flip bits of a
  // byte, cut it, drop, insert or duplicate a character); any change is refused, since
  // base64url is decoded only in its canonical form and the signature covers the rest.
  struct signed_token {
    std::string jwt;
    jwt_keys keys;
  };
  const signed_token originals[] = {{token("hs256_valid"), hs256_keys()},
                                    {token("rs256_valid"), rs256_keys()},
                                    {token("es256_valid"), es256_keys()},
                                    {token("hs256_limits"), hs256_and_rs256_keys()}};
  for (const auto& original : originals) REQUIRE(verify_jwt(original.jwt, original.keys, now()));

  std::mt19937 random(20261203);
  int signature_changed = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto& original = originals[static_cast<std::size_t>(i) % std::size(originals)];
    auto jwt = original.jwt;
    std::uniform_int_distribution<std::size_t> position(0, jwt.size() - 1);
    auto at = position(random);
    switch (random() % 5) {
      case 0: jwt[at] = static_cast<char>(jwt[at] ^ static_cast<char>(1 + random() % 255)); break;
      case 1: jwt.resize(at); break;
      case 2: jwt.erase(at, 1); break;
      case 3: jwt.insert(at, 1, "A-_.=\0x"[random() % 7]); break;
      default: jwt.insert(at, jwt.substr(at, 1 + random() % 8)); break;
    }
    if (jwt == original.jwt) continue; // a duplicated run that reads the same
    if (jwt.substr(jwt.rfind('.') + 1) != original.jwt.substr(original.jwt.rfind('.') + 1))
      ++signature_changed;
    auto verified = verify_jwt(jwt, original.keys, now());
    INFO("case " << i << ": " << jwt);
    CHECK_FALSE(verified);
  }
  CHECK(signature_changed > 500); // the mutations reach the signature, not only the header
}

TEST_CASE("a signature has one text: no other last character verifies", "[auth]") {
  // The last base64url character of a signature carries bits beyond its bytes (2 for
  // HS256's 32 bytes, 4 for RS256's 256 and ES256's 64); a decoder that ignored them would
  // accept several texts for one signature.
  struct signed_token {
    std::string jwt;
    jwt_keys keys;
  };
  const signed_token originals[] = {{token("hs256_valid"), hs256_keys()},
                                    {token("rs256_valid"), rs256_keys()},
                                    {token("es256_valid"), es256_keys()}};
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (const auto& original : originals) {
    int accepted = 0;
    for (char last : alphabet) {
      auto jwt = original.jwt;
      jwt.back() = last;
      if (verify_jwt(jwt, original.keys, now())) ++accepted;
    }
    CHECK(accepted == 1); // the original itself
  }
}
