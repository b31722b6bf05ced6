// The quadratic sieve's partial relations waiting for a cycle, stored flat.
//
// A 90-digit factorization keeps a million of them. As a vector of relations (an mpz and a
// vector each) they were two allocations apiece: freeing them took ~0.3 s after a 76-digit
// run found its factor or was cancelled, and growing the vector moved them all at once
// (20 ms at 260,000). Here each one is a few 64-bit words in 4 MiB chunks that never move:
// a header (y's limb count, the column count), y's limbs, the columns two to a word.
#pragma once

#include <cstddef>
#include <cstdint>
#include <gmpxx.h>
#include <vector>

namespace factord::factor {

class siqs_partials {
public:
  // Stores y (>= 0) and the columns; returns the partial's id (0, 1, 2, ... in order).
  std::uint32_t add(const mpz_class& y, const std::vector<std::uint32_t>& cols);
  std::size_t size() const noexcept { return offset_.size(); }

  // into = into * y(id) mod n.
  void multiply_y(std::uint32_t id, mpz_class& into, const mpz_class& n) const;
  std::size_t column_count(std::uint32_t id) const;
  // Appends partial id's columns to `out`.
  void append_columns(std::uint32_t id, std::vector<std::uint32_t>& out) const;

private:
  const std::uint64_t* record(std::uint32_t id) const;

  std::vector<std::vector<std::uint64_t>> chunks_; // each reserved once, never grown past it
  std::vector<std::uint64_t> offset_;              // chunk << 32 | word within it
};

} // namespace factord::factor
