#include "net/auth/jwt.hpp"

#include "net/auth/base64url.hpp"
#include "net/auth/jwt_claims.hpp"
#include "net/auth/public_key.hpp"

#include <jwt.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>

namespace factord::auth {

namespace {

using json = nlohmann::json;

struct jwt_deleter {
  void operator()(jwt_t* token) const noexcept { jwt_free(token); }
};
// jwt_get_grants_json() returns jansson's malloc()ed text.
struct malloc_deleter {
  void operator()(char* text) const noexcept { std::free(text); }
};

// The three parts of a compact JWS, not yet decoded.
struct jws_parts {
  std::string_view header, payload, signature;
};

std::optional<jws_parts> split_jws(std::string_view token) {
  auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::nullopt;
  return jws_parts{token.substr(0, first), token.substr(first + 1, second - first - 1),
                   token.substr(second + 1)};
}

// A base64url part that decodes to a JSON object, or nothing.
std::optional<json> decode_object(std::string_view part) {
  auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  auto value = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return std::nullopt;
  return value;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

failure<auth_errc> malformed(const std::string& what) {
  return fail(auth_errc::malformed,
              "not a valid JWT: " + what + "; send the token exactly as the identity provider issued it");
}

// The key a token that says `alg` must be verified with, and libjwt's name for the
// algorithm; nothing when `keys` allow no such algorithm. The token never chooses the key:
// HS256 gets the secret only, RS256/ES256 the public key only, and only the one algorithm
// that key's type is for.
struct chosen_key {
  jwt_alg_t algorithm;
  std::string_view key;
};

std::optional<chosen_key> key_for(std::string_view alg, const jwt_keys& keys) {
  if (alg == "HS256" && !keys.hs256_secret.empty()) return chosen_key{JWT_ALG_HS256, keys.hs256_secret};
  if ((alg != "RS256" && alg != "ES256") || keys.public_key_pem.empty()) return std::nullopt;
  auto key = read_public_key(keys.public_key_pem);
  if (!key || alg != algorithm_name(key->algorithm)) return std::nullopt;
  return chosen_key{alg == "RS256" ? JWT_ALG_RS256 : JWT_ALG_ES256, keys.public_key_pem};
}

failure<auth_errc> algorithm_refused(std::string_view alg, const jwt_keys& keys) {
  auto accepted = accepted_jwt_algorithms(keys);
  if (accepted.empty())
    return fail(auth_errc::algorithm_refused,
                "this server accepts no JWTs (no --auth-jwt-secret or --auth-jwt-public-key); "
                "use an API key");
  // Named only when it is an algorithm name: the header is the sender's text.
  static constexpr std::array<std::string_view, 9> known = {"HS256", "HS384", "HS512", "RS256", "RS384",
                                                            "RS512", "ES256", "ES384", "ES512"};
  std::string said = "an algorithm it does not support";
  for (auto name : known)
    if (alg == name) said = std::string(name);
  return fail(auth_errc::algorithm_refused,
              "the JWT is signed with " + said + "; this server accepts " + accepted + " only");
}

} // namespace

factord::result<jwt_keys, config::errc> load_jwt_keys(std::string_view secret,
                                                      const std::string& public_key_file) {
  jwt_keys keys;
  if (!secret.empty()) {
    if (secret.find("-----BEGIN") != std::string_view::npos)
      return fail(config::errc::bad_value,
                  "--auth-jwt-secret looks like a PEM key; an HS256 secret must be a secret "
                  "shared with the identity provider, and a public key belongs in "
                  "--auth-jwt-public-key FILE");
    if (secret.size() < config::limits::min_hs256_secret_bytes)
      return fail(config::errc::bad_value,
                  "--auth-jwt-secret is " + std::to_string(secret.size()) + " bytes; HS256 needs at least " +
                      std::to_string(config::limits::min_hs256_secret_bytes) +
                      " (256 bits), or one token is enough to guess it offline. Make one with "
                      "`openssl rand -base64 48`");
    keys.hs256_secret = std::string(secret);
  }
  if (!public_key_file.empty()) {
    std::ifstream in(public_key_file, std::ios::binary);
    if (!in)
      return fail(config::errc::unreadable_file,
                  "cannot open --auth-jwt-public-key " + public_key_file + ": " + std::strerror(errno));
    std::string text(config::limits::max_public_key_file_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad())
      return fail(config::errc::unreadable_file, "cannot read --auth-jwt-public-key " + public_key_file);
    if (text.size() > config::limits::max_public_key_file_bytes)
      return fail(config::errc::bad_value,
                  "--auth-jwt-public-key " + public_key_file + " is larger than a public key (over " +
                      std::to_string(config::limits::max_public_key_file_bytes) + " bytes)");
    auto key = read_public_key(text);
    if (!key) return fail(key.code(), "--auth-jwt-public-key " + public_key_file + ": " + key.message());
    keys.public_key_pem = std::move(key->pem);
  }
  return keys;
}

std::string accepted_jwt_algorithms(const jwt_keys& keys) {
  std::string names;
  if (!keys.hs256_secret.empty()) names = "HS256";
  if (!keys.public_key_pem.empty()) {
    auto key = read_public_key(keys.public_key_pem);
    if (key) names += (names.empty() ? "" : ", ") + std::string(algorithm_name(key->algorithm));
  }
  return names;
}

result<identity> verify_jwt(std::string_view token, const jwt_keys& keys,
                            std::chrono::system_clock::time_point now) {
  // Bounded and split before anything is decoded.
  if (token.empty()) return malformed("the token is empty");
  if (token.size() > config::limits::max_jwt_bytes)
    return malformed("it is " + std::to_string(token.size()) + " bytes, over the " +
                     std::to_string(config::limits::max_jwt_bytes) + " a token may have");
  auto parts = split_jws(token);
  if (!parts) return malformed("a JWT is three base64url parts separated by two dots");
  auto header = decode_object(parts->header);
  if (!header) return malformed("its header is not a base64url-encoded JSON object");
  auto payload = decode_object(parts->payload);
  if (!payload) return malformed("its payload is not a base64url-encoded JSON object");
  if (!base64url_decode(parts->signature))
    return malformed("its signature is not base64url (unpadded, as RFC 7515 requires)");

  // The header, read here to choose the key; libjwt reads it again and must agree.
  auto alg_field = header->find("alg");
  if (alg_field == header->end() || !alg_field->is_string()) return malformed("its header has no alg");
  const auto& alg = alg_field->get_ref<const std::string&>();
  if (equals_ignoring_case(alg, "none"))
    return fail(auth_errc::algorithm_refused,
                "the JWT is unsigned (alg none); only signed tokens are accepted");
  auto typ = header->find("typ");
  if (typ != header->end() && (!typ->is_string() || !equals_ignoring_case(typ->get<std::string>(), "JWT")))
    return malformed("its header's typ is not \"JWT\" (the only type accepted)");
  if (header->contains("crit")) return malformed("its header has crit extensions, which are not supported");
  auto chosen = key_for(alg, keys);
  if (!chosen) return algorithm_refused(alg, keys);
  if (parts->signature.empty())
    return fail(auth_errc::bad_signature, "the JWT has no signature; only signed tokens are accepted");

  // The signature, by libjwt. It is given the key we chose, never a key the token names.
  std::string text(token); // libjwt wants a C string; the token has no NUL (base64url only)
  jwt_t* decoded_raw = nullptr;
  int rc = jwt_decode(&decoded_raw, text.c_str(), reinterpret_cast<const unsigned char*>(chosen->key.data()),
                      static_cast<int>(chosen->key.size()));
  std::unique_ptr<jwt_t, jwt_deleter> decoded{decoded_raw};
  if (rc != 0 || !decoded)
    return fail(auth_errc::bad_signature,
                std::string("the JWT's signature does not verify with this server's ") +
                    (chosen->algorithm == JWT_ALG_HS256 ? "--auth-jwt-secret" : "--auth-jwt-public-key") +
                    ": it was signed with another key, or altered");
  if (jwt_get_alg(decoded.get()) != chosen->algorithm) return algorithm_refused(alg, keys);

  // The claims as libjwt verified them.
  std::unique_ptr<char, malloc_deleter> grants{jwt_get_grants_json(decoded.get(), nullptr)};
  auto claims = grants ? json::parse(grants.get(), nullptr, /*allow_exceptions=*/false) : json();
  if (!claims.is_object()) return malformed("its payload is not a JSON object");
  return identity_from_claims(claims, keys.leeway, now);
}

} // namespace factord::auth
