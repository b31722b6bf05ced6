#include "actors/registry/job_registry_ops.hpp"

#include "actors/protocol/atoms.hpp"
#include "config/log.hpp"
#include "factor/parse.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace factord::actors::registry_ops {

namespace {

const std::vector<double> latency_bounds = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 600};

std::string new_request_id(std::mt19937_64& rng) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}


void record_latency(registry_stats& s, const job& j) {
  double seconds = static_cast<double>(j.finished_at - j.queued_at) / 1000.0;
  if (s.latency_counts.empty()) {
    s.latency_bounds = latency_bounds;
    s.latency_counts.assign(latency_bounds.size(), 0);
  }
  for (std::size_t i = 0; i < latency_bounds.size(); ++i)
    if (seconds <= latency_bounds[i]) ++s.latency_counts[i];
  s.latency_sum += seconds;
  ++s.latency_count;
}

} // namespace

void schedule_flush(self_ptr self) {
  if (self->state.flush_scheduled) return;
  self->state.flush_scheduled = true;
  // Lands behind everything already in the mailbox: one commit covers all of it.
  self->send(self, flush_atom::value);
}

api_error error(api_errc code, std::string reason, std::string message, int retry_after) {
  return {code, std::move(reason), std::move(message), std::chrono::seconds{retry_after}};
}

job_reply failed_reply(api_error e) {
  job_reply r;
  r.error = std::move(e);
  return r;
}

job_reply ok_reply(const job& j, bool created) {
  job_reply r;
  r.ok = true;
  r.created = created;
  r.value = j;
  return r;
}


void answer_waiter(std::vector<registry_state::waiter>& waiters, std::uint64_t id, const job& j) {
  for (auto w = waiters.begin(); w != waiters.end(); ++w) {
    if (w->id != id) continue;
    w->promise.deliver(ok_reply(j));
    waiters.erase(w);
    return;
  }
}

void persist(self_ptr self, registry_state::entry& e) {
  // Written at the next flush, in its state then: a job accepted, started and finished
  // between two commits costs one journal write instead of three.
  if (!e.dirty) {
    e.dirty = true;
    self->state.dirty.push_back(e.value.request_id);
  }
  schedule_flush(self);
}

namespace {

void write_dirty(registry_state& st) {
  for (const auto& id : st.dirty) {
    auto it = st.jobs.find(id);
    if (it == st.jobs.end()) continue; // purged meanwhile
    it->second.dirty = false;
    if (!st.store->put(it->second.value)) {
      ++st.stats.journal_errors;
      logging::error("journal_put_failed", {{"request_id", id}, {"error", st.store->last_error()}});
    }
  }
  st.dirty.clear();
}

} // namespace

// Validates a number and the queue bounds; on success returns the normalized number.
bool admit(self_ptr self, const std::string& caller, const std::string& text,
           std::uint64_t extra, std::string& number, api_error& err) {
  auto& st = self->state;
  if (st.draining) {
    err = error(api_errc::not_ready, "shutting_down", "the server is shutting down; retry shortly", 1);
    return false;
  }
  auto parsed = factor::parse_number(text, st.settings.max_digits);
  if (!parsed.ok()) {
    err = error(api_errc::invalid_number, std::string(factor::to_string(parsed.error)), parsed.message);
    return false;
  }
  number = parsed.value.get_str();
  if (st.stats.queued + extra > st.settings.max_queued) {
    err = error(api_errc::queue_full, "server_queue_full",
                "the server already has " + std::to_string(st.stats.queued) +
                  " jobs waiting (option --max-queued); retry later", 1);
    return false;
  }
  if (st.queued_by_caller[caller] + extra > st.settings.max_queued_per_caller) {
    err = error(api_errc::queue_full, "caller_queue_full",
                "caller '" + caller + "' already has " + std::to_string(st.queued_by_caller[caller]) +
                  " jobs waiting (option --max-queued-per-caller); retry when some finish", 1);
    return false;
  }
  return true;
}

job& create_job(self_ptr self, const std::string& caller, std::string number, std::string key) {
  auto& st = self->state;
  job j;
  j.request_id = new_request_id(st.rng);
  j.caller_id = caller;
  j.number = std::move(number);
  j.queued_at = unix_millis_now();
  j.idempotency_key = std::move(key);
  if (!j.idempotency_key.empty()) st.idempotency[caller + '\n' + j.idempotency_key] = j.request_id;
  ++st.queued_by_caller[caller];
  ++st.stats.queued;
  ++st.stats.accepted;
  st.to_enqueue.push_back(j.request_id);
  auto& e = st.jobs[j.request_id];
  e.value = std::move(j);
  persist(self, e);
  return e.value;
}

void leave_queue(registry_state& st, const job& j) {
  if (st.stats.queued > 0) --st.stats.queued;
  auto it = st.queued_by_caller.find(j.caller_id);
  if (it != st.queued_by_caller.end() && --it->second == 0) st.queued_by_caller.erase(it);
}


// The job reached a final state: journal it and tell everyone who waits.
void finish(self_ptr self, registry_state::entry& e) {
  auto& st = self->state;
  e.value.finished_at = unix_millis_now();
  switch (e.value.status) {
    case job_status::done: ++st.stats.done; record_latency(st.stats, e.value); break;
    case job_status::failed: ++st.stats.failed; break;
    default: ++st.stats.cancelled; break;
  }
  persist(self, e);
  for (auto& w : e.waiters) w.promise.deliver(ok_reply(e.value));
  e.waiters.clear();
  for (auto& watcher : e.watchers) self->send(watcher, jobdone_atom::value, e.value);
  e.watchers.clear();
  // Done jobs are the bulk (thousands a second under load): debug. Failures stay visible.
  logging::write(e.value.status == job_status::done ? logging::level::debug : logging::level::info,
                 "job_finished", {{"request_id", e.value.request_id},
                                 {"status", std::string(to_string(e.value.status))},
                                 {"method", e.value.method}});
}

void enqueue(self_ptr self, const job& j) {
  self->send(self->state.dispatcher, enqueue_atom::value,
             job_ticket{j.request_id, j.caller_id, j.number});
}

void flush(self_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  write_dirty(st);
  bool committed = st.store->commit();
  if (committed) ++st.stats.journal_commits;
  else {
    ++st.stats.journal_errors;
    logging::error("journal_commit_failed", {{"error", st.store->last_error()}});
  }
  for (auto& ack : st.unacked) {
    if (!committed && ack.created) {
      // Not durable, so not accepted: forget the jobs and say so.
      for (const auto& id : ack.request_ids) {
        auto it = st.jobs.find(id);
        if (it == st.jobs.end()) continue;
        leave_queue(st, it->second.value);
        if (!it->second.value.idempotency_key.empty())
          st.idempotency.erase(it->second.value.caller_id + '\n' + it->second.value.idempotency_key);
        st.jobs.erase(it);
      }
      api_error e = error(api_errc::not_ready, "journal_unavailable",
                          "the job journal could not be written (" + st.store->last_error() +
                            "); nothing was accepted, retry shortly", 1);
      if (ack.batch) ack.promise.deliver(batch_reply{false, {}, e, 0});
      else ack.promise.deliver(failed_reply(e));
      continue;
    }
    if (ack.batch) {
      batch_reply reply;
      reply.ok = true;
      for (const auto& id : ack.request_ids) reply.jobs.push_back(st.jobs[id].value);
      ack.promise.deliver(std::move(reply));
    } else {
      ack.promise.deliver(ok_reply(st.jobs[ack.request_ids.front()].value, ack.created));
    }
  }
  st.unacked.clear();
  for (const auto& id : st.to_enqueue)
    if (auto it = st.jobs.find(id); it != st.jobs.end() && committed) enqueue(self, it->second.value);
  st.to_enqueue.clear();
}

void purge(self_ptr self) {
  auto& st = self->state;
  auto cutoff = unix_millis_now() - st.settings.retention.count();
  for (auto it = st.jobs.begin(); it != st.jobs.end();) {
    const job& j = it->second.value;
    if (j.finished() && j.finished_at < cutoff) {
      if (!j.idempotency_key.empty()) st.idempotency.erase(j.caller_id + '\n' + j.idempotency_key);
      it = st.jobs.erase(it);
    } else {
      ++it;
    }
  }
  st.store->purge_finished_before(cutoff);
  self->delayed_send(self, std::chrono::minutes{1}, purge_atom::value);
}

void remember_key(registry_state& st, const job& j) {
  if (!j.idempotency_key.empty()) st.idempotency[j.caller_id + '\n' + j.idempotency_key] = j.request_id;
}

void restore(self_ptr self, std::vector<job> recovered, std::vector<job> finished) {
  auto& st = self->state;
  for (auto& j : finished) {
    remember_key(st, j);
    st.jobs[j.request_id].value = std::move(j);
  }
  // Jobs that were queued or running when the process stopped run again, in order.
  for (auto& j : recovered) {
    j.status = job_status::queued;
    j.started_at = 0;
    ++st.queued_by_caller[j.caller_id];
    ++st.stats.queued;
    remember_key(st, j);
    enqueue(self, j);
    st.jobs[j.request_id].value = std::move(j);
  }
}

void note_service(registry_state& st, const std::string& caller, double seconds, bool done) {
  constexpr std::size_t max_callers = 1000;
  auto& record = st.service[caller];
  record.compute_seconds += seconds;
  record.jobs_done += done ? 1 : 0;
  record.last_active = unix_millis_now();
  if (st.service.size() <= max_callers) return;
  auto oldest = st.service.begin();
  for (auto it = st.service.begin(); it != st.service.end(); ++it)
    if (it->second.last_active < oldest->second.last_active) oldest = it;
  st.service.erase(oldest);
}

registry_view make_view(const registry_state& st) {
  registry_view view;
  for (const auto& [worker, id] : st.running_on) {
    auto it = st.jobs.find(id);
    if (it == st.jobs.end()) continue;
    const job& j = it->second.value;
    view.running.push_back({worker, j.request_id, j.caller_id, j.number.size(), j.started_at});
  }
  std::vector<std::pair<std::string, registry_state::service_record>> recent(st.service.begin(),
                                                                             st.service.end());
  std::sort(recent.begin(), recent.end(), [](const auto& a, const auto& b) {
    return a.second.last_active > b.second.last_active;
  });
  if (recent.size() > 200) recent.resize(200);
  for (const auto& [caller, record] : recent)
    view.callers.push_back({caller, record.jobs_done, record.compute_seconds});
  return view;
}

} // namespace factord::actors::registry_ops
