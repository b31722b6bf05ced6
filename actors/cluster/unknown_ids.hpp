// The gateway's GETs and DELETEs for request ids it has not read from the topics yet, and
// when each is answered. Usually such an id is a job another gateway accepted a moment
// ago, and its record comes with the next fetch: so a lookup first waits for the next
// records (up to `records_wait`), and only what is still unknown then is looked up after a
// sync barrier (the consumer reads up to the topics' current end). That way an accepted id
// never answers 404, and the broker is not asked once per GET.
//
// Another caller's job is treated exactly as an id not read yet: `known` says whether the
// lookup's requester may see the job (job_book::find_for), so a GET for someone else's job
// waits for the same records and sync and ends in the same 404 as an id nobody accepted.
// Answering it at once would tell, by the time it takes, that the id exists.
//
// A plain class so it is tested alone: the kafka-bridge arms the timer, asks its consumer
// for the sync and answers the requests as each `step` says. `Promise` answers a request
// (a job_promise in the bridge, a plain value in tests); it is only carried.
#pragma once

#include "actors/protocol/api.hpp"
#include "config/limits.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace factord::actors {

enum class lookup_answer {
  fetch,             // the id is known now: answer the GET as for any known job
  cancel,            // the id is known now: start the DELETE as for any known job
  not_found,         // a sync read the topics to their end without it: 404
  kafka_unavailable, // the sync failed, or Kafka is down: nobody can tell yet, 503
};

template <class Promise>
class unknown_ids {
public:
  // Long enough for the reader's next fetch to bring a just-accepted job, short enough
  // that a GET for an id that really is unknown still answers quickly.
  static constexpr std::chrono::milliseconds records_wait = config::limits::unknown_id_grace;

  struct lookup {
    std::string id;
    std::chrono::nanoseconds wait{0}; // the GET's long-poll, for when the id is known
    Promise promise;
    bool cancel = false; // a DELETE
    requester who;       // who asks: decides whether a job it finds counts as known
  };
  struct answer {
    lookup request;
    lookup_answer how;
  };
  // What the bridge does after each call, in this order.
  struct step {
    std::vector<answer> answers; // in the order the lookups arrived
    bool arm_timer = false;      // call on_timer() in records_wait
    std::uint64_t sync = 0;      // not 0: ask for a sync barrier with this token
  };
  // Whether the gateway has read (or accepted) a job with the lookup's id that the lookup's
  // requester may see.
  using known_fn = std::function<bool(const lookup&)>;

  // A GET or DELETE for an id not known. `kafka_down`: Kafka is unreachable and the
  // gateway had caught up with the topics (before that, Kafka is just not connected yet
  // and lookups wait). Then nothing can be looked up: this lookup fails at once, and so do
  // those waiting on the running sync: with Kafka down its answer is not worth waiting for.
  step add(lookup l, bool kafka_down, const known_fn& known) {
    step s;
    if (kafka_down) {
      in_sync_.push_back(std::move(l));
      settle(std::exchange(in_sync_, {}), false, known, s);
      return s;
    }
    recent_.push_back(std::move(l));
    if (!timer_armed_) timer_armed_ = s.arm_timer = true;
    return s;
  }

  // New records were read: answers the lookups waiting for them whose id is known now.
  step on_records(const known_fn& known) {
    step s;
    answer_known_recent(known, s);
    return s;
  }

  // The short wait is over: what is still unknown needs a sync. One sync at a time, so
  // lookups arriving while one runs wait for the next (the running one may have been
  // asked before their job was written).
  step on_timer(const known_fn& known) {
    step s;
    timer_armed_ = false;
    answer_known_recent(known, s);
    if (recent_.empty()) return s;
    auto& into = sync_running_ ? next_sync_ : in_sync_;
    for (auto& l : recent_) into.push_back(std::move(l));
    recent_.clear();
    if (!sync_running_) s.sync = start_sync();
    return s;
  }

  // The consumer's answer to sync `token`. After a successful sync every id the topics held
  // when it was asked is known, so the rest are not found; after a failed one nobody knows.
  step on_synced(std::uint64_t token, bool ok, const known_fn& known) {
    step s;
    if (token == 0 || token != sync_token_) return s; // 0 is the caught-up signal; older: stale
    sync_running_ = false;
    settle(std::exchange(in_sync_, {}), ok, known, s);
    if (!next_sync_.empty()) {
      in_sync_ = std::exchange(next_sync_, {});
      s.sync = start_sync();
    }
    return s;
  }

  // Lookups not answered yet, in all three stages.
  std::size_t pending() const { return recent_.size() + in_sync_.size() + next_sync_.size(); }

private:
  std::uint64_t start_sync() {
    sync_running_ = true;
    return ++sync_token_;
  }

  void answer_known_recent(const known_fn& known, step& s) {
    if (recent_.empty()) return;
    std::vector<lookup> still;
    for (auto& l : recent_) {
      if (known(l))
        s.answers.push_back(known_answer(std::move(l)));
      else
        still.push_back(std::move(l));
    }
    recent_ = std::move(still);
  }

  static void settle(std::vector<lookup> lookups, bool synced, const known_fn& known, step& s) {
    for (auto& l : lookups) {
      if (known(l))
        s.answers.push_back(known_answer(std::move(l)));
      else
        s.answers.push_back(
            {std::move(l), synced ? lookup_answer::not_found : lookup_answer::kafka_unavailable});
    }
  }

  static answer known_answer(lookup l) {
    auto how = l.cancel ? lookup_answer::cancel : lookup_answer::fetch;
    return {std::move(l), how};
  }

  std::vector<lookup> recent_;    // waiting for the next records or the timer
  std::vector<lookup> in_sync_;   // answered when the running sync is
  std::vector<lookup> next_sync_; // arrived while a sync was running: the next one
  bool timer_armed_ = false;
  bool sync_running_ = false;
  std::uint64_t sync_token_ = 0; // of the last sync asked for
};

} // namespace factord::actors
