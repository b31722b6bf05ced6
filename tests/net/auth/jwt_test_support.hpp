// What the auth tests share: the vectors minted by make_jwt_vectors.py (jwt_vectors.json
// and keys/, read from the source tree), the keys a server would load for them, and the
// checks every refusal and acceptance goes through.
#pragma once

#include "net/auth/jwt.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>

namespace factord::auth::test {

using std::chrono::system_clock;

inline std::string data_path(const std::string& name) {
  return std::string(FACTORD_AUTH_TEST_DATA) + "/" + name;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline const nlohmann::json& vectors() {
  static const nlohmann::json parsed = nlohmann::json::parse(read_text(data_path("jwt_vectors.json")));
  return parsed;
}

inline std::string token(const std::string& name) {
  INFO("vector " << name);
  REQUIRE(vectors()["tokens"].contains(name));
  return vectors()["tokens"][name].get<std::string>();
}

inline system_clock::time_point now() {
  return system_clock::time_point(std::chrono::seconds(vectors()["now"].get<long>()));
}

inline std::string secret() { return vectors()["secret"].get<std::string>(); }

inline jwt_keys hs256_keys() { return load_jwt_keys(secret(), "").value(); }
inline jwt_keys rs256_keys() { return load_jwt_keys("", data_path("keys/rsa2048.pem")).value(); }
inline jwt_keys es256_keys() { return load_jwt_keys("", data_path("keys/ec_p256.pem")).value(); }
inline jwt_keys hs256_and_rs256_keys() {
  return load_jwt_keys(secret(), data_path("keys/rsa2048.pem")).value();
}

// Refused with `code`, and the message repeats neither the token (nor a part of it) nor
// the secret.
inline void check_refused(const std::string& jwt, const jwt_keys& keys, auth_errc code) {
  INFO("token " << jwt.substr(0, 60));
  auto verified = verify_jwt(jwt, keys, now());
  REQUIRE_FALSE(verified);
  CHECK(verified.code() == code);
  const auto& message = verified.message();
  CHECK_FALSE(message.empty());
  std::size_t start = 0;
  while (start < jwt.size()) {
    auto dot = std::min(jwt.find('.', start), jwt.size());
    if (dot - start >= 8) CHECK(message.find(jwt.substr(start, dot - start)) == std::string::npos);
    start = dot + 1;
  }
  CHECK(message.find(secret()) == std::string::npos);
}

inline identity check_accepted(const std::string& jwt, const jwt_keys& keys) {
  auto verified = verify_jwt(jwt, keys, now());
  INFO((verified ? std::string("accepted") : verified.message()));
  REQUIRE(verified);
  return verified.value();
}

inline std::string with_signature_char_flipped(std::string jwt) {
  auto at = jwt.rfind('.') + 5; // inside the signature, away from its last character
  jwt[at] = jwt[at] == 'A' ? 'B' : 'A';
  return jwt;
}

} // namespace factord::auth::test
