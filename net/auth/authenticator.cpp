#include "net/auth/authenticator.hpp"

#include <cctype>

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

factord::result<std::unique_ptr<authenticator>, key_file_errc>
authenticator::create(const config::settings& s) {
  auto a = std::make_unique<authenticator>();
  if (!s.auth_keys.empty()) {
    a->keys_ = std::make_unique<key_store>(s.auth_keys);
    if (auto loaded = a->keys_->reload(); !loaded) return loaded.error();
  }
  return a;
}

result<identity> authenticator::authenticate(std::string_view token,
                                             std::chrono::system_clock::time_point) const {
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
    return who;
  }
  return fail(auth_errc::malformed, "the credential is neither an API key (fk_...) nor a JWT");
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
