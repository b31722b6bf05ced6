#include "actors/registry/job_registry_ops.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/replies.hpp"
#include "config/limits.hpp"
#include "config/log.hpp"

#include <algorithm>

namespace factord::actors::registry_ops {

bool durable(const registry_state& st, const std::string& id) { return st.dirty_set.count(id) == 0; }

void reply_when_durable(self_ptr self, caf::response_promise rp, const std::string& id) {
  auto& st = self->state;
  if (durable(st, id)) {
    const auto* e = st.book.find(id);
    rp.deliver(e ? ok_reply(e->value) : unknown_id_reply(id));
    return;
  }
  st.unacked.push_back({registry_state::pending_ack::kind::reply, std::move(rp), {}, {id}, {}});
  schedule_flush(self);
}

job_book::waker answer(self_ptr self, job_promise rp) {
  return [self, rp](const job& j) mutable { reply_when_durable(self, rp, j.request_id); };
}

void tell_when_durable(self_ptr self, const caf::actor& session, const std::string& id) {
  auto& st = self->state;
  if (durable(st, id)) {
    // anon_send: CAF 0.17 lets a typed actor send() only to typed actors. The session does
    // not look at the sender.
    if (const auto* e = st.book.find(id)) self->anon_send(session, jobdone_atom::value, e->value);
    return;
  }
  st.unacked.push_back({registry_state::pending_ack::kind::watch, {}, session, {id}, {}});
  schedule_flush(self);
}

job_book::waker tell(self_ptr self, const caf::actor& session) {
  return [self, session](const job& j) { tell_when_durable(self, session, j.request_id); };
}

void schedule_flush(self_ptr self) {
  // After a failed commit the flag stays set while the retry waits on its timer: requests
  // then do not each try the broken journal again.
  if (self->state.flush_scheduled) return;
  self->state.flush_scheduled = true;
  // Lands behind everything already in the mailbox: one commit covers all of it.
  self->send(self, flush_atom::value);
}

void persist(self_ptr self, const std::string& id) {
  // Written at the next flush, in its state then: a job accepted, started and finished
  // between two commits costs one journal write instead of three.
  if (self->state.dirty_set.insert(id).second) self->state.dirty.push_back(id);
  schedule_flush(self);
}

std::optional<api_error> admit(registry_state& st, const std::string& caller, const std::string& text,
                               std::uint64_t extra, const submit_limits& limits, std::string& number) {
  if (st.draining)
    return make_error(api_errc::not_ready, "shutting_down", "the server is shutting down; retry shortly", 1);
  auto normalized = normalize_number(text, job_book::max_digits_for(limits, st.settings.max_digits));
  if (auto* err = std::get_if<api_error>(&normalized)) return std::move(*err);
  number = std::move(std::get<std::string>(normalized));
  return st.book.admit(caller, extra, limits);
}

job& create_job(self_ptr self, const std::string& caller, std::string number, std::string key,
                unsigned weight) {
  auto& st = self->state;
  job j;
  j.request_id = st.book.new_request_id();
  j.caller_id = caller;
  j.number = std::move(number);
  j.queued_at = unix_millis_now();
  j.idempotency_key = std::move(key);
  j.weight = weight;
  ++st.book.counters().accepted;
  st.to_enqueue.push_back(j.request_id);
  persist(self, j.request_id);
  return st.book.add(std::move(j)).value;
}

job final_state(job j, job_status status, std::string code, std::string message) {
  j.status = status;
  j.error_code = std::move(code);
  j.error_message = std::move(message);
  j.finished_at = 0; // the book stamps it
  return j;
}

bool finish_job(self_ptr self, const std::string& id, job final) {
  // Dirty first: the waiters and watchers that finish() wakes then wait for its commit.
  persist(self, id);
  if (!self->state.book.finish(id, std::move(final))) return false;
  const auto* e = self->state.book.find(id);
  // Done jobs are the bulk (thousands a second under load): debug. Failures stay visible.
  logging::write(
      e->value.status == job_status::done ? logging::level::debug : logging::level::info, "job_finished",
      {{"request_id", id}, {"status", std::string(to_string(e->value.status))}, {"method", e->value.method}});
  return true;
}

void enqueue(self_ptr self, const job& j, bool record_start_first) {
  self->anon_send(self->state.dispatcher, enqueue_atom::value,
                  job_ticket{j.request_id, j.caller_id, j.number, j.weight, record_start_first});
}

namespace {

// Puts every dirty job in its state now and commits them in one transaction. Any failed
// put or commit rolls the whole transaction back: then nothing of it is acknowledged, and
// every dirty job stays dirty for the next try.
result<void, journal_errc> write_dirty(registry_state& st) {
  for (const auto& id : st.removals) {
    if (auto removed = st.store->remove_finished(id); !removed) {
      logging::error("journal_remove_failed", {{"request_id", id}, {"error", removed.message()}});
      st.store->rollback();
      return removed;
    }
  }
  for (const auto& id : st.dirty) {
    const auto* e = st.book.find(id);
    if (!e) continue; // purged or refused meanwhile
    if (auto put = st.store->put(e->value); !put) {
      logging::error("journal_put_failed", {{"request_id", id}, {"error", put.message()}});
      st.store->rollback();
      return put;
    }
  }
  auto committed = st.store->commit();
  if (!committed) st.store->rollback();
  return committed;
}

api_error journal_unavailable(const std::string& why, const char* what) {
  return make_error(api_errc::not_ready, "journal_unavailable",
                    "the job journal could not be written (" + why + "); " + what + ", retry shortly", 1);
}

// Not durable, so not accepted: forget the jobs of a failed commit and say so. Every
// journal_errc is the same 503 for the client; `why`, the commit's message, says what failed.
void refuse(registry_state& st, registry_state::pending_ack& ack, const std::string& why) {
  for (const auto& id : ack.request_ids) {
    st.book.erase(id);
    st.dirty_set.erase(id); // and from `dirty` once every refusal is done (flush)
  }
  api_error e = journal_unavailable(why, "nothing was accepted");
  if (ack.what == registry_state::pending_ack::kind::batch)
    ack.promise.deliver(batch_reply{false, {}, e, 0, {}});
  else
    ack.promise.deliver(failed_reply(e));
}

// The commit holding every state these replies tell of succeeded.
void deliver(self_ptr self, registry_state::pending_ack& ack) {
  using kind = registry_state::pending_ack::kind;
  auto& book = self->state.book;
  switch (ack.what) {
    case kind::batch: {
      batch_reply reply;
      reply.ok = true;
      reply.rate = ack.rate;
      for (const auto& id : ack.request_ids)
        if (const auto* e = book.find(id)) reply.jobs.push_back(e->value);
      ack.promise.deliver(std::move(reply));
      return;
    }
    case kind::watch:
      if (const auto* e = book.find(ack.request_ids.front()))
        self->anon_send(ack.session, jobdone_atom::value, e->value);
      return;
    case kind::submit:
    case kind::reply: break;
  }
  const auto* e = book.find(ack.request_ids.front());
  if (!e) {
    ack.promise.deliver(unknown_id_reply(ack.request_ids.front()));
    return;
  }
  auto reply = ok_reply(e->value, ack.what == kind::submit);
  reply.rate = ack.rate;
  ack.promise.deliver(std::move(reply));
}

} // namespace

void trim(registry_state& st) {
  for (auto& id : st.book.trim()) st.removals.push_back(std::move(id));
}

void flush(self_ptr self) {
  using kind = registry_state::pending_ack::kind;
  auto& st = self->state;
  st.flush_scheduled = false;
  auto acks = std::move(st.unacked);
  st.unacked.clear();
  const auto committed = write_dirty(st);
  if (committed) {
    ++st.book.counters().journal_commits;
    // Starts in this commit are journalled: workers that wait for that may begin.
    for (const auto& id : st.dirty)
      if (const auto* e = st.book.find(id); e && e->value.status == job_status::running)
        e->cancel.start_recorded();
    st.dirty.clear();
    st.dirty_set.clear();
    st.removals.clear();
    for (auto& ack : acks) deliver(self, ack);
    // Past --retention-max-jobs or -bytes: the oldest finished go, from the journal with
    // the next commit (there is one whenever new jobs keep finishing).
    trim(st);
    for (const auto& id : st.to_enqueue)
      if (const auto* e = st.book.find(id)) enqueue(self, e->value, false);
    st.to_enqueue.clear();
    return;
  }
  ++st.book.counters().journal_errors;
  logging::error("journal_commit_failed", {{"error", committed.message()}});
  // New jobs first: an idempotent repeat of one of them is then answered as not accepted too.
  for (auto& ack : acks)
    if (ack.what == kind::submit || ack.what == kind::batch) refuse(st, ack, committed.message());
  st.to_enqueue.clear();
  st.dirty.erase(std::remove_if(st.dirty.begin(), st.dirty.end(),
                                [&](const std::string& id) { return st.dirty_set.count(id) == 0; }),
                 st.dirty.end());
  for (auto& ack : acks) {
    if (ack.what == kind::reply)
      ack.promise.deliver(
          failed_reply(journal_unavailable(committed.message(), "this answer is not durable yet")));
    else if (ack.what == kind::watch)
      st.unacked.push_back(std::move(ack)); // its result goes out with the first commit that succeeds
  }
  // The states that were not committed stay dirty; the next try is on a timer.
  if (!st.dirty.empty() || !st.unacked.empty()) {
    st.flush_scheduled = true;
    self->delayed_send(self, config::limits::journal_retry_interval, flush_atom::value);
  }
}

void restore(self_ptr self, std::vector<job> recovered, std::vector<job> finished) {
  auto& st = self->state;
  for (auto& j : finished) st.book.add(std::move(j));
  // Jobs that were queued or running when the process stopped run again, in order. A job
  // journalled as running was running when the process died (a drain queues them again):
  // that start counts as an attempt, and a job that has used up --max-attempts that way is
  // a poison input, which ends failed instead of crashing the process again.
  for (auto& j : recovered) {
    const bool poison = j.status == job_status::running && j.attempts >= st.settings.max_attempts;
    j.status = job_status::queued;
    j.started_at = 0;
    if (poison) {
      const std::string id = j.request_id;
      const std::string attempts = std::to_string(j.attempts);
      auto& e = st.book.add(std::move(j));
      finish_job(self, id,
                 final_state(e.value, job_status::failed, "worker_crashed",
                             "factord stopped abnormally " + attempts +
                                 " times while this job ran (option --max-attempts); it will "
                                 "not be retried"));
      logging::warn("job_poison", {{"request_id", id}, {"attempts", attempts}});
      continue;
    }
    enqueue(self, j, true);
    st.book.add(std::move(j));
  }
  // A journal written with larger retention caps (or before them) is cut to size now.
  trim(st);
  if (!st.removals.empty()) schedule_flush(self);
}

} // namespace factord::actors::registry_ops
