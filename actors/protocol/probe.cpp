#include "actors/protocol/probe.hpp"

#include "actors/protocol/atoms.hpp"
#include "config/text.hpp"

#include <caf/send.hpp>

#include <cmath>
#include <cstdio>

namespace factord::actors {

std::atomic<bool> sampling_enabled{false};

void register_actor(const caf::actor& console, const caf::actor& who, std::string kind, caf::actor_id parent,
                    std::string role) {
  if (console && who)
    caf::anon_send(console, register_atom::value, who, std::move(kind), parent, std::move(role));
}

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
  fields.emplace_back(std::move(key), config::json_quote(value));
  return *this;
}

probe_sample& probe_sample::null(std::string key) {
  fields.emplace_back(std::move(key), "null");
  return *this;
}

} // namespace factord::actors
