// Request ids from the kernel's CSPRNG (getrandom(2)): 128 random bits as 32 lowercase hex
// digits. Knowing any number of ids tells nothing about the next one, which a seeded PRNG
// (mt19937_64: a few outputs give its whole state) could not promise.
//
// The kernel's bytes are read in blocks of `block_bytes` (256 ids per system call). Bytes
// are never handed out twice: a copy or a move starts with an empty block of its own, so
// two books (or a test's copy of one) can never issue the same ids. factord does not fork
// after start, so no child can replay the parent's block either.
// Single-threaded: owned by one job_book.
#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace factord::actors {

class random_ids {
public:
  static constexpr std::size_t id_bytes = 16;
  static constexpr std::size_t block_bytes = 256 * id_bytes;

  random_ids() = default;
  random_ids(const random_ids&) noexcept {}
  random_ids(random_ids&&) noexcept {}
  random_ids& operator=(const random_ids&) noexcept;
  random_ids& operator=(random_ids&&) noexcept;
  ~random_ids();

  // A fresh id. If the kernel cannot give random bytes, the process stops: see the .cpp.
  std::string next();

private:
  void refill();
  void forget() noexcept;

  std::array<unsigned char, block_bytes> block_{};
  std::size_t used_ = block_bytes; // bytes of block_ already handed out (or never read)
};

} // namespace factord::actors
