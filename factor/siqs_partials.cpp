#include "factor/siqs_partials.hpp"

#include <algorithm>
#include <type_traits>

namespace factord::factor {

namespace {

constexpr std::size_t chunk_words = std::size_t{1} << 19; // 4 MiB
constexpr unsigned half = 32;
constexpr std::uint64_t low_half = 0xFFFFFFFFu;
static_assert(std::is_same_v<mp_limb_t, std::uint64_t>, "y's limbs are stored as 64-bit words");

} // namespace

std::uint32_t siqs_partials::add(const mpz_class& y, const std::vector<std::uint32_t>& cols) {
  const std::size_t limbs = mpz_size(y.get_mpz_t());
  const std::size_t words = 1 + limbs + (cols.size() + 1) / 2;
  if (chunks_.empty() || chunks_.back().size() + words > chunks_.back().capacity()) {
    chunks_.emplace_back();
    chunks_.back().reserve(std::max(chunk_words, words));
  }
  std::vector<std::uint64_t>& chunk = chunks_.back();
  offset_.push_back((static_cast<std::uint64_t>(chunks_.size() - 1) << half) | chunk.size());
  chunk.push_back((static_cast<std::uint64_t>(limbs) << half) | cols.size());
  const mp_limb_t* limb = mpz_limbs_read(y.get_mpz_t());
  chunk.insert(chunk.end(), limb, limb + limbs);
  for (std::size_t i = 0; i < cols.size(); i += 2) {
    const std::uint64_t high = i + 1 < cols.size() ? cols[i + 1] : 0;
    chunk.push_back(cols[i] | (high << half));
  }
  return static_cast<std::uint32_t>(offset_.size() - 1);
}

const std::uint64_t* siqs_partials::record(std::uint32_t id) const {
  const std::uint64_t at = offset_[id];
  return chunks_[at >> half].data() + (at & low_half);
}

void siqs_partials::multiply_y(std::uint32_t id, mpz_class& into, const mpz_class& n) const {
  const std::uint64_t* r = record(id);
  mpz_t view;
  const mpz_srcptr y = mpz_roinit_n(view, r + 1, static_cast<mp_size_t>(r[0] >> half));
  mpz_mul(into.get_mpz_t(), into.get_mpz_t(), y);
  mpz_mod(into.get_mpz_t(), into.get_mpz_t(), n.get_mpz_t());
}

std::size_t siqs_partials::column_count(std::uint32_t id) const { return record(id)[0] & low_half; }

void siqs_partials::append_columns(std::uint32_t id, std::vector<std::uint32_t>& out) const {
  const std::uint64_t* r = record(id);
  const std::size_t count = r[0] & low_half;
  const std::uint64_t* word = r + 1 + (r[0] >> half);
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(static_cast<std::uint32_t>((word[i / 2] >> (i % 2 == 0 ? 0 : half)) & low_half));
}

} // namespace factord::factor
