// Strategy for splitting one hard composite: which method, for how long, by size.
#pragma once

#include "factor/engine.hpp"
#include "factor/stop.hpp"

#include <gmpxx.h>

namespace factord::factor {

// m: composite, larger than 2^64, no prime factor below 2^16, not a perfect power.
// Returns a nontrivial factor (not necessarily prime) and the method that found it, or 0
// when `stop` fired first. Without a stop it always finishes.
mpz_class split_composite(const mpz_class& m, stop_token& stop, method& used);

} // namespace factord::factor
