#include "config/log.hpp"

#include "config/text.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace factord::logging {

namespace {

std::atomic<config::log_format> current_format{config::log_format::text};
std::atomic<level> current_min{level::info};

std::string_view name(level lvl) {
  switch (lvl) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view s) { out += config::json_quote(s); }

// Text values with spaces, quotes or control characters are quoted so lines stay parseable.
void append_text_value(std::string& out, std::string_view s) {
  bool plain = !s.empty();
  for (char c : s)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) plain = false;
  if (plain)
    out += s;
  else
    append_json_string(out, s);
}

} // namespace

void init(config::log_format format, level min_level) {
  current_format = format;
  current_min = min_level;
}

std::string format_line(config::log_format format, level lvl, std::string_view event,
                        std::initializer_list<field> fields, std::string_view timestamp) {
  std::string line;
  if (format == config::log_format::json) {
    line += "{\"ts\":";
    append_json_string(line, timestamp);
    line += ",\"level\":";
    append_json_string(line, name(lvl));
    line += ",\"event\":";
    append_json_string(line, event);
    for (const auto& f : fields) {
      line += ',';
      append_json_string(line, f.key);
      line += ':';
      append_json_string(line, f.value);
    }
    line += "}\n";
  } else {
    line.append(timestamp).append(" ").append(name(lvl)).append(" ").append(event);
    for (const auto& f : fields) {
      line.append(" ").append(f.key).append("=");
      append_text_value(line, f.value);
    }
    line += '\n';
  }
  return line;
}

void write(level lvl, std::string_view event, std::initializer_list<field> fields) {
  if (lvl < current_min.load(std::memory_order_relaxed)) return;
  std::string line = format_line(current_format.load(std::memory_order_relaxed), lvl, event, fields,
                                 config::rfc3339(config::unix_millis_now()));
  // One write(2) per line: atomic with respect to other lines on a pipe or file.
  auto written = ::write(STDERR_FILENO, line.data(), line.size());
  (void)written;
}

} // namespace factord::logging
