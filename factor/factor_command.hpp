// `factord factor [N ...]`: the command-line face of the engine (API.md).
// Factors the arguments, or else numbers read one per line from `in`, printing
// `N: p1 p2 ...` (GNU coreutils format) as each is done. A bad number prints an error on
// `err` and the rest go on; the exit status is 1 if any number failed.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace factord::factor {

struct factor_command_options {
  std::size_t max_digits = 300;
  std::chrono::nanoseconds budget{0}; // per number; zero means unlimited
};

int run_factor_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                       std::ostream& err, const factor_command_options& opts);

} // namespace factord::factor
