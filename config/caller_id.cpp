#include "config/caller_id.hpp"

#include <cstdint>

namespace factord::config {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length or 0 when invalid (overlong,
// surrogate, beyond U+10FFFF, truncated). `cp` gets the code point.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
  auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

} // namespace

bool is_valid_caller_id(std::string_view id) {
  if (id.empty()) return false;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < id.size();) {
    std::uint32_t cp = 0;
    auto len = utf8_sequence(id, i, cp);
    if (len == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return false;
    i += len;
    if (++chars > max_caller_id_chars) return false;
  }
  return true;
}

} // namespace factord::config
