// --auth-keys FILE: the API keys a server accepts. A key is never stored, only its SHA-256,
// so the file can be read by whoever runs factord without handing out the keys.
//
//   # comment (whole line)
//   CALLER sha256:<64 hex digits> [admin] [rate=R] [burst=N] [max_queued=N] [max_digits=N] [weight=N]
//
// The settings, each at most once and in any order, are the caller's own limits
// (identity.hpp caller_limits), overriding the server's options for this key:
//   rate=R        submissions per second, a decimal above 0 and at most 1000000 (--rate-per-caller)
//   burst=N       1..1000000 submissions at once (--burst-per-caller)
//   max_queued=N  1..100000000 jobs waiting (--max-queued-per-caller)
//   max_digits=N  1..10000; never raises --max-digits
//   weight=N      1..100, fair share (not yet enforced: README "Not yet")
//
// CALLER is a caller id without whitespace or '#' (at most 128 printable characters). One
// caller may have several keys (rotation: add the new one, move clients, delete the old
// line). `factord keys add CALLER [admin] [rate=R ...]` writes a line and prints its key once.
//
// A key is "fk_" and 43 base64url characters: 256 bits from the OS CSPRNG (getrandom).
#pragma once

#include "config/result.hpp"
#include "net/auth/identity.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace factord::auth {

enum class key_file_errc : std::uint8_t {
  unreadable,     // cannot open or read the file
  too_large,      // over max_key_file_bytes, or a line over max_key_line_bytes
  too_many_keys,  // over max_keys
  malformed_line, // a line that is not `CALLER sha256:HEX [settings]`, or a bad setting
  duplicate_key,  // the same key hash twice (one key, two callers: which one?)
  invalid_caller, // a caller id keys add cannot write (whitespace, '#', too long, empty)
  unwritable,     // keys add cannot create or append to the file
};

template <class T>
using key_result = factord::result<T, key_file_errc>;

inline constexpr std::size_t max_key_file_bytes = std::size_t{16} * 1024 * 1024;
inline constexpr std::size_t max_key_line_bytes = 1024;
inline constexpr std::size_t max_keys = 100000;
inline constexpr std::string_view key_prefix = "fk_";
inline constexpr unsigned long long max_key_burst = 1'000'000;    // burst=N
inline constexpr unsigned long long max_key_queued = 100'000'000; // max_queued=N, as --max-queued-per-caller

using sha256_digest = std::array<unsigned char, 32>;
sha256_digest sha256(std::string_view data);
std::string to_hex(const sha256_digest& d);

// A fresh API key ("fk_" + 43 base64url characters, 256 random bits).
std::string new_api_key();
// True when `token` has the shape of an API key (prefix, length, alphabet): anything else
// is not looked up.
bool looks_like_api_key(std::string_view token);

// A caller id that fits a key line: the API's rule (1..128 printable ASCII) without
// whitespace or '#'. The error says which character.
key_result<void> check_key_caller(std::string_view caller);

class key_table {
public:
  struct entry {
    std::string caller_id;
    bool admin = false;
    caller_limits limits;
  };

  // Parses a whole file's text; `origin` names it in error messages ("keys.txt line 3: ...").
  static key_result<key_table> parse(std::string_view text, const std::string& origin);

  // The caller of `key`, or nullptr when the table does not have it.
  const entry* find(std::string_view key) const;
  std::size_t size() const noexcept { return by_hash_.size(); }

private:
  struct digest_hash {
    std::size_t operator()(const sha256_digest& d) const noexcept;
  };
  std::unordered_map<sha256_digest, entry, digest_hash> by_hash_;
};

// Reads and parses `path` (bounded by max_key_file_bytes).
key_result<key_table> load_key_file(const std::string& path);

// One setting of a key line (`admin` or NAME=VALUE, see the top of this file) into `e`. The
// error (malformed_line) names the setting and says which values it takes; a setting given
// twice is an error too.
key_result<void> apply_key_setting(std::string_view setting, key_table::entry& e);

// The settings of `e` as a key line writes them: " admin rate=2 burst=5", or "".
std::string key_settings(const key_table::entry& e);

// The line `keys add` appends for `caller` and `key`.
std::string key_line(const std::string& caller, std::string_view key, bool admin,
                     const caller_limits& limits = {});

// keys add: a new key for `caller`, its line appended to `path` (created 0600 if missing,
// in one write). The key, to be shown once.
key_result<std::string> add_key(const std::string& path, const std::string& caller, bool admin,
                                const caller_limits& limits = {});

// The table in use, swapped whole on reload: readers on any thread see the old table or the
// new one, never a mix, and never wait for a reload.
class key_store {
public:
  explicit key_store(std::string path) : path_(std::move(path)) {}

  std::shared_ptr<const key_table> current() const { return std::atomic_load(&table_); }
  const std::string& path() const noexcept { return path_; }

  // Loads the file; on failure the table in use stays (the error says why). The number of
  // keys loaded.
  key_result<std::size_t> reload();
  // Reloads when the file's size, mtime or inode differ from the last load; nothing when
  // they do not.
  std::optional<key_result<std::size_t>> reload_if_changed();
  // Counts successful reloads: a socket authenticated at another generation checks its key
  // again.
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

private:
  struct stamp {
    std::uint64_t inode = 0, size = 0;
    std::int64_t mtime_ns = -1;
    bool operator==(const stamp& o) const {
      return inode == o.inode && size == o.size && mtime_ns == o.mtime_ns;
    }
  };
  static stamp stamp_of(const std::string& path);

  std::string path_;
  std::shared_ptr<const key_table> table_ = std::make_shared<const key_table>();
  std::mutex reload_mu_; // reloads come from the SIGHUP thread and the file watch; reads never lock
  stamp loaded_;
  std::atomic<std::uint64_t> generation_{0};
};

} // namespace factord::auth
