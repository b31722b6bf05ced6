// The server's credential check (--auth on): a bearer token is an API key of --auth-keys or
// a JWT, and becomes an identity. Built once at startup from the settings; thread-safe
// (the key table is swapped whole on reload, JWT keys never change).
#pragma once

#include "config/options.hpp"
#include "net/auth/identity.hpp"
#include "net/auth/jwt.hpp"
#include "net/auth/key_file.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace factord::auth {

class authenticator {
public:
  // Loads --auth-keys and the JWT keys as configured; fails with which of them is wrong and
  // why. Call only with --auth on.
  enum class setup_errc : std::uint8_t { keys_file, jwt_keys };
  static factord::result<std::unique_ptr<authenticator>, setup_errc> create(const config::settings& s);

  // The identity `token` proves at `now`, or why not: an API key ("fk_...") is looked up in
  // the keys, anything with two dots is verified as a JWT. A JWT identity's `expires` is
  // when this server stops accepting it (exp plus the leeway).
  //
  // A JWT that verified is remembered by its SHA-256 until it expires (at most
  // jwt_cache_entries of them; full, the cache starts over): clients send the same token
  // for its whole lifetime, and with OpenSSL 3 libjwt spends over a millisecond per RS256 or
  // ES256 token reading the PEM key (bench/RESULTS.md, "Authentication cost"). Refused
  // tokens are not remembered. Thread-safe.
  result<identity> authenticate(std::string_view token, std::chrono::system_clock::time_point now) const;

  static constexpr std::size_t jwt_cache_entries = 4096;

  // The JWT algorithms accepted ("HS256, RS256"), "" when none: for the startup log.
  std::string jwt_algorithms() const { return jwt_ ? accepted_jwt_algorithms(*jwt_) : std::string{}; }

  // The API keys, for reloads (SIGHUP, file changes); nullptr without --auth-keys.
  key_store* keys() noexcept { return keys_.get(); }
  // Changes when the key table is reloaded: a socket authenticated before checks again.
  std::uint64_t generation() const noexcept { return keys_ ? keys_->generation() : 0; }

private:
  result<identity> verify_jwt_cached(std::string_view token, std::chrono::system_clock::time_point now) const;

  struct digest_hash {
    std::size_t operator()(const sha256_digest& d) const noexcept;
  };

  std::unique_ptr<key_store> keys_;
  std::optional<jwt_keys> jwt_;
  mutable std::mutex jwt_cache_mu_;
  mutable std::unordered_map<sha256_digest, identity, digest_hash> jwt_cache_;
};

// The token of an `Authorization` header value: "Bearer <token>" (scheme case-insensitive,
// RFC 6750); nullopt for anything else, including an empty token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

} // namespace factord::auth
