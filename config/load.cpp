#include "config/load.hpp"

#include <fstream>
#include <sstream>

namespace factord::config {

namespace {

std::string trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

result<void, errc> apply(settings& s, std::string_view name, std::string_view value,
                         const std::string& origin) {
  const option_spec* spec = find_option(name);
  if (spec == nullptr)
    return fail(errc::unknown_option,
                origin + ": unknown option '" + std::string(name) + "'. Hint: factord --help lists them");
  auto assigned = spec->assign(s, value);
  if (!assigned)
    return fail(assigned.code(), origin + ": bad value for " + std::string(name) + ": " + assigned.message());
  return {};
}

} // namespace

result<void, errc> apply_config_text(settings& s, const std::string& text, const std::string& origin) {
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string content = trim(line.substr(0, line.find_first_of("#;")));
    if (content.empty()) continue;
    auto eq = content.find('=');
    std::string where = origin + " line " + std::to_string(number);
    if (eq == std::string::npos)
      return fail(errc::malformed_line,
                  where.append(": expected 'name = value', got '").append(content).append("'"));
    std::string name = trim(std::string_view(content).substr(0, eq));
    std::string value = trim(std::string_view(content).substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (auto applied = apply(s, name, value, where); !applied) return applied;
  }
  return {};
}

result<command_line, errc> load(const std::vector<std::string>& args, const env_lookup& env) {
  command_line cmd;
  // Pass 1: split options from positionals; remember the config file.
  std::vector<std::pair<std::string, std::string>> cli_options;
  std::string config_file;
  if (const char* f = env("FACTORD_CONFIG")) config_file = f;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-' || arg == "-") {
      if (cmd.command.empty() && !options_done)
        cmd.command = arg;
      else
        cmd.args.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      cmd.help = true;
      continue;
    }
    if (arg == "--version") {
      cmd.version = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0)
      return fail(errc::unknown_option,
                  "unknown option '" + arg + "'. Hint: options are spelled --name=value");
    std::string name = arg.substr(2);
    std::string value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return fail(errc::missing_value, "option --" + name + " needs a value");
    }
    if (name == "config")
      config_file = value;
    else
      cli_options.emplace_back(name, value);
  }
  // Pass 2: file, then environment, then command line.
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in)
      return fail(errc::unreadable_file,
                  "cannot read config file '" + config_file + "'. Hint: check the path given to --config");
    std::stringstream text;
    text << in.rdbuf();
    if (auto applied = apply_config_text(cmd.values, text.str(), config_file); !applied)
      return applied.error();
  }
  if (const char* kafka = env("KAFKA_BOOTSTRAP_SERVERS")) {
    if (auto applied = apply(cmd.values, "kafka", kafka, "KAFKA_BOOTSTRAP_SERVERS"); !applied)
      return applied.error();
  }
  for (const auto& spec : option_table()) {
    std::string var = env_name(spec.name);
    if (const char* value = env(var.c_str())) {
      if (auto applied = apply(cmd.values, spec.name, value, "environment " + var); !applied)
        return applied.error();
    }
  }
  for (const auto& [name, value] : cli_options) {
    if (auto applied = apply(cmd.values, name, value, "--" + name); !applied) return applied.error();
  }
  return cmd;
}

std::string help_text() {
  std::ostringstream out;
  settings defaults;
  out << "usage: factord COMMAND [OPTIONS] [ARGS]\n\n"
         "commands:\n"
         "  serve            run the job server: HTTP, WebSocket, scheduler, workers and a\n"
         "                   durable journal in one process\n"
         "  gateway          cluster role: HTTP, WebSocket and console; jobs go to Kafka\n"
         "                   (--kafka), results come back from it\n"
         "  worker           cluster role: consumes jobs from Kafka, factors them fairly\n"
         "                   across callers, publishes the results\n"
         "  factor [N ...]   factor the arguments, or numbers read one per line from stdin;\n"
         "                   prints 'N: p1 p2 ...' (coreutils factor format)\n"
         "  keys add CALLER [admin]\n"
         "                   make an API key for CALLER: appends its SHA-256 to the file of\n"
         "                   --auth-keys and prints the key once (admin: may see every job\n"
         "                   and the console)\n\n"
         "options (also FACTORD_<NAME> in the environment, or 'name = value' in --config FILE):\n";
  for (const auto& spec : option_table()) {
    std::string flag = "  --" + std::string(spec.name) + " " + std::string(spec.value_hint);
    out << flag << "\n      " << spec.help << "\n      default: '" << spec.show(defaults)
        << "', env: " << env_name(spec.name) << "\n";
  }
  out << "  --config FILE\n      Read options from FILE (also FACTORD_CONFIG).\n"
         "  --help, --version\n";
  return out.str();
}

} // namespace factord::config
