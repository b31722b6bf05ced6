// JSON integers of any size (API.md "Numbers"). nlohmann/json reads integers beyond 64 bits
// as doubles and fails outright beyond a double's range (~308 digits), so before parsing,
// long integer tokens are turned into JSON strings holding the same digits. Fractions and
// exponents are left alone (they are rejected later, with their own message).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace factord::actors {

// Returns `text` with every integer token of at least `min_digits` digits (outside
// strings) wrapped in quotes. Malformed JSON stays malformed.
std::string quote_long_json_integers(std::string_view text, std::size_t min_digits = 19);

} // namespace factord::actors
