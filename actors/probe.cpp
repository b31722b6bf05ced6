#include "actors/probe.hpp"

#include <cmath>
#include <cstdio>

namespace factord::actors {

std::atomic<bool> sampling_enabled{false};

probe_sample make_sample(const probe& p, std::uint64_t mailbox) {
  probe_sample s;
  s.mailbox = mailbox;
  s.handled = p.handled;
  s.busy_ns = p.busy_ns;
  s.last_message = p.last_message;
  return s;
}

probe_sample& probe_sample::number(std::string key, double value) {
  char buf[32];
  if (!std::isfinite(value)) return null(std::move(key));
  std::snprintf(buf, sizeof buf, "%.6g", value);
  fields.emplace_back(std::move(key), buf);
  return *this;
}

probe_sample& probe_sample::number(std::string key, std::uint64_t value) {
  fields.emplace_back(std::move(key), std::to_string(value));
  return *this;
}

probe_sample& probe_sample::text(std::string key, std::string_view value) {
  fields.emplace_back(std::move(key), json_string(value));
  return *this;
}

probe_sample& probe_sample::null(std::string key) {
  fields.emplace_back(std::move(key), "null");
  return *this;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      // Copy a well-formed UTF-8 sequence; replace anything else.
      std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
      bool ok = len > 0 && i + len <= s.size() && c < 0xF5 && c != 0xC0 && c != 0xC1;
      for (std::size_t k = 1; ok && k < len; ++k)
        ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      if (ok) {
        out.append(s.substr(i, len));
        i += len - 1;
      } else {
        out += "\xEF\xBF\xBD";
      }
    }
  }
  return out + "\"";
}

} // namespace factord::actors
