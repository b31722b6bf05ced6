// factord: one binary, several roles (API.md "Processes"). main only wires: it loads the
// settings and hands them to the command.
#include "config/load.hpp"
#include "factor/factor_command.hpp"

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* version = "factord 0.1.0";

int run_factor(const factord::config::command_line& cmd) {
  factord::factor::factor_command_options opts;
  opts.max_digits = cmd.values.max_digits;
  opts.budget = cmd.values.job_budget;
  std::ios::sync_with_stdio(false);
  return factord::factor::run_factor_command(cmd.args, std::cin, std::cout, std::cerr, opts);
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto loaded = factord::config::load(args, [](const char* name) { return std::getenv(name); });
  if (!loaded.ok()) {
    std::cerr << "factord: " << loaded.error << "\n";
    return 2;
  }
  const auto& cmd = loaded.cmd;
  if (cmd.version) {
    std::cout << version << "\n";
    return 0;
  }
  if (cmd.help || cmd.command.empty() || cmd.command == "help") {
    (cmd.help ? std::cout : std::cerr) << factord::config::help_text();
    return cmd.help ? 0 : 2;
  }
  if (cmd.command == "factor") return run_factor(cmd);
  std::cerr << "factord: unknown command '" << cmd.command
            << "'. Hint: factord --help lists the commands this build has\n";
  return 2;
}
