// Web origins (RFC 6454): scheme, host and port, the way browsers name the page a request
// comes from in the Origin header and the way --allowed-origins lists the pages that may
// drive factord. Pure text parsing, no sockets: config/ refuses a bad list at start-up and
// net/origin.hpp compares the Origin and Host of each request with the same grammar.
#pragma once

#include "config/errc.hpp"
#include "config/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace factord::config {

// Bounds of --allowed-origins (and of any Origin or Host value we parse): a browser's
// Origin is far shorter, and a DNS name is at most 253 characters.
inline constexpr std::size_t max_origin_length = 256;
inline constexpr std::size_t max_allowed_origins = 64;

struct web_origin {
  std::string scheme;     // "http" or "https", lowercase
  std::string host;       // lowercase DNS name, dotted-quad IPv4, or "[v6]" in RFC 5952 form
  std::uint16_t port = 0; // as written, else the scheme's default (80, 443)

  friend bool operator==(const web_origin& a, const web_origin& b) {
    return a.port == b.port && a.scheme == b.scheme && a.host == b.host;
  }
  friend bool operator!=(const web_origin& a, const web_origin& b) { return !(a == b); }
};

// "scheme://host[:port]" exactly: http or https, no userinfo, path, query or fragment (not
// even a lone "/"), at most max_origin_length characters. Scheme and host compare
// case-insensitively (they are lowercased here); an explicit default port equals none.
// Hosts: ASCII DNS names (internationalized ones in punycode, "xn--..."), no empty label
// (so no trailing dot); a name whose last label is numeric must be a plain dotted quad,
// as browsers write IPv4 addresses. "null" (sandboxed frames, file: pages) is no origin.
// The failure (bad_value) says what is wrong with the text.
result<web_origin, errc> parse_origin(std::string_view text);

// The Origin header's spelling: "https://app.example.com", ":port" only when not default.
std::string format_origin(const web_origin& o);

// --allowed-origins: comma-separated origins, or "*" alone for any page at all; empty means
// none beyond the server's own origin. At most max_allowed_origins entries.
struct origin_list {
  bool any = false;
  std::vector<web_origin> origins;
};
result<origin_list, errc> parse_origin_list(std::string_view text);
std::string format_origin_list(const origin_list& list);

} // namespace factord::config
