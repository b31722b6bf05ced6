#include "config/origin.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <utility>

namespace factord::config {

namespace {

using std::string;
using std::string_view;

failure<errc> bad_origin(string_view text, string_view why) {
  // Only printable ASCII of the text is echoed: the message goes to a terminal or a log.
  string shown;
  for (char c : text.substr(0, 80)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 80) shown += "...";
  return fail(errc::bad_value, "'" + shown +
                                   "' is not an origin (scheme://host[:port], e.g. "
                                   "https://app.example.com): " +
                                   string(why));
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool all_digits(string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// RFC 5952 as browsers serialize IPv6 hosts: lowercase hex without leading zeros, the first
// longest run of two or more zero groups as "::", no embedded IPv4.
string format_ipv6(const std::array<unsigned char, 16>& bytes) {
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) groups[i] = (bytes[2 * i] << 8U) | bytes[(2 * i) + 1];
  std::size_t best_start = 8, best_len = 0;
  for (std::size_t i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = 8;
  string out;
  constexpr char hex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    string group;
    for (unsigned v = groups[i]; v != 0; v >>= 4U) group.insert(group.begin(), hex[v & 0xFU]);
    out += group.empty() ? "0" : group;
  }
  return out;
}

// "[...]" -> "[canonical]"; the brackets are part of the host, as in the Origin header.
result<string, errc> parse_ipv6_host(string_view text, string_view inner) {
  if (inner.size() > 45) return bad_origin(text, "the IPv6 address is too long");
  for (char c : inner)
    if (!((c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f') || c == ':' || c == '.'))
      return bad_origin(text, "an IPv6 host holds only hex digits, ':' and '.' (no zone id)");
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET6, string(inner).c_str(), bytes.data()) != 1)
    return bad_origin(text, "the IPv6 address in [] is not valid");
  return "[" + format_ipv6(bytes) + "]";
}

// A dotted quad exactly as a browser writes it: four decimal parts 0-255, no leading zeros.
bool canonical_ipv4(string_view host) {
  int parts = 0;
  while (true) {
    auto dot = host.find('.');
    auto part = host.substr(0, dot);
    if (!all_digits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    unsigned value = 0;
    std::from_chars(part.data(), part.data() + part.size(), value);
    if (value > 255) return false;
    ++parts;
    if (dot == string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return parts == 4;
}

result<string, errc> parse_name_host(string_view text, string_view host) {
  if (host.empty()) return bad_origin(text, "the host is empty");
  if (host.size() > 253) return bad_origin(text, "the host is longer than 253 characters");
  string out;
  out.reserve(host.size());
  for (char c : host) {
    if (static_cast<unsigned char>(c) >= 0x80)
      return bad_origin(text, "write an internationalized host in punycode (xn--...)");
    char l = lower(c);
    if (!((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-' || l == '_' || l == '.'))
      return bad_origin(text, "a host holds only letters, digits, '-', '_' and '.'");
    out += l;
  }
  string_view rest = out;
  string_view last;
  while (true) {
    auto dot = rest.find('.');
    last = rest.substr(0, dot);
    if (last.empty())
      return bad_origin(text, "a host has no empty label (no leading, trailing or double dot)");
    if (last.size() > 63) return bad_origin(text, "a label of the host is longer than 63 characters");
    if (dot == string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  // Browsers read a host ending in a number as IPv4 (127.1, 0x7f.1) and send it as a
  // dotted quad; accept only that spelling, so one address has one origin.
  bool numeric = all_digits(last) || last.rfind("0x", 0) == 0;
  if (numeric && !canonical_ipv4(out))
    return bad_origin(text, "an IPv4 host is four decimal numbers 0-255 (e.g. 127.0.0.1)");
  return out;
}

} // namespace

result<web_origin, errc> parse_origin(std::string_view text) {
  if (text.size() > max_origin_length)
    return bad_origin(text, "longer than " + std::to_string(max_origin_length) + " characters");
  auto sep = text.find("://");
  if (sep == string_view::npos) return bad_origin(text, "no scheme:// (null and file: pages have no origin)");
  web_origin o;
  for (char c : text.substr(0, sep)) o.scheme += lower(c);
  if (o.scheme == "http")
    o.port = 80;
  else if (o.scheme == "https")
    o.port = 443;
  else
    return bad_origin(text, "the scheme must be http or https");
  auto authority = text.substr(sep + 3);
  if (authority.find_first_of("/?#\\") != string_view::npos)
    return bad_origin(text, "an origin has no path, query or fragment, not even a trailing '/'");
  if (authority.find('@') != string_view::npos) return bad_origin(text, "an origin has no user:password@");

  string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == string_view::npos) return bad_origin(text, "'[' without ']' around the IPv6 address");
    host = authority.substr(0, close + 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_origin(text, "unexpected text after ']'");
      port = after.substr(1);
      if (port.empty()) return bad_origin(text, "':' without a port number");
    }
    auto parsed = parse_ipv6_host(text, host.substr(1, host.size() - 2));
    if (!parsed) return parsed.error();
    o.host = std::move(parsed).value();
  } else {
    auto colon = authority.find(':');
    if (colon != string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return bad_origin(text, "':' without a port number");
    }
    auto parsed = parse_name_host(text, host);
    if (!parsed) return parsed.error();
    o.host = std::move(parsed).value();
  }
  if (!port.empty()) {
    unsigned value = 0;
    if (!all_digits(port) || port.size() > 5 ||
        std::from_chars(port.data(), port.data() + port.size(), value).ptr != port.data() + port.size() ||
        value == 0 || value > 65535)
      return bad_origin(text, "the port must be a number 1-65535");
    o.port = static_cast<std::uint16_t>(value);
  }
  return o;
}

std::string format_origin(const web_origin& o) {
  bool default_port = (o.scheme == "http" && o.port == 80) || (o.scheme == "https" && o.port == 443);
  return o.scheme + "://" + o.host + (default_port ? "" : ":" + std::to_string(o.port));
}

result<origin_list, errc> parse_origin_list(std::string_view text) {
  origin_list list;
  auto trim = [](string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  if (trim(text).empty()) return list;
  if (trim(text) == "*") {
    list.any = true;
    return list;
  }
  while (true) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    if (item.empty()) return fail(errc::bad_value, "an empty entry in the comma-separated list of origins");
    if (item == "*") return fail(errc::bad_value, "'*' allows every origin; give it alone, not in a list");
    if (list.origins.size() == max_allowed_origins)
      return fail(errc::bad_value, "at most " + std::to_string(max_allowed_origins) + " origins");
    auto o = parse_origin(item);
    if (!o) return o.error();
    list.origins.push_back(std::move(o).value());
    if (comma == string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return list;
}

std::string format_origin_list(const origin_list& list) {
  if (list.any) return "*";
  string out;
  for (const auto& o : list.origins) out += (out.empty() ? "" : ",") + format_origin(o);
  return out;
}

} // namespace factord::config
