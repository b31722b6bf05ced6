// caller-queue: the FIFO of one caller's waiting jobs. The dispatcher spawns it on the
// caller's first job and closes it when the dispatcher's count of its jobs reaches zero.
//
// Messages in (all from the dispatcher):
//   (push_atom, job_ticket)     append a job
//   (dispatch_atom, worker, cancel_handle)   send the head job with the handle to `worker`;
//                               if empty, answer qempty
//   (cancel_atom, request_id)   drop that job if still waiting; answer removed
//   (close_atom)                quit
//   (probe_atom) -> probe_sample  (from the console)
// Messages out (to the dispatcher): (qempty_atom, worker), (removed_atom, caller)
#pragma once

#include "actors/protocol/job.hpp"
#include "actors/protocol/job_messages.hpp"
#include "actors/protocol/probe.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <deque>
#include <string>

namespace factord::actors {

struct caller_queue_state {
  std::deque<job_ticket> waiting;
  std::uint64_t handed_out = 0;
  probe counters;
  static inline const char* name = "caller-queue";
};

caf::behavior caller_queue(caf::stateful_actor<caller_queue_state>* self, const std::string& caller,
                           const caf::actor& dispatcher);

} // namespace factord::actors
