// Turns argv, the environment and an optional config file into a command and settings.
#pragma once

#include "config/errc.hpp"
#include "config/options.hpp"
#include "config/result.hpp"

#include <functional>
#include <string>
#include <vector>

namespace factord::config {

struct command_line {
  std::string command;           // "serve", "factor", ...; empty when none was given
  std::vector<std::string> args; // positional arguments after the command
  settings values;
  bool help = false;
  bool version = false;
};

// Looks up an environment variable; returns nullptr when unset.
using env_lookup = std::function<const char*(const char*)>;

// args excludes the program name. Precedence: command line > environment > file > default.
// The file comes from --config FILE or FACTORD_CONFIG. A failure's message says what is
// wrong and how to fix it; the first one found stops loading.
result<command_line, errc> load(const std::vector<std::string>& args, const env_lookup& env);

// Applies `name = value` lines (with # or ; comments) to `s`; `origin` names the source in
// error messages.
result<void, errc> apply_config_text(settings& s, const std::string& text, const std::string& origin);

// The --help text: commands, then every option with its default and environment name.
std::string help_text();

} // namespace factord::config
