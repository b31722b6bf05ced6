// Drives many http_connections on one io_context (one shard per io thread; shards share
// nothing but run_stats). Two pacing modes:
//  - open loop: calls are created at a fixed rate whatever the server does; a call that
//    finds no free connection waits in a backlog, and its latency counts from when it
//    was due (no coordinated omission);
//  - closed loop: every connection issues its next call as soon as the last one ended.
#pragma once

#include "http_connection.hpp"
#include "stats.hpp"

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <string>
#include <optional>
#include <random>
#include <vector>

namespace load {

struct http_call {
  http::verb method = http::verb::get;
  std::string target;
  std::string body;
  std::string caller;
  int kind = 0;                 // scenario-defined (post, get, verify, ...)
  std::size_t job = 0;          // index into http_shard::jobs, when it refers to one
  std::string number;           // the number a POST submits
  clock_type::time_point due{}; // latency is measured from here
};

// A job the server accepted (202), remembered for GETs and the final check.
struct accepted_job {
  std::string id;
  std::string number;
  std::string caller;
  clock_type::time_point submitted{};
};

class http_shard {
public:
  using pull_fn = std::function<std::optional<http_call>(http_shard&)>;
  using done_fn = std::function<void(http_shard&, http_call&, const http_result&)>;

  http_shard(tcp::endpoint server, int connections, run_stats& stats, std::uint64_t seed);
  // Every connection connects from `source` (call before any work).
  void bind_to(asio::ip::address source);

  // Both set the work up; run() (on this shard's thread) returns when pull() said
  // "no more" and every call has finished.
  void open_loop(double calls_per_second, pull_fn pull, done_fn done);
  void closed_loop(pull_fn pull, done_fn done);
  void run() {
    ioc.run();
    ioc.restart();
  }
  // A follow-up call (e.g. a GET ?wait after a 202), keeping its `due`; call from this
  // shard's thread.
  void submit(http_call call);

  asio::io_context ioc;
  std::mt19937_64 rng;
  std::vector<accepted_job> jobs;
  run_stats& stats;
  const std::vector<std::string>* tokens = nullptr; // see options::tokens

private:
  void tick();
  void start(std::shared_ptr<http_connection> conn, http_call call);
  void finished(std::shared_ptr<http_connection> conn);

  std::vector<std::shared_ptr<http_connection>> idle_;
  std::deque<http_call> backlog_;
  asio::steady_timer ticker_;
  pull_fn pull_;
  done_fn done_;
  bool open_loop_ = false;
  bool source_dry_ = false;
  double rate_ = 0;
  std::uint64_t issued_ = 0;
  clock_type::time_point started_{};
};

} // namespace load
