#include "actors/registry/random_ids.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string.h> // explicit_bzero

namespace factord::actors {

namespace {

// Fills `out` from getrandom(2), which blocks only until the kernel's pool is first seeded
// (early boot) and may return fewer bytes than asked or be interrupted by a signal.
//
// On failure the process aborts, deliberately. The causes (ENOSYS on a pre-3.17 kernel, a
// seccomp filter refusing the call) are permanent, so a retry cannot help; a weaker
// fallback would quietly make ids guessable, which is the one thing this must not do; and
// an exception would kill only the actor that owns the book (CAF catches it), leaving a
// process that looks alive to /healthz and a load balancer but answers every job 503.
// Aborting is safe: nothing is acknowledged before its journal commit (or the broker's
// ack), so a restart loses no accepted job, and the message says what is wrong.
void fill_from_kernel(unsigned char* out, std::size_t size) {
  std::size_t have = 0;
  while (have < size) {
    ssize_t got = ::getrandom(out + have, size - have, 0);
    if (got > 0) {
      have += static_cast<std::size_t>(got);
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    int err = got < 0 ? errno : EIO;
    std::fprintf(stderr,
                 "factord: fatal: getrandom(2) failed (%s): request ids cannot be made unguessable; "
                 "run factord on Linux 3.17 or later and allow getrandom in any seccomp profile\n",
                 std::strerror(err));
    std::abort();
  }
}

} // namespace

random_ids& random_ids::operator=(const random_ids& other) noexcept {
  if (this != &other) forget();
  return *this;
}

random_ids& random_ids::operator=(random_ids&& other) noexcept {
  if (this != &other) forget();
  return *this;
}

random_ids::~random_ids() { forget(); }

void random_ids::forget() noexcept {
  // Unused bytes are future ids: wipe them rather than leave them to a core dump.
  ::explicit_bzero(block_.data(), block_.size());
  used_ = block_.size();
}

void random_ids::refill() {
  fill_from_kernel(block_.data(), block_.size());
  used_ = 0;
}

std::string random_ids::next() {
  if (block_.size() - used_ < id_bytes) refill();
  static constexpr char hex[] = "0123456789abcdef";
  std::string id(2 * id_bytes, '0');
  for (std::size_t i = 0; i < id_bytes; ++i) {
    unsigned char byte = block_[used_ + i];
    id[2 * i] = hex[byte >> 4];
    id[2 * i + 1] = hex[byte & 0x0f];
    block_[used_ + i] = 0; // handed out: not kept in memory
  }
  used_ += id_bytes;
  return id;
}

} // namespace factord::actors
