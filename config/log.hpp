// Structured log lines on stderr, as text (`ts level event key=value ...`) or JSON (one
// object per line). Jobs are correlated by their `request_id` field.
#pragma once

#include "config/options.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace factord::logging {

using level = config::log_level;

struct field {
  std::string_view key;
  std::string value;
};

// Call once at start; before it, lines are text at info level.
void init(config::log_format format, level min_level = level::info);

// Thread-safe; each line is written with a single write so lines never interleave.
void write(level lvl, std::string_view event, std::initializer_list<field> fields);

// Renders one line without writing it (for tests).
std::string format_line(config::log_format format, level lvl, std::string_view event,
                        std::initializer_list<field> fields, std::string_view timestamp);

inline void debug(std::string_view event, std::initializer_list<field> f = {}) {
  write(level::debug, event, f);
}
inline void info(std::string_view event, std::initializer_list<field> f = {}) {
  write(level::info, event, f);
}
inline void warn(std::string_view event, std::initializer_list<field> f = {}) {
  write(level::warn, event, f);
}
inline void error(std::string_view event, std::initializer_list<field> f = {}) {
  write(level::error, event, f);
}

} // namespace factord::logging
