// Per-actor probes for the inspection console (CAF 0.17 has no actor profiler, and only an
// actor may read its own mailbox, so each actor reports on itself).
//
// An actor keeps a `probe` in its state and opens a `probe_scope` at the top of each
// handler: a counter increment, plus a clock read on entry and exit only while a console
// viewer is connected (`sampling_enabled`), so probes cost nothing measurable otherwise.
// On (probe_atom) the actor answers a `probe_sample` with its mailbox depth and a few
// kind-specific fields.
#pragma once

#include "actors/protocol/atoms.hpp"

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace factord::actors {

// Raised by the console while at least one viewer is connected.
extern std::atomic<bool> sampling_enabled;

struct probe {
  std::uint64_t handled = 0;
  std::uint64_t busy_ns = 0;
  const char* last_message = "";
};

class probe_scope {
public:
  probe_scope(probe& p, const char* message) : probe_(p) {
    ++p.handled;
    p.last_message = message;
    if (sampling_enabled.load(std::memory_order_relaxed)) start_ = clock::now();
  }
  ~probe_scope() {
    if (start_ != clock::time_point{})
      probe_.busy_ns += static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start_).count());
  }
  probe_scope(const probe_scope&) = delete;
  probe_scope& operator=(const probe_scope&) = delete;

private:
  using clock = std::chrono::steady_clock;
  probe& probe_;
  clock::time_point start_{};
};

struct probe_sample {
  std::uint64_t mailbox = 0;
  std::uint64_t handled = 0;
  std::uint64_t busy_ns = 0;
  std::string last_message;
  // Kind-specific state, values already rendered as JSON literals (config::json_quote for text).
  std::vector<std::pair<std::string, std::string>> fields;

  probe_sample& number(std::string key, double value);
  probe_sample& number(std::string key, std::uint64_t value);
  probe_sample& text(std::string key, std::string_view value);
  probe_sample& null(std::string key);
};

// Tells the console about a new actor so it can watch it (fire and forget, safe from any
// thread; a null console is ignored). `parent` 0 = none. The console is the only actor
// directory CAF 0.17 can have: it cannot list live actors itself.
void register_actor(const caf::actor& console, const caf::actor& who, std::string kind, caf::actor_id parent,
                    std::string role);
// A typed actor (the job-registry, a kafka-bridge) is watched the same way. The console
// probes what it watches, so the type must answer (probe_atom) (checked when compiled).
template <class... Sigs>
void register_actor(const caf::actor& console, const caf::typed_actor<Sigs...>& who, std::string kind,
                    caf::actor_id parent, std::string role) {
  caf::typed_actor<caf::replies_to<probe_atom>::with<probe_sample>> probed = who;
  register_actor(console, caf::actor_cast<caf::actor>(probed), std::move(kind), parent, std::move(role));
}

// Fills the common part of a sample from a probe and the actor's mailbox depth.
probe_sample make_sample(const probe& p, std::uint64_t mailbox);

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::probe_sample)
