// The factor engine's front door: factor a positive integer completely, or stop early on
// request or when the compute budget runs out, reporting what was found so far.
//
// Threading: a call runs on the caller's thread and shares nothing with other calls, so
// any number of workers may factor at once. The stop hook is called from that thread.
#pragma once

#include "factor/errc.hpp"

#include <gmpxx.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace factord::factor {

struct options {
  // Polled every few milliseconds at most; returning true abandons the computation
  // (errc::cancelled). May be empty.
  std::function<bool()> stop_requested;
  // Longest the computation may run (errc::budget_exceeded); zero means unlimited.
  std::chrono::nanoseconds budget{0};
};

// How hard the number was: the strongest method that was needed, for logs and metrics.
enum class method { none, trial, u64, fermat, rho, ecm, siqs };
std::string_view to_string(method m) noexcept;

struct factorization {
  errc error = errc::ok;
  std::string message;               // empty when ok
  std::vector<mpz_class> factors;    // primes, ascending, with multiplicity
  std::vector<mpz_class> unfactored; // composite parts left when stopped early
  method hardest = method::none;
  bool ok() const { return error == errc::ok; }
};

// n >= 1 (1 gives no factors); n < 1 is an error (errc::not_positive).
factorization factorize(const mpz_class& n, const options& opts = {});

// Parses `text` as API.md describes (whitespace, '+', at most max_digits digits) and
// factors it; a parse failure comes back as the error of the result.
factorization factorize(std::string_view text, std::size_t max_digits, const options& opts = {});

} // namespace factord::factor
