// Parsing of user-supplied numbers (API.md "Numbers"): a positive decimal integer with
// optional surrounding whitespace and an optional leading '+'.
#pragma once

#include "factor/errc.hpp"

#include <gmpxx.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace factord::factor {

struct parsed_number {
  mpz_class value;
  errc error = errc::ok;
  std::string message; // for the user: what is wrong and what to send instead
  bool ok() const { return error == errc::ok; }
};

// Never throws; never echoes more than a short prefix of hostile input.
parsed_number parse_number(std::string_view text, std::size_t max_digits);

} // namespace factord::factor
