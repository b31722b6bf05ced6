#include "net/auth/key_file.hpp"

#include "config/limits.hpp"
#include "config/options.hpp"
#include "config/rate.hpp"

#include <openssl/evp.h>

#include <sys/random.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <unistd.h>

namespace factord::auth {

namespace {

constexpr std::string_view base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t key_random_bytes = 32;
constexpr std::size_t key_chars = 43; // 256 bits in base64url, unpadded
constexpr std::string_view hash_prefix = "sha256:";

std::string base64url_encode(const unsigned char* data, std::size_t n) {
  std::string out;
  out.reserve((n * 4 + 2) / 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(base64url[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(base64url[(acc << (6 - bits)) & 0x3f]);
  return out;
}

// Fills `out` from the kernel's CSPRNG. A server that cannot get randomness must not make
// keys from anything weaker: the caller reports the failure.
bool random_bytes(unsigned char* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    auto got = getrandom(out + done, n - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(got);
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The next whitespace-separated word of `s`, removed from it.
std::string_view next_word(std::string_view& s) {
  s = trim(s);
  auto end = s.find_first_of(" \t");
  auto word = s.substr(0, end);
  s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  return word;
}

bool parse_hex_digest(std::string_view hex, sha256_digest& out) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

// A character of a caller id as the error message shows it: itself if printable, else \xNN.
std::string shown(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7f) return std::string(1, c);
  static constexpr char digits[] = "0123456789abcdef";
  return std::string{'\\', 'x', digits[u >> 4], digits[u & 15]};
}

} // namespace

sha256_digest sha256(std::string_view data) {
  sha256_digest d{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr) != 1 || len != d.size())
    throw std::runtime_error("OpenSSL could not compute a SHA-256");
  return d;
}

std::string to_hex(const sha256_digest& d) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (auto b : d) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

std::string new_api_key() {
  std::array<unsigned char, key_random_bytes> raw{};
  if (!random_bytes(raw.data(), raw.size()))
    throw std::runtime_error(std::string("getrandom failed: ") + std::strerror(errno));
  return std::string{key_prefix} + base64url_encode(raw.data(), raw.size());
}

bool looks_like_api_key(std::string_view token) {
  if (token.size() != key_prefix.size() + key_chars || token.substr(0, key_prefix.size()) != key_prefix)
    return false;
  for (char c : token.substr(key_prefix.size()))
    if (base64url.find(c) == std::string_view::npos) return false;
  return true;
}

key_result<void> check_key_caller(std::string_view caller) {
  if (caller.empty()) return fail(key_file_errc::invalid_caller, "a caller id must not be empty");
  if (caller.size() > 128)
    return fail(key_file_errc::invalid_caller,
                "a caller id has at most 128 characters, this one has " + std::to_string(caller.size()));
  for (char c : caller) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '#')
      return fail(key_file_errc::invalid_caller,
                  "a caller id in the keys file is printable ASCII without spaces or '#'; found '" +
                      shown(c) + "'");
  }
  return {};
}

std::size_t key_table::digest_hash::operator()(const sha256_digest& d) const noexcept {
  std::size_t h = 0; // already uniformly distributed: the first bytes will do
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

key_result<key_table> key_table::parse(std::string_view text, const std::string& origin) {
  if (text.size() > max_key_file_bytes)
    return fail(key_file_errc::too_large, origin + ": over " + std::to_string(max_key_file_bytes) + " bytes");
  key_table table;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    auto where = origin + " line " + std::to_string(number);
    if (line.size() > max_key_line_bytes)
      return fail(key_file_errc::too_large,
                  where + ": over " + std::to_string(max_key_line_bytes) + " characters");
    auto rest = trim(line);
    if (rest.empty() || rest.front() == '#') continue;
    auto caller = next_word(rest);
    auto hash = next_word(rest);
    if (auto ok = check_key_caller(caller); !ok)
      return fail(key_file_errc::malformed_line, where + ": " + ok.message());
    sha256_digest digest{};
    if (hash.substr(0, hash_prefix.size()) != hash_prefix ||
        !parse_hex_digest(hash.substr(hash_prefix.size()), digest))
      return fail(key_file_errc::malformed_line,
                  where + ": expected 'CALLER sha256:<64 hex digits> [admin] [rate=R ...]' (factord keys add "
                          "writes such lines)");
    entry e{std::string{caller}, false, {}};
    for (auto setting = next_word(rest); !setting.empty(); setting = next_word(rest))
      if (auto ok = apply_key_setting(setting, e); !ok)
        return fail(key_file_errc::malformed_line, where + ": " + ok.message());
    if (table.by_hash_.size() >= max_keys)
      return fail(key_file_errc::too_many_keys, where + ": over " + std::to_string(max_keys) + " keys");
    auto [it, inserted] = table.by_hash_.emplace(digest, std::move(e));
    if (!inserted)
      return fail(key_file_errc::duplicate_key, where + ": the same key hash is already given to '" +
                                                    it->second.caller_id + "'; remove one of the lines");
  }
  return table;
}

const key_table::entry* key_table::find(std::string_view key) const {
  if (!looks_like_api_key(key)) return nullptr;
  auto it = by_hash_.find(sha256(key));
  return it == by_hash_.end() ? nullptr : &it->second;
}

key_result<key_table> load_key_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(key_file_errc::unreadable, "cannot read the keys file " + path + ": " + std::strerror(errno) +
                                               ". Hint: `factord keys add CALLER --auth-keys " + path +
                                               "` creates it");
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_key_file_bytes)
      return fail(key_file_errc::too_large,
                  path + ": over " + std::to_string(max_key_file_bytes) + " bytes; is it the right file?");
  }
  return key_table::parse(text, path);
}

key_result<void> apply_key_setting(std::string_view setting, key_table::entry& e) {
  auto shown_setting = "'" + std::string{setting.substr(0, 64)} + "'";
  if (setting == "admin") {
    if (e.admin) return fail(key_file_errc::malformed_line, "'admin' is given twice");
    e.admin = true;
    return {};
  }
  auto eq = setting.find('=');
  if (eq == std::string_view::npos)
    return fail(key_file_errc::malformed_line,
                "unknown setting " + shown_setting +
                    "; a key line takes 'admin' and rate=R, burst=N, max_queued=N, "
                    "max_digits=N, weight=N");
  auto name = setting.substr(0, eq);
  auto value = setting.substr(eq + 1);
  auto twice = [&] {
    return fail(key_file_errc::malformed_line, "'" + std::string{name} + "' is given twice");
  };
  // A whole number in [min, max]: digits only, no sign, no leading '+'.
  auto whole = [&](unsigned long long min, unsigned long long max) -> std::optional<unsigned long long> {
    unsigned long long n = 0;
    if (value.empty() || value.size() > 20) return std::nullopt;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || end != value.data() + value.size() || n < min || n > max) return std::nullopt;
    return n;
  };
  auto bad = [&](const std::string& what) {
    return fail(key_file_errc::malformed_line, shown_setting + ": " + std::string{name} + " must be " + what);
  };
  if (name == "rate") {
    if (e.limits.rate) return twice();
    auto r = config::parse_rate(value);
    if (!r || !(*r > 0)) return bad("a decimal number of submissions per second above 0 and at most 1000000");
    e.limits.rate = *r;
  } else if (name == "burst") {
    if (e.limits.burst) return twice();
    auto n = whole(1, max_key_burst);
    if (!n) return bad("a whole number from 1 to " + std::to_string(max_key_burst));
    e.limits.burst = static_cast<unsigned>(*n);
  } else if (name == "max_queued") {
    if (e.limits.max_queued) return twice();
    auto n = whole(1, max_key_queued);
    if (!n) return bad("a whole number from 1 to " + std::to_string(max_key_queued));
    e.limits.max_queued = static_cast<std::size_t>(*n);
  } else if (name == "max_digits") {
    if (e.limits.max_digits) return twice();
    auto n = whole(1, config::limits::max_caller_digits);
    if (!n) return bad("a whole number from 1 to " + std::to_string(config::limits::max_caller_digits));
    e.limits.max_digits = static_cast<unsigned>(*n);
  } else if (name == "weight") {
    if (e.limits.weight) return twice();
    auto n = whole(1, config::limits::max_caller_weight);
    if (!n) return bad("a whole number from 1 to " + std::to_string(config::limits::max_caller_weight));
    e.limits.weight = static_cast<unsigned>(*n);
  } else {
    return fail(key_file_errc::malformed_line,
                "unknown setting " + shown_setting +
                    "; a key line takes 'admin' and rate=R, burst=N, max_queued=N, "
                    "max_digits=N, weight=N");
  }
  return {};
}

std::string key_settings(const key_table::entry& e) {
  std::string out = e.admin ? " admin" : "";
  const auto& l = e.limits;
  if (l.rate) out += " rate=" + config::format_rate(*l.rate);
  if (l.burst) out += " burst=" + std::to_string(*l.burst);
  if (l.max_queued) out += " max_queued=" + std::to_string(*l.max_queued);
  if (l.max_digits) out += " max_digits=" + std::to_string(*l.max_digits);
  if (l.weight) out += " weight=" + std::to_string(*l.weight);
  return out;
}

std::string key_line(const std::string& caller, std::string_view key, bool admin,
                     const caller_limits& limits) {
  return caller + " " + std::string{hash_prefix} + to_hex(sha256(key)) +
         key_settings(key_table::entry{caller, admin, limits}) + "\n";
}

key_result<std::string> add_key(const std::string& path, const std::string& caller, bool admin,
                                const caller_limits& limits) {
  if (auto ok = check_key_caller(caller); !ok) return ok.error();
  if (path.empty()) return fail(key_file_errc::unwritable, "name the keys file with --auth-keys FILE");
  // The file as it is must parse: appending to a broken file would hide the break.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (auto loaded = load_key_file(path); !loaded) return loaded.error();
  }
  auto key = new_api_key();
  auto line = key_line(caller, key, admin, limits);
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail(key_file_errc::unwritable, "cannot open " + path + " to append: " + std::strerror(errno));
  // A file that does not end in a newline gets one first, so the new line stays a line.
  std::string out = line;
  if (st.st_size > 0) {
    char last = '\n';
    int rfd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (rfd >= 0) {
      if (::pread(rfd, &last, 1, st.st_size - 1) != 1) last = '\n';
      ::close(rfd);
    }
    if (last != '\n') out.insert(out.begin(), '\n');
  }
  auto written = ::write(fd, out.data(), out.size()); // O_APPEND: one write, one line
  int write_errno = errno;
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (written != static_cast<ssize_t>(out.size()) || !synced)
    return fail(key_file_errc::unwritable, "cannot write " + path + ": " + std::strerror(write_errno));
  return key;
}

key_store::stamp key_store::stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

key_result<std::size_t> key_store::reload() {
  std::lock_guard<std::mutex> guard{reload_mu_};
  auto before = stamp_of(path_);
  auto loaded = load_key_file(path_);
  loaded_ = before; // a broken file is not retried until it changes again
  if (!loaded) return loaded.error();
  auto n = loaded->size();
  std::atomic_store(&table_,
                    std::shared_ptr<const key_table>(std::make_shared<key_table>(std::move(loaded).value())));
  generation_.fetch_add(1, std::memory_order_release);
  return n;
}

std::optional<key_result<std::size_t>> key_store::reload_if_changed() {
  {
    std::lock_guard<std::mutex> guard{reload_mu_};
    if (stamp_of(path_) == loaded_) return std::nullopt;
  }
  return reload();
}

} // namespace factord::auth
