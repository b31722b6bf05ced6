// `factord factor [N ...]`: the command-line face of the engine (API.md).
// Factors the arguments, or else numbers read one per line from `in`, printing
// `N: p1 p2 ...` (GNU coreutils format) as each is done. A bad number prints an error on
// `err` and the rest go on; the summary says how many failed, and main turns that into
// the exit status (config/exit_codes.hpp: factor/ knows no process exit codes).
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace factord::factor {

struct factor_command_options {
  std::size_t max_digits = 300;       // --max-digits default; main.cpp checks it against config/
  std::chrono::nanoseconds budget{0}; // per number; zero means unlimited
};

// What a run did, number by number.
struct factor_command_summary {
  std::size_t factored = 0; // answered on `out`
  std::size_t failed = 0;   // an error on `err` instead: not a number, too long, over budget
};

factor_command_summary run_factor_command(const std::vector<std::string>& args, std::istream& in,
                                          std::ostream& out, std::ostream& err,
                                          const factor_command_options& opts);

} // namespace factord::factor
