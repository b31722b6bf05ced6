// factord's exit status, named and decided here and nowhere else; main() returns only
// these. Scripts branch on them (README "Exit codes"): 2 means "fix the command line",
// 1 means "the command was right but something failed; the log or stderr says what".
#pragma once

#include "config/errc.hpp"

#include <cstddef>
#include <type_traits>

namespace factord::config {

enum class exit_code {
  ok = 0,      // did what was asked (also --help and --version)
  failure = 1, // ran and something failed: a number not factored, a node that could not start
  usage = 2,   // did not run: a bad option, value, config file or command
};

// Every config error is the caller's to fix before anything runs. The switch has no
// default so a new errc does not compile (-Werror) until it is given a status here.
constexpr exit_code exit_code_for(errc e) noexcept {
  switch (e) {
    case errc::unknown_option:
    case errc::missing_value:
    case errc::bad_value:
    case errc::unreadable_file:
    case errc::malformed_line:
    case errc::unsafe_choice: return exit_code::usage;
  }
  return exit_code::usage;
}

// Any other module's errc (the node's journal or Kafka, the listener): the command line
// was fine, the run failed. Which errc it was is in the log line, not in the status.
template <class Errc, class = std::enable_if_t<std::is_enum_v<Errc>>>
constexpr exit_code exit_code_for(Errc) noexcept {
  return exit_code::failure;
}

// `factord factor`: a number that could not be factored does not stop the others, but the
// status says one failed.
constexpr exit_code exit_code_for_factor(std::size_t failed_numbers) noexcept {
  return failed_numbers == 0 ? exit_code::ok : exit_code::failure;
}

} // namespace factord::config
