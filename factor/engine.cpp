#include "factor/engine.hpp"

#include "factor/bpsw.hpp"
#include "factor/factor64.hpp"
#include "factor/parse.hpp"
#include "factor/perfect_power.hpp"
#include "factor/split.hpp"
#include "factor/stop.hpp"
#include "factor/trial.hpp"

#include <algorithm>
#include <utility>

namespace factord::factor {

std::string_view to_string(method m) noexcept {
  switch (m) {
    case method::none: return "none";
    case method::trial: return "trial";
    case method::u64: return "u64";
    case method::fermat: return "fermat";
    case method::rho: return "rho";
    case method::ecm: return "ecm";
    case method::siqs: return "siqs";
  }
  return "unknown";
}

namespace {

// A part of the number still to be factored, standing `multiplicity` times in it.
struct part {
  mpz_class value;
  unsigned multiplicity;
  bool trial_divided = false; // parts split off a larger one have no small primes left
};

void add_prime(factorization& out, const mpz_class& p, unsigned multiplicity) {
  for (unsigned i = 0; i < multiplicity; ++i) out.factors.push_back(p);
}

void note_method(factorization& out, method m) { out.hardest = std::max(out.hardest, m); }

void stop_early(factorization& out, std::vector<part>& pending, const part& current, errc reason) {
  out.error = reason;
  out.message = reason == errc::cancelled ? "factoring was cancelled before it finished"
                                          : "factoring exceeded its compute budget before it finished";
  for (unsigned i = 0; i < current.multiplicity; ++i) out.unfactored.push_back(current.value);
  for (const auto& rest : pending)
    for (unsigned i = 0; i < rest.multiplicity; ++i) out.unfactored.push_back(rest.value);
  pending.clear();
}

} // namespace

factorization factorize(const mpz_class& n, const options& opts) {
  factorization out;
  if (n < 1) {
    out.error = errc::not_positive;
    out.message = "only positive integers have a prime factorization";
    return out;
  }
  stop_token stop(opts.stop_requested, opts.budget);
  std::vector<part> pending;
  if (n > 1) pending.push_back({n, 1});

  while (!pending.empty()) {
    part current = std::move(pending.back());
    pending.pop_back();
    mpz_class& m = current.value;

    if (mpz_fits_ulong_p(m.get_mpz_t())) {
      std::vector<std::uint64_t> primes;
      std::uint64_t left = factor_u64(mpz_get_ui(m.get_mpz_t()), stop, primes);
      for (auto p : primes) add_prime(out, mpz_class(static_cast<unsigned long>(p)), current.multiplicity);
      if (primes.size() > 1) note_method(out, method::u64);
      if (left > 1) {
        stop_early(out, pending, {mpz_class(static_cast<unsigned long>(left)), current.multiplicity},
                   stop.reason());
        break;
      }
      continue;
    }

    if (!current.trial_divided) {
      std::vector<mpz_class> small;
      trial_divide(m, 65535, small);
      current.trial_divided = true;
      if (!small.empty()) note_method(out, method::trial);
      for (const auto& p : small) add_prime(out, p, current.multiplicity);
      if (m == 1) continue;
      if (!small.empty()) { // what is left may now fit the 64-bit path
        pending.push_back(std::move(current));
        continue;
      }
    }
    // Both poll `stop`; a false or 1 after it fired is no answer.
    const bool prime = is_probable_prime(m, stop);
    if (stop.reason() != errc::ok) {
      stop_early(out, pending, current, stop.reason());
      break;
    }
    if (prime) {
      add_prime(out, m, current.multiplicity);
      continue;
    }
    mpz_class root;
    const unsigned k = perfect_power(m, root, stop);
    if (stop.reason() != errc::ok) {
      stop_early(out, pending, current, stop.reason());
      break;
    }
    if (k > 1) {
      pending.push_back({root, current.multiplicity * k, true});
      continue;
    }
    method used = method::none;
    mpz_class f = split_composite(m, stop, used);
    if (f == 0) {
      stop_early(out, pending, current, stop.reason());
      break;
    }
    note_method(out, used);
    mpz_class cofactor = m / f;
    pending.push_back({std::move(f), current.multiplicity, true});
    pending.push_back({std::move(cofactor), current.multiplicity, true});
  }
  std::sort(out.factors.begin(), out.factors.end());
  return out;
}

factorization factorize(std::string_view text, std::size_t max_digits, const options& opts) {
  parsed_number parsed = parse_number(text, max_digits);
  if (!parsed.ok()) {
    factorization out;
    out.error = parsed.error;
    out.message = std::move(parsed.message);
    return out;
  }
  return factorize(parsed.value, opts);
}

} // namespace factord::factor
