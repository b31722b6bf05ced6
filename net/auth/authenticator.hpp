// The server's credential check (--auth on): a bearer token is an API key of --auth-keys or
// a JWT, and becomes an identity. Built once at startup from the settings; thread-safe
// (the key table is swapped whole on reload, JWT keys never change).
#pragma once

#include "config/options.hpp"
#include "net/auth/identity.hpp"
#include "net/auth/key_file.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace factord::auth {

class authenticator {
public:
  // Loads --auth-keys (and the JWT keys) as configured; fails with what is wrong with them.
  // Call only with --auth on.
  static factord::result<std::unique_ptr<authenticator>, key_file_errc> create(const config::settings& s);

  // The identity `token` proves at `now`, or why not.
  result<identity> authenticate(std::string_view token, std::chrono::system_clock::time_point now) const;

  // The API keys, for reloads (SIGHUP, file changes); nullptr without --auth-keys.
  key_store* keys() noexcept { return keys_.get(); }
  // Changes when the key table is reloaded: a socket authenticated before checks again.
  std::uint64_t generation() const noexcept { return keys_ ? keys_->generation() : 0; }

private:
  std::unique_ptr<key_store> keys_;
};

// The token of an `Authorization` header value: "Bearer <token>" (scheme case-insensitive,
// RFC 6750); nullopt for anything else, including an empty token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

} // namespace factord::auth
