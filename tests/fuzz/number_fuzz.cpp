// The number parser (API.md: whitespace, '+', digits, at most --max-digits), and for what it
// accepts up to 24 digits, the engine: the factors are primes, ascending, and multiply to n.
#include "factor/engine.hpp"
#include "factor/parse.hpp"
#include "fuzz_support.hpp"

#include <chrono>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace factord;
  const auto text = fuzz::as_text(data, size);
  auto parsed = factor::parse_number(text, 300);
  if (!parsed.ok()) {
    fuzz::require(!parsed.message.empty(), "a refused number has a message");
    return 0;
  }
  fuzz::require(parsed.value >= 0, "a parsed number is not negative");
  fuzz::require(mpz_sizeinbase(parsed.value.get_mpz_t(), 10) <= 301, "at most --max-digits digits");
  if (parsed.value < 1 || mpz_sizeinbase(parsed.value.get_mpz_t(), 10) > 24) return 0;
  factor::options opts;
  opts.budget = std::chrono::seconds(5);
  auto result = factor::factorize(parsed.value, opts);
  fuzz::require(result.ok(), "a number of at most 24 digits is factored within 5 s");
  mpz_class product = 1;
  for (std::size_t i = 0; i < result.factors.size(); ++i) {
    fuzz::require(mpz_probab_prime_p(result.factors[i].get_mpz_t(), 30) > 0, "every factor is prime");
    fuzz::require(i == 0 || result.factors[i - 1] <= result.factors[i], "factors ascend");
    product *= result.factors[i];
  }
  fuzz::require(product == parsed.value, "the factors multiply to n");
  return 0;
}
