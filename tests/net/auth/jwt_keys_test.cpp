// load_jwt_keys against keys made by openssl (make_jwt_vectors.py, keys/): what a server
// accepts at startup, and what it refuses with a message saying what to do.
#include "jwt_test_support.hpp"

#include <openssl/err.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace std::chrono_literals;
using namespace factord::auth::test;
using factord::auth::accepted_jwt_algorithms;
using factord::auth::load_jwt_keys;
using factord::config::errc;

namespace {

// A file under the system's temporary directory, removed at the end of the test.
struct temp_file {
  std::filesystem::path path;
  explicit temp_file(const std::string& content) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("factord-jwt-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::ofstream(path, std::ios::binary) << content;
  }
  ~temp_file() { std::filesystem::remove(path); }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
};

} // namespace

TEST_CASE("load_jwt_keys takes a secret of 32 bytes or more, and refuses a short one saying why", "[auth]") {
  auto keys = load_jwt_keys(secret(), "");
  REQUIRE(keys);
  CHECK(keys->hs256_secret == secret());
  CHECK(keys->public_key_pem.empty());
  CHECK(keys->leeway == 30s);
  CHECK(accepted_jwt_algorithms(*keys) == "HS256");
  CHECK(load_jwt_keys(std::string(32, 'k'), ""));

  auto short_secret = load_jwt_keys(std::string(31, 'k'), "");
  REQUIRE_FALSE(short_secret);
  CHECK(short_secret.code() == errc::bad_value);
  CHECK(short_secret.message().find("31 bytes") != std::string::npos);
  CHECK(short_secret.message().find("at least 32") != std::string::npos);
  CHECK(short_secret.message().find(std::string(31, 'k')) == std::string::npos);

  auto none = load_jwt_keys("", "");
  REQUIRE(none);
  CHECK(accepted_jwt_algorithms(*none).empty());
}

TEST_CASE("load_jwt_keys refuses a PEM key given as the HS256 secret", "[auth]") {
  auto pem = read_text(data_path("keys/rsa2048.pem"));
  auto keys = load_jwt_keys(pem, "");
  REQUIRE_FALSE(keys);
  CHECK(keys.code() == errc::bad_value);
  CHECK(keys.message().find("--auth-jwt-public-key") != std::string::npos);
}

TEST_CASE("load_jwt_keys: an RSA key allows RS256, an EC P-256 key ES256", "[auth]") {
  auto rsa = load_jwt_keys("", data_path("keys/rsa2048.pem"));
  REQUIRE(rsa);
  CHECK(accepted_jwt_algorithms(*rsa) == "RS256");
  CHECK(rsa->public_key_pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  auto ec = load_jwt_keys("", data_path("keys/ec_p256.pem"));
  REQUIRE(ec);
  CHECK(accepted_jwt_algorithms(*ec) == "ES256");
  CHECK(accepted_jwt_algorithms(hs256_and_rs256_keys()) == "HS256, RS256");

  // Text around the key (a comment, a second block) is not passed on to libjwt.
  temp_file noisy("issued by our IdP\n" + read_text(data_path("keys/rsa2048.pem")) + "trailing\n");
  auto reencoded = load_jwt_keys("", noisy.path.string());
  REQUIRE(reencoded);
  CHECK(reencoded->public_key_pem == rsa->public_key_pem);
}

TEST_CASE("load_jwt_keys refuses a key file it cannot use, saying what to do", "[auth]") {
  struct refused_case {
    std::string path;
    errc code;
    std::string says;
  };
  temp_file garbage("this is not a key\n");
  temp_file empty("");
  const refused_case cases[] = {
      {data_path("keys/no-such-key.pem"), errc::unreadable_file, "no-such-key.pem"},
      {data_path("keys/rsa1024.pem"), errc::bad_value, "at least 2048"},
      {data_path("keys/ec_p384.pem"), errc::bad_value, "only P-256"},
      {data_path("keys/ed25519.pem"), errc::bad_value, "RSA (RS256) or EC P-256 (ES256)"},
      {data_path("keys/ec_p256_private_throwaway.pem"), errc::bad_value, "-pubout"},
      {garbage.path.string(), errc::bad_value, "BEGIN PUBLIC KEY"},
      {empty.path.string(), errc::bad_value, "BEGIN PUBLIC KEY"},
      {data_path("jwt_vectors.json"), errc::bad_value, "BEGIN PUBLIC KEY"},
  };
  for (const auto& c : cases) {
    INFO(c.path);
    auto keys = load_jwt_keys("", c.path);
    REQUIRE_FALSE(keys);
    CHECK(keys.code() == c.code);
    CHECK(keys.message().find(c.says) != std::string::npos);
    CHECK(keys.message().find("--auth-jwt-public-key") != std::string::npos);
  }
  // Nothing left in OpenSSL's per-thread error queue for its next user on this thread.
  CHECK(ERR_peek_error() == 0);
}
