#include "factor/factor_command.hpp"

#include "factor/engine.hpp"
#include "factor/parse.hpp"

#include <istream>
#include <ostream>

namespace factord::factor {

namespace {

void print_list(std::ostream& out, const std::vector<mpz_class>& values) {
  for (const auto& v : values) out << ' ' << v.get_str();
}

// Returns false when the number could not be (completely) factored.
bool factor_one(const std::string& text, std::ostream& out, std::ostream& err,
                const factor_command_options& opts) {
  parsed_number parsed = parse_number(text, opts.max_digits);
  if (!parsed.ok()) {
    err << "factord: " << parsed.message << std::endl;
    return false;
  }
  options engine_opts;
  engine_opts.budget = opts.budget;
  factorization result = factorize(parsed.value, engine_opts);
  std::string n = parsed.value.get_str();
  if (!result.ok()) {
    err << "factord: " << n << ": " << result.message << " (option --job-budget); primes found:";
    print_list(err, result.factors);
    err << "; unfactored:";
    print_list(err, result.unfactored);
    err << std::endl;
    return false;
  }
  out << n << ':';
  print_list(out, result.factors);
  out << '\n' << std::flush; // one line per number as soon as it is known
  return true;
}

bool blank(const std::string& line) { return line.find_first_not_of(" \t\r\n\v\f") == std::string::npos; }

} // namespace

factor_command_summary run_factor_command(const std::vector<std::string>& args, std::istream& in,
                                          std::ostream& out, std::ostream& err,
                                          const factor_command_options& opts) {
  factor_command_summary summary;
  auto count = [&summary](bool factored) {
    if (factored)
      ++summary.factored;
    else
      ++summary.failed;
  };
  if (!args.empty()) {
    for (const auto& arg : args) count(factor_one(arg, out, err, opts));
  } else {
    // Blank lines separate nothing and are skipped, as coreutils factor does.
    for (std::string line; std::getline(in, line);)
      if (!blank(line)) count(factor_one(line, out, err, opts));
  }
  return summary;
}

} // namespace factord::factor
