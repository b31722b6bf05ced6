#include "factor/siqs_linalg.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

namespace factord::factor {

namespace {

// Rows of at most this many words (from the pivot's word on) are updated without a branch.
constexpr std::size_t short_span = 4;

// The columns of each relation with odd count, in one flat array (relation r's are
// columns[offset[r], offset[r + 1])): no sort and no allocation per relation, which were
// a third of the linear algebra on 29-digit numbers.
struct odd_column_lists {
  std::vector<std::uint32_t> offset{0};
  std::vector<std::uint32_t> columns;

  odd_column_lists(const std::vector<std::vector<std::uint32_t>>& relations, std::uint32_t column_count) {
    std::vector<std::uint8_t> parity(column_count, 0);
    offset.reserve(relations.size() + 1);
    for (const auto& r : relations) {
      for (std::uint32_t c : r) parity[c] ^= 1;
      for (std::uint32_t c : r) {
        if (parity[c] == 0) continue; // even count, or already listed
        columns.push_back(c);
        parity[c] = 0;
      }
      offset.push_back(static_cast<std::uint32_t>(columns.size()));
    }
  }
  std::size_t size() const { return offset.size() - 1; }
  const std::uint32_t* begin(std::size_t r) const { return columns.data() + offset[r]; }
  const std::uint32_t* end(std::size_t r) const { return columns.data() + offset[r + 1]; }
};

// Drops relations holding a column nobody else has: such a relation can never be part of
// a dependency. Repeats until stable; typically removes a tenth to a third of the matrix,
// which the cubic elimination repays many times over.
// Polls once per pass (each a few milliseconds at 100 digits; a cascade can take dozens).
// Empty when stopped.
std::vector<std::uint32_t> remove_singletons(const odd_column_lists& odd, std::uint32_t columns,
                                             stop_token& stop) {
  std::vector<std::uint32_t> weight(columns, 0);
  for (std::uint32_t c : odd.columns) ++weight[c];
  std::vector<bool> alive(odd.size(), true);
  for (bool changed = true; changed;) {
    if (stop.should_stop()) return {};
    changed = false;
    for (std::size_t r = 0; r < odd.size(); ++r) {
      if (!alive[r]) continue;
      if (std::none_of(odd.begin(r), odd.end(r), [&](std::uint32_t c) { return weight[c] == 1; })) continue;
      alive[r] = false;
      changed = true;
      for (auto c = odd.begin(r); c != odd.end(r); ++c) --weight[*c];
    }
  }
  std::vector<std::uint32_t> kept;
  for (std::size_t r = 0; r < odd.size(); ++r)
    if (alive[r]) kept.push_back(static_cast<std::uint32_t>(r));
  return kept;
}

} // namespace

std::vector<std::vector<std::uint32_t>>
find_dependencies(const std::vector<std::vector<std::uint32_t>>& relations, std::uint32_t columns,
                  std::size_t max_dependencies, stop_token& stop) {
  const odd_column_lists odd(relations, columns);
  const std::vector<std::uint32_t> kept = remove_singletons(odd, columns, stop);
  if (stop.reason() != errc::ok) return {};

  // Dense matrix, one bit row per column that still occurs, one bit per kept relation.
  std::vector<std::int64_t> row_of(columns, -1);
  std::uint32_t rows = 0;
  for (std::uint32_t r : kept)
    for (auto c = odd.begin(r); c != odd.end(r); ++c)
      if (row_of[*c] < 0) row_of[*c] = rows++;
  const std::size_t n = kept.size();
  const std::size_t words = (n + 63) / 64;
  // calloc: the kernel's zero pages, cleared as the fill below first touches them, with a
  // poll every few relations; a zero-filled vector cleared it all at once (78 MB at 90
  // digits, 312 MB at 100).
  const std::unique_ptr<std::uint64_t, decltype(&std::free)> matrix(
      static_cast<std::uint64_t*>(
          std::calloc(static_cast<std::size_t>(rows) * words + 1, sizeof(std::uint64_t))),
      &std::free);
  if (!matrix) throw std::bad_alloc();
  std::uint64_t* const m = matrix.get();
  for (std::size_t j = 0; j < n; ++j) {
    if (stop.should_stop_sometimes()) return {};
    for (auto c = odd.begin(kept[j]); c != odd.end(kept[j]); ++c)
      m[static_cast<std::size_t>(row_of[*c]) * words + j / 64] |= std::uint64_t{1} << (j % 64);
  }

  // Gaussian elimination by columns (relations), forward only: a pivot row chosen at
  // column j is zero left of j, and only the rows below it are cleared, from word j / 64
  // on. Half the XORs of Gauss–Jordan; the dependencies are read back below.
  std::vector<bool> is_pivot_col(n, false);
  std::vector<std::uint32_t> pivot_col_of_row;
  std::uint32_t next_row = 0;
  // A column clears up to rows x words words: ~1 us at 29 digits, ~10 ms for the ~50,000
  // columns at 100 digits, where 64 columns between checks would be over half a second.
  strided_stop column_poll(
      stop, static_cast<std::size_t>(rows) * words > (1u << 14) ? 1 : stop_token::check_interval);
  for (std::size_t j = 0; j < n && next_row < rows; ++j) {
    if (column_poll.should_stop()) return {};
    const std::size_t w = j / 64;
    const std::uint64_t bit = std::uint64_t{1} << (j % 64);
    std::uint32_t pivot = next_row;
    while (pivot < rows && (m[pivot * words + w] & bit) == 0) ++pivot;
    if (pivot == rows) continue; // free column: yields a dependency below
    if (pivot != next_row)
      std::swap_ranges(m + pivot * words + w, m + pivot * words + words, m + next_row * words + w);
    const std::uint64_t* src = &m[next_row * words];
    // Rows above `pivot` have no bit j (the search passed them).
    if (words - w <= short_span) {
      // Short rows: a masked XOR into every row instead of a branch that mispredicts half
      // the time (a random 170 x 150 matrix, the 29-digit size: 112 -> 102 us).
      const unsigned shift = static_cast<unsigned>(j % 64);
      for (std::uint32_t r = pivot + 1; r < rows; ++r) {
        std::uint64_t* dst = &m[r * words];
        const std::uint64_t mask = 0 - ((dst[w] >> shift) & 1);
        for (std::size_t k = w; k < words; ++k) dst[k] ^= src[k] & mask;
      }
    } else {
      for (std::uint32_t r = pivot + 1; r < rows; ++r) {
        std::uint64_t* dst = &m[r * words];
        if ((dst[w] & bit) == 0) continue;
        for (std::size_t k = w; k < words; ++k) dst[k] ^= src[k];
      }
    }
    is_pivot_col[j] = true;
    pivot_col_of_row.push_back(static_cast<std::uint32_t>(j));
    ++next_row;
  }

  // Each free column f gives a null vector x with x_f = 1, the other free columns 0, and
  // the pivot columns solved bottom-up: the row with pivot c gives x_c as the sum of x over
  // its other bits (all right of c). Up to 64 free columns are solved at once, one bit of
  // a word per column: one XOR per set bit instead of a row-times-vector parity per
  // dependency.
  std::vector<std::uint32_t> free_cols;
  for (std::size_t f = 0; f < n && free_cols.size() < max_dependencies; ++f)
    if (!is_pivot_col[f]) free_cols.push_back(static_cast<std::uint32_t>(f));
  std::vector<std::vector<std::uint32_t>> deps(free_cols.size());
  std::vector<std::uint64_t> x(n);
  for (std::size_t first = 0; first < free_cols.size(); first += 64) {
    const std::size_t batch = std::min<std::size_t>(64, free_cols.size() - first);
    std::fill(x.begin(), x.end(), 0);
    for (std::size_t d = 0; d < batch; ++d) x[free_cols[first + d]] = std::uint64_t{1} << d;
    for (std::uint32_t r = next_row; r-- > 0;) {
      if (stop.should_stop_sometimes()) return {}; // a row: its words and set bits
      const std::uint32_t c = pivot_col_of_row[r];
      const std::uint64_t* row = &m[r * words];
      std::uint64_t sum = 0; // x_c is still 0, so bit c may be included
      for (std::size_t k = c / 64; k < words; ++k)
        for (std::uint64_t bits = row[k]; bits != 0; bits &= bits - 1)
          sum ^= x[k * 64 + static_cast<std::size_t>(__builtin_ctzll(bits))];
      x[c] = sum;
    }
    for (std::size_t j = 0; j < n; ++j)
      for (std::uint64_t bits = x[j]; bits != 0; bits &= bits - 1)
        deps[first + static_cast<std::size_t>(__builtin_ctzll(bits))].push_back(kept[j]);
  }
  return deps;
}

} // namespace factord::factor
