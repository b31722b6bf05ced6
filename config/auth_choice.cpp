#include "config/auth_choice.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <string>

namespace factord::config {

using std::string;
using std::string_view;

bool is_loopback_host(std::string_view host) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  constexpr string_view localhost = "localhost";
  if (host.size() == localhost.size() &&
      std::equal(host.begin(), host.end(), localhost.begin(), [&](char a, char b) { return lower(a) == b; }))
    return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.size() > 45) return false; // longer than any IPv6 address text
  // The OS's own parser: a dotted quad for IPv4 (no short forms, no leading zeros), any
  // IPv6 spelling of ::1.
  string text{host};
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) return bytes[0] == 127;
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return false;
  for (std::size_t i = 0; i < 15; ++i)
    if (bytes[i] != 0) return false;
  return bytes[15] == 1;
}

result<void, errc> check_auth_choice(const settings& s) {
  if (s.auth == auth_mode::on && s.auth_keys.empty() && s.auth_jwt_secret.empty() &&
      s.auth_jwt_public_key.empty())
    return fail(errc::unsafe_choice, "--auth on needs a credential source: --auth-keys FILE "
                                     "(`factord keys add CALLER` makes a key), --auth-jwt-secret "
                                     "or --auth-jwt-public-key");
  if (s.auth == auth_mode::unset && !is_loopback_host(s.host))
    return fail(errc::unsafe_choice,
                "--host " + s.host +
                    " serves the network, and --auth is not chosen: pass --auth on "
                    "(with --auth-keys or a JWT key) so that callers must authenticate, or --auth off to "
                    "serve anyone who can reach it");
  return {};
}

} // namespace factord::config
