#include "job_checks.hpp"

#include "numbers.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <thread>

namespace load {

http_call make_post(std::string number, std::string caller, const std::string& query) {
  http_call c;
  c.method = http::verb::post;
  c.target = "/v1/jobs" + query;
  c.body = "{\"number\":\"" + number + "\"}";
  c.number = std::move(number);
  c.caller = std::move(caller);
  return c;
}

http_call make_get(const accepted_job& job, std::size_t index, const std::string& query) {
  http_call c;
  c.method = http::verb::get;
  c.target = "/v1/jobs/" + job.id + query;
  c.caller = job.caller;
  c.job = index;
  return c;
}

namespace {

json parse_body(const std::string& body) { return json::parse(body, nullptr, /*allow_exceptions=*/false); }

bool done_factors_ok(const json& job, const std::string& number) {
  if (!job.contains("factors") || !job["factors"].is_array()) return false;
  std::vector<std::string> factors;
  for (auto& f : job["factors"]) {
    if (!f.is_string()) return false;
    factors.push_back(f.get<std::string>());
  }
  return factors_match(number, factors);
}

} // namespace

json handle_post_answer(http_shard& shard, const http_call& call, const http_result& result, bool echo) {
  if (!result.failure.empty()) return nullptr;
  shard.stats.outcomes.add(std::to_string(result.status));
  if (result.status != 202 && result.status != 200) {
    shard.stats.failures.add("http_" + std::to_string(result.status));
    return nullptr;
  }
  if (echo) {
    shard.stats.record_ok(call.due);
    return nullptr;
  }
  auto body = parse_body(result.body);
  if (!body.is_object() || !body.contains("request_id") || !body["request_id"].is_string()) {
    shard.stats.failures.add("bad_body");
    return nullptr;
  }
  shard.jobs.push_back({body["request_id"].get<std::string>(), call.number, call.caller, call.due});
  shard.stats.record_ok(call.due);
  return body;
}

json handle_get_answer(http_shard& shard, const http_call& call, const http_result& result, bool echo) {
  if (!result.failure.empty()) return nullptr;
  if (result.status != 200) {
    shard.stats.failures.add("http_" + std::to_string(result.status));
    return nullptr;
  }
  if (echo) {
    shard.stats.record_ok(call.due);
    return nullptr;
  }
  auto body = parse_body(result.body);
  if (!body.is_object() || !body.contains("status")) {
    shard.stats.failures.add("bad_body");
    return nullptr;
  }
  if (body["status"] == "done" && !done_factors_ok(body, shard.jobs[call.job].number)) {
    shard.stats.failures.add("bad_factors");
    return body;
  }
  shard.stats.record_ok(call.due);
  return body;
}

double server_latency_ms(const json& job) {
  auto parse = [](const json& v, double& ms) {
    if (!v.is_string()) return false;
    std::tm tm{};
    double seconds = 0;
    auto s = v.get<std::string>();
    if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%lf", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &seconds) != 6)
      return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    ms = static_cast<double>(timegm(&tm)) * 1000.0 + seconds * 1000.0;
    return true;
  };
  double queued = 0, finished = 0;
  if (!job.contains("queued_at") || !job.contains("finished_at")) return -1;
  if (!parse(job["queued_at"], queued) || !parse(job["finished_at"], finished)) return -1;
  return finished - queued;
}

namespace {

struct verify_state {
  std::deque<std::size_t> queue;
  std::map<std::size_t, int> transport_retries;
  std::uint64_t checked = 0, done = 0, wrong = 0, lost_404 = 0, not_finished = 0, failed = 0, unresolved = 0;
  std::map<std::string, std::vector<double>> server_ms;
};

std::string caller_class(const std::string& caller) { return caller.substr(0, caller.find('-')); }

} // namespace

json verify_jobs(const options& opt, std::vector<std::unique_ptr<http_shard>>& shards) {
  run_stats stats; // own counters, so verification does not blur the scenario's latencies
  std::vector<verify_state> states(shards.size());
  std::uint64_t accepted = 0;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    auto& s = *shards[i];
    accepted += s.jobs.size();
    std::vector<std::size_t> idx(s.jobs.size());
    for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = k;
    if (opt.verify_max >= 0) {
      std::shuffle(idx.begin(), idx.end(), s.rng);
      auto quota = static_cast<std::size_t>(opt.verify_max) / shards.size();
      if (idx.size() > quota) idx.resize(quota);
    }
    states[i].queue.assign(idx.begin(), idx.end());
  }
  auto deadline = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                          std::chrono::duration<double>(opt.verify_timeout));
  std::vector<std::function<void()>> bodies;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    auto& shard = *shards[i];
    auto& st = states[i];
    auto pull = [&st](http_shard& s) -> std::optional<http_call> {
      if (st.queue.empty()) return std::nullopt;
      auto k = st.queue.front();
      st.queue.pop_front();
      return make_get(s.jobs[k], k, "?wait=2");
    };
    auto done = [&st, &stats, deadline](http_shard& s, http_call& call, const http_result& r) {
      stats.ok.fetch_add(1, std::memory_order_relaxed);
      auto& job = s.jobs[call.job];
      if (!r.failure.empty() || (r.status != 200 && r.status != 404)) {
        if (++st.transport_retries[call.job] < 5)
          st.queue.push_back(call.job);
        else {
          ++st.checked;
          ++st.unresolved;
        }
        return;
      }
      if (r.status == 404) {
        ++st.checked;
        ++st.lost_404;
        return;
      }
      auto body = json::parse(r.body, nullptr, false);
      std::string status = body.is_object() && body.contains("status") && body["status"].is_string()
                               ? body["status"].get<std::string>()
                               : "";
      if (status == "queued" || status == "running") {
        if (clock_type::now() < deadline)
          st.queue.push_back(call.job);
        else {
          ++st.checked;
          ++st.not_finished;
        }
        return;
      }
      ++st.checked;
      if (status != "done") {
        ++st.failed;
        return;
      }
      if (done_factors_ok(body, job.number))
        ++st.done;
      else
        ++st.wrong;
      double ms = server_latency_ms(body);
      if (ms >= 0) st.server_ms[caller_class(job.caller)].push_back(ms);
    };
    shard.closed_loop(pull, done);
    bodies.push_back([&shard] { shard.run(); });
  }
  progress_reporter reporter(stats, "verify");
  auto started = clock_type::now();
  run_threads(std::move(bodies), reporter);
  verify_state total;
  for (auto& st : states) {
    total.checked += st.checked;
    total.done += st.done;
    total.wrong += st.wrong;
    total.lost_404 += st.lost_404;
    total.not_finished += st.not_finished;
    total.failed += st.failed;
    total.unresolved += st.unresolved;
    for (auto& [k, v] : st.server_ms) total.server_ms[k].insert(total.server_ms[k].end(), v.begin(), v.end());
  }
  json out = {{"accepted", accepted},
              {"checked", total.checked},
              {"done_correct", total.done},
              {"wrong_factors", total.wrong},
              {"lost_404", total.lost_404},
              {"not_finished", total.not_finished},
              {"failed_or_cancelled", total.failed},
              {"unresolved", total.unresolved},
              {"lost", total.lost_404 + total.not_finished + total.failed + total.unresolved},
              {"seconds", std::chrono::duration<double>(clock_type::now() - started).count()}};
  for (auto& [cls, v] : total.server_ms)
    out["server_ms"][cls] = {{"jobs", v.size()},
                             {"p50", sample_percentile(v, 0.5)},
                             {"p99", sample_percentile(v, 0.99)},
                             {"max", sample_percentile(v, 1.0)}};
  return out;
}

std::vector<std::unique_ptr<http_shard>> make_shards(const options& opt, int connections, run_stats& stats) {
  std::vector<std::unique_ptr<http_shard>> shards;
  int n = std::max(1, opt.threads);
  for (int i = 0; i < n; ++i) {
    int conns = connections / n + (i < connections % n ? 1 : 0);
    shards.push_back(std::make_unique<http_shard>(opt.endpoint(), std::max(1, conns), stats,
                                                  opt.seed + static_cast<std::uint64_t>(i) * 7919));
    shards.back()->tokens = &opt.tokens;
    if (!opt.bind.empty()) shards.back()->bind_to(asio::ip::make_address(opt.bind));
  }
  return shards;
}

} // namespace load
