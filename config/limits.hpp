// Fixed timings and bounds that are not options: each named once, with why it is what it
// is. Everything a user may want to change is an option (options.hpp) instead.
#pragma once

#include <chrono>
#include <cstddef>

namespace factord::config::limits {

using namespace std::chrono_literals;

// How often finished jobs past --retention are forgotten (memory, journal).
inline constexpr std::chrono::milliseconds purge_interval = 1min;

// Gateway: an id it has not read yet is usually a job another gateway accepted a moment
// ago; its record tends to arrive with the next fetch, so wait this long before asking the
// broker for the topics' end (a sync).
inline constexpr std::chrono::milliseconds unknown_id_grace = 100ms;

// Gateway: how long a DELETE waits for the worker's cancelled result before answering
// with the job as it is then.
inline constexpr std::chrono::milliseconds cancel_answer_wait = 5s;

// Worker bridge: its timer; a job that has run this long gets its running record (with the
// attempt count) published, and offsets are committed every commit_ticks ticks.
inline constexpr std::chrono::milliseconds worker_tick = 50ms;
inline constexpr unsigned commit_ticks = 4;

// A result or attempt record the producer refused at once is tried again after this.
inline constexpr std::chrono::milliseconds republish_delay = 1s;

// Per-caller service (worker time, jobs done) kept for the console; the least recently
// served beyond this are forgotten, since caller ids come from clients.
inline constexpr std::size_t max_served_callers = 1000;

} // namespace factord::config::limits
