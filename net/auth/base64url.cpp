#include "net/auth/base64url.hpp"

#include <cstdint>

namespace factord::auth {

namespace {

// 0..63, or -1 for a character outside the base64url alphabet.
int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

} // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt; // 6 bits cannot end a byte
  std::string bytes;
  bytes.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t buffer = 0; // bits not yet emitted, in the low `bits` bits
  int bits = 0;
  for (char c : text) {
    int value = sextet(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buffer >> bits) & 0xFFu));
      buffer &= (1u << bits) - 1;
    }
  }
  if (buffer != 0) return std::nullopt; // leftover bits must be zero (canonical form)
  return bytes;
}

} // namespace factord::auth
