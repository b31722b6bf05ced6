// Turns argv, the environment and an optional config file into a command and settings.
#pragma once

#include "config/options.hpp"

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

struct load_result {
  command_line cmd;
  std::string error; // empty on success; otherwise what is wrong and how to fix it
  bool ok() const { return error.empty(); }
};

// Looks up an environment variable; returns nullptr when unset.
using env_lookup = std::function<const char*(const char*)>;

// args excludes the program name. Precedence: command line > environment > file > default.
// The file comes from --config FILE or FACTORD_CONFIG.
load_result load(const std::vector<std::string>& args, const env_lookup& env);

// Applies `name = value` lines (with # or ; comments) to `s`; `origin` names the source in
// error messages. Returns an empty string on success.
std::string apply_config_text(settings& s, const std::string& text, const std::string& origin);

// The --help text: commands, then every option with its default and environment name.
std::string help_text();

} // namespace factord::config
