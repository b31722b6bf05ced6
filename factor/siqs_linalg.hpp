// Linear algebra over GF(2) for the quadratic sieve: find sets of relations whose
// exponent vectors sum to zero mod 2 (their product is a square on both sides).
#pragma once

#include "factor/stop.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace factord::factor {

// `relations[r]` lists the columns of relation r, with multiplicity (only parity counts);
// every column is < `columns`. Returns up to `max_dependencies` nonempty sets of relation
// indices whose column counts are all even; fewer (or none) when the matrix has no more
// or `stop` fired.
std::vector<std::vector<std::uint32_t>>
find_dependencies(const std::vector<std::vector<std::uint32_t>>& relations, std::uint32_t columns,
                  std::size_t max_dependencies, stop_token& stop);

} // namespace factord::factor
