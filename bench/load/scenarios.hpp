// The scenarios of factord-load and what they share: options, running shards on their
// threads with a progress line every second, and the summary (a JSON object that is
// printed as a table and written for bench/load/run).
#pragma once

#include "stats.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace load {

struct options {
  std::string scenario;
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 1;     // io threads (shards) in the generator
  int connections = 0; // 0: the scenario's default
  double rate = 0;     // open-loop calls per second; 0: scenario default
  long count = 0;      // requests / jobs; 0: scenario default
  double duration = 0; // seconds; 0: scenario default
  int sockets = 0;     // websocket / idle
  int in_flight = 0;   // websocket: numbers in flight per socket
  int callers = 50;
  long verify_max = -1; // accepted jobs to check at the end; -1: all
  double verify_timeout = 120;
  bool echo = false;  // target is bench/load/echo-server: don't parse or verify
  int server_pid = 0; // idle: read this process's VmRSS
  std::string label;  // name in the summary ("factord", "echo")
  std::string csv;    // per-second CSV
  std::string json;   // summary JSON
  std::uint64_t seed = 42;
  // Credentials: with any, every request carries `Authorization: Bearer T` (a WebSocket
  // `?token=T`) and no X-Caller-ID / ?userid (the credential names the caller); a
  // simulated caller id always maps to the same token.
  std::vector<std::string> tokens;
  std::string bind; // source address of the generator's connections ("" = any)

  boost::asio::ip::tcp::endpoint endpoint() const { return {boost::asio::ip::make_address(host), port}; }
};

using json = nlohmann::json;

// Runs `bodies` (one per thread) and ticks `reporter` every second until all returned.
void run_threads(std::vector<std::function<void()>> bodies, progress_reporter& reporter);

// {"requests","ok","p50_ms","p99_ms","p999_ms","max_ms","failures":{...}}
json latency_summary(const run_stats& stats);

// Percentile of plain samples (milliseconds), for server-side timings.
double sample_percentile(std::vector<double> samples, double q);

json run_trellis(const options& opt);
json run_mixed_max(const options& opt);
json run_spike(const options& opt);
json run_fairness(const options& opt);
json run_websocket(const options& opt);
json run_idle(const options& opt);
json run_honest(const options& opt);
json run_flood(const options& opt);

// The token caller `caller` uses ("" without --bearer).
const std::string& token_for(const options& opt, const std::string& caller);

} // namespace load
