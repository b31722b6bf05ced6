#include "config/exit_codes.hpp"
#include "config/load.hpp"

#include <catch2/catch.hpp>

using factord::config::errc;
using factord::config::exit_code;
using factord::config::exit_code_for;
using factord::config::exit_code_for_factor;

namespace {

enum class journal_errc { unavailable }; // stands in for another module's errc

int status(exit_code code) { return static_cast<int>(code); }

} // namespace

TEST_CASE("exit statuses are the numbers scripts branch on", "[config][exit]") {
  // README "Exit codes" and tests/cli/factor_command.sh rely on these values.
  CHECK(status(exit_code::ok) == 0);
  CHECK(status(exit_code::failure) == 1);
  CHECK(status(exit_code::usage) == 2);
}

TEST_CASE("every config error is a usage error", "[config][exit]") {
  for (errc e : {errc::unknown_option, errc::missing_value, errc::bad_value, errc::unreadable_file,
                 errc::malformed_line})
    CHECK(exit_code_for(e) == exit_code::usage);
  auto loaded = factord::config::load({"serve", "--port=http"}, [](const char*) { return nullptr; });
  REQUIRE_FALSE(loaded.ok());
  CHECK(exit_code_for(loaded.code()) == exit_code::usage);
}

TEST_CASE("another module's error is a failed run, not a usage error", "[config][exit]") {
  CHECK(exit_code_for(journal_errc::unavailable) == exit_code::failure);
}

TEST_CASE("factord factor fails when any number failed", "[config][exit]") {
  CHECK(exit_code_for_factor(0) == exit_code::ok);
  CHECK(exit_code_for_factor(1) == exit_code::failure);
  CHECK(exit_code_for_factor(1000) == exit_code::failure);
}
