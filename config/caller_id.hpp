// What a caller id may be (API.md: 1..128 printable characters), decided here once: for the
// X-Caller-ID header and ?userid= (net/query.cpp) and for a credential's subject
// (net/auth/jwt.cpp, the API-key file). Plain function, no other project header.
#pragma once

#include <cstddef>
#include <string_view>

namespace factord::config {

inline constexpr std::size_t max_caller_id_chars = 128;

// The rule in words, for error messages.
inline constexpr std::string_view caller_id_rule =
    "a caller id must be 1 to 128 printable characters (UTF-8, no control characters)";

// True when `id` follows caller_id_rule. Printable means: valid UTF-8 (no overlong form,
// surrogate or code point beyond U+10FFFF) and no control character (C0, DEL or C1);
// the length counts code points.
bool is_valid_caller_id(std::string_view id);

} // namespace factord::config
