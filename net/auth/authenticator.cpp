#include "net/auth/authenticator.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace factord::auth {

namespace {

constexpr std::size_t max_token_bytes = 8192;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

} // namespace

factord::result<std::unique_ptr<authenticator>, authenticator::setup_errc>
authenticator::create(const config::settings& s) {
  auto a = std::make_unique<authenticator>();
  if (!s.auth_keys.empty()) {
    a->keys_ = std::make_unique<key_store>(s.auth_keys);
    if (auto loaded = a->keys_->reload(); !loaded) return fail(setup_errc::keys_file, loaded.message());
  }
  if (!s.auth_jwt_secret.empty() || !s.auth_jwt_public_key.empty()) {
    auto keys = load_jwt_keys(s.auth_jwt_secret, s.auth_jwt_public_key);
    if (!keys) return fail(setup_errc::jwt_keys, keys.message());
    a->jwt_ = std::move(keys).value();
  }
  return a;
}

result<identity> authenticator::authenticate(std::string_view token,
                                             std::chrono::system_clock::time_point now) const {
  if (token.empty())
    return fail(auth_errc::missing, "send a credential: header Authorization: Bearer <API key or JWT>");
  if (token.size() > max_token_bytes)
    return fail(auth_errc::malformed, "the credential is over " + std::to_string(max_token_bytes) + " bytes");
  if (looks_like_api_key(token)) {
    const auto table = keys_ ? keys_->current() : nullptr;
    const auto* entry = table ? table->find(token) : nullptr;
    if (!entry)
      return fail(auth_errc::unknown_key, "this API key is not (or no longer) accepted; ask for a new one");
    identity who;
    who.caller_id = entry->caller_id;
    who.admin = entry->admin;
    who.limits = entry->limits;
    return who;
  }
  if (std::count(token.begin(), token.end(), '.') == 2) {
    if (!jwt_)
      return fail(auth_errc::algorithm_refused,
                  "this server takes no JWTs (it has no --auth-jwt-secret or --auth-jwt-public-key); "
                  "use an API key");
    return verify_jwt_cached(token, now);
  }
  return fail(auth_errc::malformed, "the credential is neither an API key (fk_...) nor a JWT");
}

std::size_t authenticator::digest_hash::operator()(const sha256_digest& d) const noexcept {
  std::size_t h = 0; // a SHA-256 is uniform already: its first bytes will do
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

result<identity> authenticator::verify_jwt_cached(std::string_view token,
                                                  std::chrono::system_clock::time_point now) const {
  auto digest = sha256(token);
  {
    std::lock_guard<std::mutex> guard{jwt_cache_mu_};
    auto it = jwt_cache_.find(digest);
    if (it != jwt_cache_.end()) {
      if (now < it->second.expires) return it->second;
      jwt_cache_.erase(it); // expired: verify_jwt says so, with its own words
    }
  }
  auto who = verify_jwt(token, *jwt_, now);
  if (!who) return who;
  if (who->expires != std::chrono::system_clock::time_point::max()) who->expires += jwt_->leeway;
  std::lock_guard<std::mutex> guard{jwt_cache_mu_};
  if (jwt_cache_.size() >= jwt_cache_entries) jwt_cache_.clear();
  jwt_cache_.emplace(digest, *who);
  return who;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() <= scheme.size() + 1 || !iequals(authorization.substr(0, scheme.size()), scheme) ||
      authorization[scheme.size()] != ' ')
    return std::nullopt;
  auto token = authorization.substr(scheme.size() + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

} // namespace factord::auth
