#include "actors/registry/job_book.hpp"

#include "config/options.hpp"
#include "config/rate.hpp"

#include <algorithm>

namespace factord::actors {

namespace {

// Seconds from acceptance to finish of done jobs (Prometheus histogram bounds).
const std::vector<double> latency_bounds = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 600};

// The console shows at most this many callers' service.
constexpr std::size_t view_callers = 200;

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

api_error queue_full(std::string reason, std::string message) {
  return {api_errc::queue_full, std::move(reason), std::move(message), std::chrono::seconds{1}};
}

} // namespace

job_book::job_book() : job_book(limits{}) {}

job_book::job_book(limits l) : limits_(l) {}

std::string job_book::key_of(const std::string& caller, const std::string& key) {
  // Length-prefixed, so no caller id and key can be read as another pair.
  return std::to_string(caller.size()) + ':' + caller + key;
}

job_book::entry* job_book::find(const std::string& id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

const job_book::entry* job_book::find(const std::string& id) const {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

job_book::entry* job_book::find_for(const std::string& id, const requester& who) {
  auto* e = find(id);
  return e && visible_to(e->value, who) ? e : nullptr;
}

const job_book::entry* job_book::find_for(const std::string& id, const requester& who) const {
  const auto* e = find(id);
  return e && visible_to(e->value, who) ? e : nullptr;
}

job_book::entry* job_book::find_by_key(const std::string& caller, const std::string& key) {
  auto it = by_key_.find(key_of(caller, key));
  return it == by_key_.end() ? nullptr : find(it->second);
}

std::uint64_t job_book::open_for(const std::string& caller) const {
  auto it = open_by_caller_.find(caller);
  return it == open_by_caller_.end() ? 0 : it->second;
}

std::optional<api_error> job_book::admit(const std::string& caller, std::uint64_t extra,
                                         const submit_limits& l) const {
  const char* what = limits_.bound == open_means::queued ? "jobs waiting" : "unfinished jobs";
  // Compared by subtraction: a huge `extra` must not wrap around and pass.
  auto over = [](std::uint64_t have, std::uint64_t more, std::uint64_t max) {
    return have > max || more > max - have;
  };
  if (over(open_total_, extra, limits_.max_open))
    return queue_full("server_queue_full", "the server already has " + std::to_string(open_total_) + " " +
                                               what + " (option --max-queued); retry later");
  auto have = open_for(caller);
  bool own = l.max_queued != 0;
  if (over(have, extra, own ? l.max_queued : limits_.max_open_per_caller))
    return queue_full("caller_queue_full",
                      "caller '" + caller + "' already has " + std::to_string(have) + " " + what +
                          (own ? " (its credential's max_queued)" : " (option --max-queued-per-caller)") +
                          "; retry when some finish");
  return std::nullopt;
}

std::optional<api_error> job_book::take_rate(const submit_limits& l, std::uint64_t cost,
                                             rate_limiter::clock::time_point now, rate_state& state) {
  state = {};
  if (!(l.rate > 0)) return std::nullopt;
  auto d = rates_.take(l.rate_key, l.rate, l.burst, cost, now);
  state = d.state;
  if (d.allowed) return std::nullopt;
  std::string message = cost > d.state.limit
                            ? "a batch of " + std::to_string(cost) + " numbers is more than the " +
                                  std::to_string(d.state.limit) +
                                  " this caller may submit at once; send smaller batches"
                            : "too many submissions: at most " + std::to_string(d.state.limit) +
                                  " at once and " + config::format_rate(l.rate) + " a second; retry after " +
                                  std::to_string(d.retry_after.count()) + " s";
  return api_error{api_errc::rate_limited, "rate_limited", std::move(message), d.retry_after};
}

void job_book::refused(const api_error& e) noexcept {
  ++stats_.rejected;
  auto code = static_cast<std::size_t>(e.code);
  if (code < stats_.refused.size()) ++stats_.refused[code];
}

std::optional<api_error> job_book::admit_submission(std::optional<api_error> refusal, const submit_limits& l,
                                                    rate_limiter::clock::time_point now, rate_state& rate) {
  rate = {};
  if (!refusal) refusal = take_rate(l, 1, now, rate);
  if (refusal) refused(*refusal);
  return refusal;
}

std::variant<job_book::admitted_batch, batch_reply>
job_book::admit_batch(const std::vector<std::string>& numbers, const submit_limits& l,
                      rate_limiter::clock::time_point now, const number_check& admit) {
  admitted_batch out;
  out.numbers.resize(numbers.size());
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (auto err = admit(numbers[i], out.numbers[i])) {
      refused(*err);
      return batch_reply{false, {}, std::move(*err), i, {}};
    }
  }
  if (auto err = take_rate(l, numbers.size(), now, out.rate)) {
    refused(*err);
    return batch_reply{false, {}, std::move(*err), 0, out.rate};
  }
  return out;
}

// Open jobs count against the bounds; the gauges follow every job's status.
void job_book::open(const job& j) {
  if (limits_.bound == open_means::unfinished || j.status == job_status::queued) {
    ++open_by_caller_[j.caller_id];
    ++open_total_;
  }
  ++(j.status == job_status::running ? stats_.running : stats_.queued);
}

void job_book::close(const job& j) {
  if (limits_.bound == open_means::unfinished || j.status == job_status::queued) {
    if (auto it = open_by_caller_.find(j.caller_id); it != open_by_caller_.end() && --it->second == 0)
      open_by_caller_.erase(it);
    if (open_total_ > 0) --open_total_;
  }
  auto& gauge = j.status == job_status::running ? stats_.running : stats_.queued;
  if (gauge > 0) --gauge;
}

void job_book::count_final(const job& j) {
  switch (j.status) {
    case job_status::done:
      ++stats_.done;
      record_latency(stats_, j);
      break;
    case job_status::failed: ++stats_.failed; break;
    default: ++stats_.cancelled; break;
  }
}

std::size_t job_book::footprint(const job& j) noexcept {
  // The entry, its map node and index nodes, and the heap parts of its strings.
  std::size_t bytes = sizeof(entry) + 160;
  for (const auto* text : {&j.request_id, &j.caller_id, &j.number, &j.idempotency_key, &j.error_code,
                           &j.error_message, &j.method})
    bytes += text->capacity() > 15 ? text->capacity() : 0;
  for (const auto& f : j.factors) bytes += sizeof(std::string) + (f.capacity() > 15 ? f.capacity() : 0);
  return bytes;
}

void job_book::index_finished(entry& e) {
  unindex_finished(e);
  e.indexed_at = e.value.finished_at;
  e.indexed_seq = ++finished_seq_;
  e.kept_bytes = footprint(e.value);
  finished_order_.emplace(e.indexed_at, e.indexed_seq, e.value.request_id);
  finished_bytes_ += e.kept_bytes;
}

void job_book::unindex_finished(entry& e) {
  if (e.kept_bytes == 0) return;
  finished_order_.erase({e.indexed_at, e.indexed_seq, e.value.request_id});
  finished_bytes_ -= e.kept_bytes;
  e.kept_bytes = 0;
}

job_book::entry& job_book::add(job j) {
  erase(j.request_id);
  if (!j.finished()) open(j);
  if (!j.idempotency_key.empty()) by_key_[key_of(j.caller_id, j.idempotency_key)] = j.request_id;
  auto& e = jobs_[j.request_id];
  e.value = std::move(j);
  if (e.value.finished()) index_finished(e);
  return e;
}

void job_book::erase(const std::string& id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  const job& j = it->second.value;
  if (!j.finished()) close(j);
  unindex_finished(it->second);
  if (j.status == job_status::running) running_on_.erase(it->second.worker);
  if (!j.idempotency_key.empty()) by_key_.erase(key_of(j.caller_id, j.idempotency_key));
  waiters_total_ -= it->second.waiters.size();
  jobs_.erase(it);
}

bool job_book::start(const std::string& id, std::uint64_t worker, cancel_handle cancel) {
  auto* e = find(id);
  if (!e || e->value.status != job_status::queued) return false;
  close(e->value);
  e->value.status = job_status::running;
  e->value.started_at = unix_millis_now();
  ++e->value.attempts;
  e->cancel = std::move(cancel);
  e->worker = worker;
  running_on_[worker] = id;
  open(e->value);
  return true;
}

bool job_book::requeue(const std::string& id) {
  auto* e = find(id);
  if (!e || e->value.status != job_status::running) return false;
  close(e->value);
  running_on_.erase(e->worker);
  e->value.status = job_status::queued;
  e->value.started_at = 0;
  open(e->value);
  ++stats_.requeued;
  return true;
}

void job_book::signal_running(int flag) {
  for (const auto& [worker, id] : running_on_)
    if (auto* e = find(id)) e->cancel.stop(flag);
}

std::vector<std::string> job_book::requeue_for_shutdown() {
  std::vector<std::string> ids;
  ids.reserve(running_on_.size());
  for (const auto& [worker, id] : running_on_) ids.push_back(id);
  for (const auto& id : ids) {
    auto* e = find(id);
    if (!e) continue;
    close(e->value);
    e->value.status = job_status::queued;
    e->value.started_at = 0;
    if (e->value.attempts > 0) --e->value.attempts;
    open(e->value);
  }
  running_on_.clear();
  return ids;
}

job_book::entry* job_book::running_on(std::uint64_t worker) {
  auto it = running_on_.find(worker);
  return it == running_on_.end() ? nullptr : find(it->second);
}

job_book::entry* job_book::worker_lost(std::uint64_t worker) {
  ++stats_.workers_lost;
  return running_on(worker);
}

void job_book::note_running(entry& e, std::int64_t started_at, std::uint32_t attempts) {
  if (e.value.status != job_status::queued) return;
  close(e.value);
  e.value.status = job_status::running;
  e.value.started_at = started_at;
  e.value.attempts = attempts;
  open(e.value);
}

bool job_book::finish(const std::string& id, job final) {
  auto* e = find(id);
  if (!e || e->value.finished() || !final.finished()) return false;
  close(e->value);
  if (e->value.status == job_status::running) running_on_.erase(e->worker);
  if (final.idempotency_key.empty()) final.idempotency_key = std::move(e->value.idempotency_key);
  if (final.finished_at == 0) final.finished_at = unix_millis_now();
  e->value = std::move(final);
  index_finished(*e);
  count_final(e->value);
  // Moved out first: a waker may add to this entry (a session resubmitting, say).
  auto waiters = std::move(e->waiters);
  auto watchers = std::move(e->watchers);
  waiters_total_ -= waiters.size();
  e->waiters.clear();
  e->watchers.clear();
  for (auto& [waiter_id, wake] : waiters) wake(e->value);
  for (auto& wake : watchers) wake(e->value);
  return true;
}

std::variant<std::uint64_t, api_error> job_book::wait(entry& e, waker w) {
  if (e.waiters.size() >= limits_.max_waiters_per_job)
    return queue_full("too_many_waiters",
                      "this job already has " + std::to_string(e.waiters.size()) +
                          " long-polls waiting; wait for one of them, or poll without ?wait=");
  if (waiters_total_ >= limits_.max_waiters)
    return queue_full("too_many_waiters",
                      "the server already holds " + std::to_string(waiters_total_) +
                          " long-polls; retry after the given delay or poll without ?wait=");
  auto id = next_waiter_++;
  e.waiters.emplace_back(id, std::move(w));
  ++waiters_total_;
  return id;
}

void job_book::watch(entry& e, waker w) { e.watchers.push_back(std::move(w)); }

void job_book::expire(const std::string& id, std::uint64_t waiter) {
  auto* e = find(id);
  if (!e) return;
  auto it =
      std::find_if(e->waiters.begin(), e->waiters.end(), [&](const auto& w) { return w.first == waiter; });
  if (it == e->waiters.end()) return;
  auto wake = std::move(it->second);
  e->waiters.erase(it);
  --waiters_total_;
  wake(e->value);
}

void job_book::charge(const std::string& caller, double seconds, bool done) {
  auto& record = served_[caller];
  record.compute_seconds += seconds;
  record.jobs_done += done ? 1 : 0;
  record.last_active = ++served_clock_; // a sequence, not the clock: ties would be arbitrary
  if (served_.size() <= limits_.max_served_callers) return;
  // Caller ids come from clients: forget the least recently served beyond the bound.
  auto oldest = served_.begin();
  for (auto it = served_.begin(); it != served_.end(); ++it)
    if (it->second.last_active < oldest->second.last_active) oldest = it;
  served_.erase(oldest);
}

std::int64_t job_book::purge(std::int64_t now_ms) {
  auto cutoff = now_ms - limits_.retention.count();
  // Oldest first: stops at the first job young enough to keep.
  std::vector<std::string> old;
  for (const auto& [finished_at, seq, id] : finished_order_) {
    if (finished_at >= cutoff) break;
    if (const auto* e = find(id); e && e->waiters.empty()) old.push_back(id);
  }
  for (const auto& id : old) erase(id);
  return cutoff;
}

std::vector<std::string> job_book::trim() {
  std::vector<std::string> gone;
  while (!finished_order_.empty() && (finished_order_.size() > limits_.retention_max_jobs ||
                                      finished_bytes_ > limits_.retention_max_bytes)) {
    std::string id = std::get<2>(*finished_order_.begin());
    if (find(id) != nullptr) {
      erase(id);
    } else { // cannot happen: erase() unindexes; but never loop on a stale entry
      finished_order_.erase(finished_order_.begin());
    }
    gone.push_back(std::move(id));
  }
  return gone;
}

registry_stats job_book::stats() const {
  auto s = stats_;
  s.known = jobs_.size();
  return s;
}

registry_view job_book::view() const {
  registry_view view;
  for (const auto& [worker, id] : running_on_) {
    const auto* e = find(id);
    if (!e) continue;
    const job& j = e->value;
    view.running.push_back({worker, j.request_id, j.caller_id, j.number.size(), j.started_at});
  }
  std::vector<std::pair<std::string, service_record>> recent(served_.begin(), served_.end());
  std::sort(recent.begin(), recent.end(),
            [](const auto& a, const auto& b) { return a.second.last_active > b.second.last_active; });
  if (recent.size() > view_callers) recent.resize(view_callers);
  for (const auto& [caller, record] : recent)
    view.callers.push_back({caller, record.jobs_done, record.compute_seconds});
  return view;
}

} // namespace factord::actors
