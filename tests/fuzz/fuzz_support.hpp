// What the fuzz targets share: a check that aborts with a message (libFuzzer then saves the
// input as a crash), and a reader that splits the input into fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace factord::fuzz {

// An invariant the code under test must keep: a broken one is a crash, like a sanitizer report.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size}; // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

} // namespace factord::fuzz
