// The square root step: a dependency gives X^2 == Y^2 (mod n); gcd(X - Y, n) splits n
// about half the time, so the caller tries dependencies until one does.
#pragma once

#include "factor/siqs_factor_base.hpp"
#include "factor/siqs_relations.hpp"

#include <cstdint>
#include <gmpxx.h>
#include <vector>

namespace factord::factor {

// `dependency` indexes `relations`. Returns a factor 1 < f < n, or 0 when this
// dependency only gives the trivial split.
mpz_class factor_from_dependency(const mpz_class& n, const siqs_factor_base& fb,
                                 const std::vector<siqs_relation>& relations,
                                 const std::vector<std::uint32_t>& dependency);

} // namespace factord::factor
