#include "config/result.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

namespace {

enum class errc { bad_input, unavailable };

factord::result<int, errc> half(int n) {
  if (n % 2 != 0) return factord::fail(errc::bad_input, std::to_string(n) + " is odd; pass an even number");
  return n / 2;
}

} // namespace

TEST_CASE("a result holds the value or the failure, never both", "[config][result]") {
  auto ok = half(8);
  REQUIRE(ok.ok());
  CHECK(static_cast<bool>(ok));
  CHECK(*ok == 4);
  auto bad = half(7);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.code() == errc::bad_input);
  CHECK(bad.message() == "7 is odd; pass an even number");
  CHECK_THROWS(bad.value()); // reading the value of a failure is a bug, caught loudly
}

TEST_CASE("a result of void is ok unless it carries a failure", "[config][result]") {
  factord::result<void, errc> fine;
  CHECK(fine.ok());
  factord::result<void, errc> down = factord::fail(errc::unavailable, "the journal is not writable");
  CHECK_FALSE(down.ok());
  CHECK(down.code() == errc::unavailable);
}

TEST_CASE("a result moves a value that cannot be copied", "[config][result]") {
  factord::result<std::unique_ptr<int>, errc> r = std::make_unique<int>(5);
  auto owned = std::move(r).value();
  REQUIRE(owned);
  CHECK(*owned == 5);
}
