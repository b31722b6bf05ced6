// Helpers shared by the keys-file tests (key_file_test.cpp, key_store_test.cpp).
#pragma once

#include "net/auth/key_file.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace factord::auth::test {

// A file under /tmp removed at the end of the test.
struct temp_file {
  std::string path;
  temp_file() {
    char name[] = "/tmp/factord-keys-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    ::unlink(name); // tests decide whether it exists
    path = name;
  }
  ~temp_file() { ::unlink(path.c_str()); }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  void write(const std::string& text) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::string read() const {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
};

inline std::string line_for(const std::string& caller, const std::string& key, bool admin = false) {
  return key_line(caller, key, admin);
}

} // namespace factord::auth::test
