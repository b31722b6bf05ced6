#include "factor/factor_command.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using factord::factor::factor_command_options;
using factord::factor::run_factor_command;

TEST_CASE("factor command counts what it answered and what failed", "[factor][command]") {
  std::istringstream in("12\nabc\n\n-5\n15\n");
  std::ostringstream out, err;
  auto summary = run_factor_command({}, in, out, err, factor_command_options{});
  CHECK(out.str() == "12: 2 2 3\n15: 3 5\n");
  CHECK(summary.factored == 2);
  CHECK(summary.failed == 2); // abc and -5; the blank line is skipped, not counted
  CHECK(err.str().find("factord: ") == 0);
}

TEST_CASE("factor command reads arguments instead of input when given some", "[factor][command]") {
  std::istringstream in("91\n");
  std::ostringstream out, err;
  auto summary = run_factor_command({"16", ""}, in, out, err, factor_command_options{});
  CHECK(out.str() == "16: 2 2 2 2\n");
  CHECK(summary.factored == 1);
  CHECK(summary.failed == 1); // an empty argument is an error, unlike a blank line
}
