// trellis, mixed-max, spike and fairness: the REST scenarios (see README.md).
#include "job_checks.hpp"
#include "numbers.hpp"
#include "scenarios.hpp"

namespace load {

namespace {

enum call_kind : int { post_job = 1, get_job = 2, light_post = 3, light_wait = 4 };

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

std::string pick_caller(http_shard& s, const std::string& prefix, int callers) {
  return prefix + "-" + std::to_string(s.rng() % static_cast<std::uint64_t>(std::max(1, callers)));
}

// Splits `total` over n shards, the remainder to the first ones.
long share(long total, std::size_t n, std::size_t i) {
  auto nn = static_cast<long>(n), ii = static_cast<long>(i);
  return total / nn + (ii < total % nn ? 1 : 0);
}

void handle_answer(http_shard& s, http_call& call, const http_result& r, bool echo) {
  if (call.kind == post_job)
    handle_post_answer(s, call, r, echo);
  else
    handle_get_answer(s, call, r, echo);
}

// A light caller's answer (POST ?wait=2, then GET ?wait=2 until done): the latency
// recorded is submit → done as the client sees it; a refused or failed submission is
// counted under its status and never recorded as ok.
void follow_to_done(http_shard& s, http_call& c, const http_result& r) {
  if (!r.failure.empty()) return;
  json body;
  std::size_t index = 0;
  if (c.kind == light_post) {
    s.stats.outcomes.add(std::to_string(r.status));
    if (r.status != 200 && r.status != 202) {
      s.stats.failures.add("http_" + std::to_string(r.status));
      return;
    }
    body = json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("request_id")) {
      s.stats.failures.add("bad_body");
      return;
    }
    s.jobs.push_back({body["request_id"].get<std::string>(), c.number, c.caller, c.due});
    index = s.jobs.size() - 1;
  } else {
    if (r.status != 200) {
      s.stats.failures.add("http_" + std::to_string(r.status));
      return;
    }
    body = json::parse(r.body, nullptr, false);
    index = c.job;
  }
  if (body.is_object() && body.value("status", "") == "done") {
    s.stats.record_ok(c.due);
    return;
  }
  auto follow = make_get(s.jobs[index], index, "?wait=2");
  follow.kind = light_wait;
  follow.due = c.due;
  s.submit(std::move(follow));
}

json finish(const options& opt, const char* scenario, run_stats& stats, double seconds) {
  auto out = latency_summary(stats);
  out["scenario"] = scenario;
  out["target"] = opt.label.empty() ? (opt.echo ? "echo" : "factord") : opt.label;
  out["seconds"] = seconds;
  out["ok_per_s"] = static_cast<double>(stats.ok.load()) / seconds;
  out["generator_threads"] = opt.threads;
  return out;
}

// Runs every shard open loop at its share of `rate`, taking calls from the shard's
// `pull`, then reports and checks the accepted jobs (trellis and spike differ only in
// what they pull).
json run_open_loop(const options& opt, const char* name, double rate, run_stats& stats,
                   std::vector<std::unique_ptr<http_shard>>& shards,
                   const std::function<http_shard::pull_fn(std::size_t)>& make_pull) {
  std::vector<std::function<void()>> bodies;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    auto& shard = *shards[i];
    auto done = [&opt](http_shard& s, http_call& c, const http_result& r) {
      handle_answer(s, c, r, opt.echo);
    };
    shard.open_loop(rate / static_cast<double>(shards.size()), make_pull(i), done);
    bodies.push_back([&shard] { shard.run(); });
  }
  progress_reporter reporter(stats, name);
  auto started = clock_type::now();
  run_threads(std::move(bodies), reporter);
  auto out = finish(opt, name, stats, seconds_since(started));
  out["target_rate"] = rate;
  reporter.write_csv(opt.csv);
  if (!opt.echo) out["verify"] = verify_jobs(opt, shards);
  return out;
}

} // namespace

json run_trellis(const options& opt) {
  const long posts = opt.count > 0 ? opt.count : 20000, gets = posts;
  const double rate = opt.rate > 0 ? opt.rate : 800;
  run_stats stats;
  auto shards = make_shards(opt, opt.connections > 0 ? opt.connections : 32, stats);
  return run_open_loop(opt, "trellis", rate, stats, shards, [&](std::size_t i) -> http_shard::pull_fn {
    struct plan {
      long posts_left, gets_left;
      bool post_next = true;
    };
    auto p = std::make_shared<plan>(plan{share(posts, shards.size(), i), share(gets, shards.size(), i)});
    auto pull = [p, &opt](http_shard& s) -> std::optional<http_call> {
      if (p->posts_left == 0 && p->gets_left == 0) return std::nullopt;
      bool post = p->gets_left == 0 || (p->posts_left > 0 && (p->post_next || s.jobs.empty()));
      p->post_next = !p->post_next;
      if (post) {
        --p->posts_left;
        auto c = make_post(random_number(s.rng, 12, 18), pick_caller(s, "trellis", opt.callers));
        c.kind = post_job;
        return c;
      }
      --p->gets_left;
      if (s.jobs.empty()) { // every POST so far failed: ask for an id that cannot exist
        http_call c = make_get({"no-such-job", "1", "trellis-0", {}}, 0);
        c.kind = get_job;
        return c;
      }
      auto k = s.rng() % s.jobs.size();
      auto c = make_get(s.jobs[k], k);
      c.kind = get_job;
      return c;
    };
    return pull;
  });
}

json run_mixed_max(const options& opt) {
  const double duration = opt.duration > 0 ? opt.duration : 20;
  run_stats stats;
  auto shards = make_shards(opt, opt.connections > 0 ? opt.connections : 64, stats);
  auto deadline = clock_type::now() +
                  std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(duration));
  std::vector<std::function<void()>> bodies;
  for (auto& sp : shards) {
    auto& shard = *sp;
    auto pull = [&opt, deadline](http_shard& s) -> std::optional<http_call> {
      if (clock_type::now() >= deadline) return std::nullopt;
      if ((s.rng() & 1) == 0 || (s.jobs.empty() && !opt.echo)) {
        auto c = make_post(random_number(s.rng, 12, 18), pick_caller(s, "mixed", opt.callers));
        c.kind = post_job;
        return c;
      }
      if (opt.echo) {
        http_call c = make_get({"echo", "1", "mixed-0", {}}, 0);
        c.kind = get_job;
        return c;
      }
      auto k = s.rng() % s.jobs.size();
      auto c = make_get(s.jobs[k], k);
      c.kind = get_job;
      return c;
    };
    auto done = [&opt](http_shard& s, http_call& c, const http_result& r) {
      handle_answer(s, c, r, opt.echo);
    };
    shard.closed_loop(pull, done);
    bodies.push_back([&shard] { shard.run(); });
  }
  progress_reporter reporter(stats, "mixed-max");
  auto started = clock_type::now();
  run_threads(std::move(bodies), reporter);
  auto out = finish(opt, "mixed-max", stats, seconds_since(started));
  out["connections"] = opt.connections > 0 ? opt.connections : 64;
  reporter.write_csv(opt.csv);
  if (!opt.echo) out["verify"] = verify_jobs(opt, shards);
  return out;
}

json run_spike(const options& opt) {
  const long total = opt.count > 0 ? opt.count : 10000;
  const double rate = opt.rate > 0 ? opt.rate : 10000;
  run_stats stats;
  auto shards = make_shards(opt, opt.connections > 0 ? opt.connections : 256, stats);
  return run_open_loop(opt, "spike", rate, stats, shards, [&](std::size_t i) -> http_shard::pull_fn {
    auto left = std::make_shared<long>(share(total, shards.size(), i));
    auto pull = [left, &opt](http_shard& s) -> std::optional<http_call> {
      if (*left == 0) return std::nullopt;
      --*left;
      auto c = make_post(random_number(s.rng, 12, 18), pick_caller(s, "spike", opt.callers));
      c.kind = post_job;
      return c;
    };
    return pull;
  });
}

// Heavy caller: one shard, closed loop, floods its jobs as fast as 16 connections go.
// Light callers: another shard, open loop, each caller one job every 200 ms, POST ?wait=2
// then GET ?wait=2 until done; their latency is submit → done as the client sees it.
json run_fairness(const options& opt) {
  const long heavy_jobs = opt.count > 0 ? opt.count : 2000;
  const int light_callers = 4;
  const double duration = opt.duration > 0 ? opt.duration : 10;
  run_stats heavy_stats, light_stats;
  options one = opt;
  one.threads = 1;
  auto heavy = make_shards(one, 16, heavy_stats);
  auto light = make_shards(one, 2 * light_callers, light_stats);
  auto heavy_left = std::make_shared<long>(heavy_jobs);
  heavy[0]->closed_loop(
      [heavy_left](http_shard& s) -> std::optional<http_call> {
        if (*heavy_left == 0) return std::nullopt;
        --*heavy_left;
        auto c = make_post(random_semiprime38(s.rng), "heavy");
        c.kind = post_job;
        return c;
      },
      [](http_shard& s, http_call& c, const http_result& r) { handle_post_answer(s, c, r, false); });
  const double light_rate = light_callers * 5.0;
  auto light_left = std::make_shared<long>(static_cast<long>(light_rate * duration));
  auto next_caller = std::make_shared<int>(0);
  light[0]->open_loop(
      light_rate,
      [light_left, next_caller](http_shard& s) -> std::optional<http_call> {
        if (*light_left == 0) return std::nullopt;
        --*light_left;
        auto c = make_post(random_semiprime38(s.rng),
                           "light-" + std::to_string((*next_caller)++ % light_callers), "?wait=2");
        c.kind = light_post;
        return c;
      },
      follow_to_done);
  std::vector<std::function<void()>> bodies{[&] { heavy[0]->run(); }, [&] { light[0]->run(); }};
  progress_reporter reporter(light_stats, "fairness/light");
  auto started = clock_type::now();
  run_threads(std::move(bodies), reporter);
  auto out = finish(opt, "fairness", light_stats, seconds_since(started));
  out["heavy_accepted"] = heavy[0]->jobs.size();
  out["heavy_submit"] = latency_summary(heavy_stats);
  out["light_callers"] = light_callers;
  reporter.write_csv(opt.csv);
  // One verification over both pools: server-side queued→finished per class.
  std::vector<std::unique_ptr<http_shard>> both;
  both.push_back(std::move(heavy[0]));
  both.push_back(std::move(light[0]));
  out["verify"] = verify_jobs(opt, both);
  return out;
}

// One honest caller ("honest"): small numbers (2–5 digits), one every 1/--rate seconds
// (open loop, default 10/s) for --duration (10 s), each POST ?wait=2 then GET ?wait=2
// until done. Reports submit → done latency and the share of submissions that finished.
json run_honest(const options& opt) {
  const double rate = opt.rate > 0 ? opt.rate : 10;
  const double duration = opt.duration > 0 ? opt.duration : 10;
  run_stats stats;
  options one = opt;
  one.threads = 1;
  auto shards = make_shards(one, opt.connections > 0 ? opt.connections : 8, stats);
  const long total = std::max(1L, static_cast<long>(rate * duration));
  auto left = std::make_shared<long>(total);
  shards[0]->open_loop(
      rate,
      [left](http_shard& s) -> std::optional<http_call> {
        if (*left == 0) return std::nullopt;
        --*left;
        auto c = make_post(random_number(s.rng, 2, 5), "honest", "?wait=2");
        c.kind = light_post;
        return c;
      },
      follow_to_done);
  progress_reporter reporter(stats, "honest");
  auto started = clock_type::now();
  run_threads({[&] { shards[0]->run(); }}, reporter);
  auto out = finish(opt, "honest", stats, seconds_since(started));
  out["submitted"] = total;
  out["success_rate"] = static_cast<double>(stats.ok.load()) / static_cast<double>(total);
  out["target_rate"] = rate;
  reporter.write_csv(opt.csv);
  return out;
}

// An attacker: POSTs only, closed loop over --connections (64) for --duration (10 s),
// as fast as the server answers, caller ids from --callers (invented ids with auth off;
// one credential with --bearer). Nothing is verified; statuses are counted.
json run_flood(const options& opt) {
  const double duration = opt.duration > 0 ? opt.duration : 10;
  run_stats stats;
  auto shards = make_shards(opt, opt.connections > 0 ? opt.connections : 64, stats);
  auto deadline = clock_type::now() +
                  std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(duration));
  std::vector<std::function<void()>> bodies;
  for (auto& sp : shards) {
    auto& shard = *sp;
    shard.closed_loop(
        [&opt, deadline](http_shard& s) -> std::optional<http_call> {
          if (clock_type::now() >= deadline) return std::nullopt;
          auto c = make_post(random_number(s.rng, 12, 18), pick_caller(s, "flood", opt.callers));
          c.kind = post_job;
          return c;
        },
        [](http_shard& s, http_call& c, const http_result& r) {
          handle_post_answer(s, c, r, false);
          s.jobs.clear(); // nothing is checked; don't grow
        });
    bodies.push_back([&shard] { shard.run(); });
  }
  progress_reporter reporter(stats, "flood");
  auto started = clock_type::now();
  run_threads(std::move(bodies), reporter);
  auto out = finish(opt, "flood", stats, seconds_since(started));
  out["connections"] = opt.connections > 0 ? opt.connections : 64;
  reporter.write_csv(opt.csv);
  return out;
}

} // namespace load
