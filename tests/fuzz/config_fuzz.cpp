// The config file parser (`name = value` lines, --config) and the command line: any text is
// applied or refused with a message naming where the bad value came from.
#include "config/load.hpp"
#include "config/options.hpp"
#include "fuzz_support.hpp"

#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace factord;
  const std::string text(fuzz::as_text(data, size));
  config::settings s;
  auto applied = config::apply_config_text(s, text, "fuzz.conf");
  fuzz::require(applied.ok() || applied.message().find("fuzz.conf") != std::string::npos,
                "a refused config file names itself");
  // The same bytes as a command line, split at whitespace.
  std::vector<std::string> args{"serve"};
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!word.empty()) args.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) args.push_back(word);
  auto loaded = config::load(args, [](const char*) -> const char* { return nullptr; });
  fuzz::require(loaded.ok() || !loaded.message().empty(), "a refused command line says why");
  return 0;
}
