// websocket (numbers in flight, replies/s) and idle (10,000 quiet sockets, server RSS).
#include "scenarios.hpp"
#include "ws_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fstream>
#include <future>
#include <thread>

namespace load {

namespace {

struct ws_shard {
  asio::io_context ioc;
  std::vector<std::shared_ptr<ws_client>> clients;
};

std::chrono::steady_clock::duration seconds_d(double s) {
  return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
}

// VmRSS of a process in KiB, or -1.
long vm_rss_kib(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

long threads_of(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Threads:", 0) == 0) return std::stol(line.substr(8));
  return -1;
}

} // namespace

json run_websocket(const options& opt) {
  const int sockets = opt.sockets > 0 ? opt.sockets : 64;
  const int in_flight = opt.in_flight > 0 ? opt.in_flight : 16;
  const double duration = opt.duration > 0 ? opt.duration : 15;
  run_stats stats;
  std::vector<std::unique_ptr<ws_shard>> shards;
  for (int t = 0; t < std::max(1, opt.threads); ++t) shards.push_back(std::make_unique<ws_shard>());
  for (int i = 0; i < sockets; ++i) {
    auto& shard = *shards[static_cast<std::size_t>(i) % shards.size()];
    std::string caller = "ws-" + std::to_string(i % std::max(1, opt.callers));
    std::string token = token_for(opt, caller);
    ws_settings settings{opt.endpoint(), std::move(caller), in_flight, opt.echo, std::move(token)};
    shard.clients.push_back(
        std::make_shared<ws_client>(shard.ioc, settings, stats, opt.seed + static_cast<std::uint64_t>(i)));
  }
  auto started = clock_type::now();
  std::vector<std::function<void()>> bodies;
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  for (auto& sp : shards) {
    auto& shard = *sp;
    for (auto& c : shard.clients) c->start([](bool) {});
    auto stop = std::make_unique<asio::steady_timer>(shard.ioc, started + seconds_d(duration));
    // Replies still missing 10 s after the end are counted as unanswered when we close.
    auto grace = std::make_unique<asio::steady_timer>(shard.ioc, started + seconds_d(duration + 10));
    auto poll = std::make_shared<asio::steady_timer>(shard.ioc);
    auto* grace_ptr = grace.get();
    stop->async_wait([&shard, poll, grace_ptr](beast::error_code) {
      for (auto& c : shard.clients) c->stop_sending();
      // Sockets close themselves after their last reply; end early once all did.
      auto check = std::make_shared<std::function<void()>>();
      *check = [&shard, poll, grace_ptr, check] {
        bool any_open = false;
        for (auto& c : shard.clients) any_open = any_open || c->open();
        if (!any_open) {
          grace_ptr->cancel();
          *check = nullptr;
          return;
        }
        poll->expires_after(std::chrono::milliseconds(100));
        poll->async_wait([check](beast::error_code) {
          if (auto f = *check) f();
        });
      };
      auto first = *check;
      first();
    });
    grace->async_wait([&shard](beast::error_code ec) {
      if (ec) return;
      for (auto& c : shard.clients) c->close();
    });
    timers.push_back(std::move(stop));
    timers.push_back(std::move(grace));
    bodies.push_back([&shard] { shard.ioc.run(); });
  }
  progress_reporter reporter(stats, "websocket");
  run_threads(std::move(bodies), reporter);
  auto out = latency_summary(stats);
  double seconds = std::min(duration, std::chrono::duration<double>(clock_type::now() - started).count());
  out["scenario"] = "websocket";
  out["target"] = opt.label.empty() ? (opt.echo ? "echo" : "factord") : opt.label;
  out["seconds"] = seconds;
  out["ok_per_s"] = static_cast<double>(stats.ok.load()) / seconds;
  out["sockets"] = sockets;
  out["in_flight_per_socket"] = in_flight;
  out["generator_threads"] = opt.threads;
  reporter.write_csv(opt.csv);
  return out;
}

json run_idle(const options& opt) {
  const int sockets = opt.sockets > 0 ? opt.sockets : 10000;
  const double hold = opt.duration > 0 ? opt.duration : 10;
  const int window = opt.connections > 0 ? opt.connections : 200; // handshakes in progress at once
  run_stats stats;
  std::vector<std::unique_ptr<ws_shard>> shards;
  for (int t = 0; t < std::max(1, opt.threads); ++t) shards.push_back(std::make_unique<ws_shard>());
  std::atomic<int> settled{0}, opened{0};
  long rss_before = vm_rss_kib(opt.server_pid);
  long threads_before = threads_of(opt.server_pid);
  using guard_t = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<guard_t>> guards;
  std::vector<std::thread> threads;
  auto started = clock_type::now();
  for (std::size_t t = 0; t < shards.size(); ++t) {
    auto& shard = *shards[t];
    guards.push_back(std::make_unique<guard_t>(shard.ioc.get_executor()));
    int mine = sockets / static_cast<int>(shards.size()) +
               (static_cast<int>(t) < sockets % static_cast<int>(shards.size()) ? 1 : 0);
    for (int i = 0; i < mine; ++i) {
      std::string caller = "idle-" + std::to_string(i % std::max(1, opt.callers));
      std::string token = token_for(opt, caller);
      ws_settings settings{opt.endpoint(), std::move(caller), 0, opt.echo, std::move(token)};
      shard.clients.push_back(
          std::make_shared<ws_client>(shard.ioc, settings, stats, opt.seed + static_cast<std::uint64_t>(i)));
    }
    // A bounded window of handshakes: each finished one starts the next.
    auto next = std::make_shared<std::size_t>(0);
    auto launch = std::make_shared<std::function<void()>>();
    *launch = [&shard, &stats, &settled, &opened, next, launch]() {
      if (*next >= shard.clients.size()) return;
      auto c = shard.clients[(*next)++];
      auto t0 = clock_type::now();
      stats.sent.fetch_add(1, std::memory_order_relaxed);
      c->start([&stats, &settled, &opened, t0, launch](bool ok) {
        if (ok) {
          stats.record_ok(t0);
          opened.fetch_add(1);
        }
        settled.fetch_add(1);
        (*launch)();
      });
    };
    int first = window / static_cast<int>(shards.size()) + 1;
    asio::post(shard.ioc, [launch, first] {
      for (int i = 0; i < first; ++i) (*launch)();
    });
    threads.emplace_back([&shard] { shard.ioc.run(); });
  }
  progress_reporter reporter(stats, "idle");
  json rss_samples = json::array();
  auto sample = [&](const char* phase) {
    double t = std::chrono::duration<double>(clock_type::now() - started).count();
    long rss = vm_rss_kib(opt.server_pid);
    rss_samples.push_back({{"t", t}, {"phase", phase}, {"rss_kib", rss}, {"open", opened.load()}});
    std::fprintf(stderr, "[idle] t=%5.1fs %s open=%d server_rss=%.1f MiB\n", t, phase, opened.load(),
                 static_cast<double>(rss) / 1024.0);
  };
  while (settled.load() < sockets) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    reporter.tick();
    sample("opening");
  }
  double open_seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  long rss_open = vm_rss_kib(opt.server_pid);
  auto hold_end = clock_type::now() + seconds_d(hold);
  while (clock_type::now() < hold_end) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    sample("holding");
  }
  long rss_end = vm_rss_kib(opt.server_pid);
  long threads_end = threads_of(opt.server_pid);
  int still_open = 0;
  for (auto& sp : shards) {
    // Read the flags on the shard's thread; count once all have answered.
    std::promise<int> counted;
    asio::post(sp->ioc, [&sp, &counted] {
      int n = 0;
      for (auto& c : sp->clients) n += c->open() ? 1 : 0;
      for (auto& c : sp->clients) c->close();
      counted.set_value(n);
    });
    still_open += counted.get_future().get();
  }
  for (auto& g : guards) g->reset();
  for (auto& t : threads) t.join();
  reporter.write_csv(opt.csv);
  auto out = latency_summary(stats); // latency here is the WebSocket handshake
  out["scenario"] = "idle";
  out["target"] = opt.label.empty() ? "factord" : opt.label;
  out["sockets"] = sockets;
  out["opened"] = opened.load();
  out["still_open_after_hold"] = still_open;
  out["open_seconds"] = open_seconds;
  out["hold_seconds"] = hold;
  out["server_rss_mib"] = {{"before", static_cast<double>(rss_before) / 1024.0},
                           {"all_open", static_cast<double>(rss_open) / 1024.0},
                           {"after_hold", static_cast<double>(rss_end) / 1024.0}};
  out["server_threads"] = {{"before", threads_before}, {"after_hold", threads_end}};
  if (opened.load() > 0)
    out["server_kib_per_socket"] = static_cast<double>(rss_end - rss_before) / opened.load();
  out["rss_samples"] = rss_samples;
  out["generator_threads"] = opt.threads;
  return out;
}

} // namespace load
