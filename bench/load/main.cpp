// factord-load: load generator for factord (and bench/load/echo-server). See README.md.
#include "scenarios.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace {

const char* usage = R"(usage: factord-load SCENARIO [OPTIONS]

scenarios:
  trellis     COUNT POSTs + COUNT GETs at --rate (open loop), then check every job   (20000, 800/s)
  mixed-max   closed loop, --connections for --duration, 50/50 POST/GET               (64, 20 s)
  spike       COUNT POSTs at --rate (10000 in one second), count 202 vs 429/503       (10000, 10000/s)
  fairness    caller "heavy" floods COUNT 38-digit semiprimes; 4 light callers
              submit one every 200 ms for --duration                                  (2000, 10 s)
  websocket   --sockets x --in-flight numbers outstanding for --duration              (64 x 16, 15 s)
  honest      one caller, small numbers at --rate (10/s) for --duration, POST ?wait=2
              then GET ?wait=2 until done: submit->done latency, success rate          (10/s, 10 s)
  flood       POSTs only, closed loop over --connections for --duration, --callers ids (64, 10 s)
  idle        open --sockets WebSockets (--connections handshakes at once), hold them
              --duration, report VmRSS of --server-pid                                (10000, 10 s)

options:
  --host ADDR --port PORT     server (127.0.0.1:8080)
  --threads N                 generator io threads (1)
  --connections N --rate R --count N --duration S --sockets N --in-flight N
  --callers N                 distinct caller ids (50)
  --verify-max N              accepted jobs to check at the end, random sample (all)
  --verify-timeout S          how long the check waits for jobs to finish (120)
  --echo                      the target is echo-server: count 2xx, check nothing
  --server-pid PID            idle: whose VmRSS to read
  --label NAME                name of the target in the summary
  --csv FILE                  per-second throughput/latency CSV
  --json FILE                 summary as JSON
  --seed N                    random seed (42)
  --bearer TOKEN              send "Authorization: Bearer TOKEN" (WebSocket: ?token=) and no
                              caller id on every request; repeatable
  --bearer-file FILE          one token per line; simulated caller ids map onto them
  --bind ADDR                 connect from this source address (e.g. 127.0.0.2; HTTP only)
)";

bool parse_args(int argc, char** argv, load::options& opt) {
  if (argc < 2) return false;
  opt.scenario = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--echo") {
      opt.echo = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    std::string v = argv[++i];
    if (a == "--host")
      opt.host = v;
    else if (a == "--port")
      opt.port = static_cast<unsigned short>(std::stoi(v));
    else if (a == "--threads")
      opt.threads = std::stoi(v);
    else if (a == "--connections")
      opt.connections = std::stoi(v);
    else if (a == "--rate")
      opt.rate = std::stod(v);
    else if (a == "--count")
      opt.count = std::stol(v);
    else if (a == "--duration")
      opt.duration = std::stod(v);
    else if (a == "--sockets")
      opt.sockets = std::stoi(v);
    else if (a == "--in-flight")
      opt.in_flight = std::stoi(v);
    else if (a == "--callers")
      opt.callers = std::stoi(v);
    else if (a == "--verify-max")
      opt.verify_max = std::stol(v);
    else if (a == "--verify-timeout")
      opt.verify_timeout = std::stod(v);
    else if (a == "--server-pid")
      opt.server_pid = std::stoi(v);
    else if (a == "--label")
      opt.label = v;
    else if (a == "--csv")
      opt.csv = v;
    else if (a == "--json")
      opt.json = v;
    else if (a == "--seed")
      opt.seed = std::stoull(v);
    else if (a == "--bearer")
      opt.tokens.push_back(v);
    else if (a == "--bearer-file") {
      std::ifstream in(v);
      if (!in) {
        std::fprintf(stderr, "cannot read %s\n", v.c_str());
        return false;
      }
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) opt.tokens.push_back(line);
    } else if (a == "--bind")
      opt.bind = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return false;
    }
  }
  return true;
}

void print_row(const char* name, const std::string& value) {
  std::printf("  %-28s %s\n", name, value.c_str());
}

std::string fmt(double v, int decimals = 2) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

void print_summary(const load::json& s) {
  std::printf("\n== %s against %s ==\n", s.value("scenario", "").c_str(), s.value("target", "").c_str());
  if (s.contains("seconds")) print_row("seconds", fmt(s["seconds"].get<double>(), 1));
  print_row("sent / ok", std::to_string(s.value("sent", 0ull)) + " / " + std::to_string(s.value("ok", 0ull)));
  if (s.contains("success_rate"))
    print_row("submitted / success rate", std::to_string(s["submitted"].get<long>()) + " / " +
                                              fmt(100 * s["success_rate"].get<double>(), 1) + " %");
  if (s.contains("ok_per_s")) print_row("ok per second", fmt(s["ok_per_s"].get<double>(), 0));
  print_row("latency p50 / p99 / max ms", fmt(s.value("p50_ms", 0.0)) + " / " + fmt(s.value("p99_ms", 0.0)) +
                                              " / " + fmt(s.value("max_ms", 0.0), 1));
  print_row("failures", s.value("failures", load::json::object()).dump());
  if (s.contains("outcomes") && !s["outcomes"].empty()) print_row("HTTP statuses", s["outcomes"].dump());
  if (s.contains("verify")) {
    auto& v = s["verify"];
    print_row("accepted / checked",
              std::to_string(v.value("accepted", 0ull)) + " / " + std::to_string(v.value("checked", 0ull)));
    print_row("lost / wrong factors",
              std::to_string(v.value("lost", 0ull)) + " / " + std::to_string(v.value("wrong_factors", 0ull)));
    if (v.contains("server_ms"))
      for (auto& [cls, m] : v["server_ms"].items())
        print_row(("server ms " + cls + " p50/p99/max").c_str(),
                  fmt(m["p50"].get<double>(), 0) + " / " + fmt(m["p99"].get<double>(), 0) + " / " +
                      fmt(m["max"].get<double>(), 0) + "  (" + std::to_string(m["jobs"].get<std::size_t>()) +
                      " jobs)");
  }
  if (s.contains("server_rss_mib")) {
    auto& r = s["server_rss_mib"];
    print_row("opened / still open", std::to_string(s.value("opened", 0)) + " / " +
                                         std::to_string(s.value("still_open_after_hold", 0)));
    print_row("server RSS MiB before/open/end", fmt(r["before"].get<double>(), 1) + " / " +
                                                    fmt(r["all_open"].get<double>(), 1) + " / " +
                                                    fmt(r["after_hold"].get<double>(), 1));
    if (s.contains("server_kib_per_socket"))
      print_row("server KiB per socket", fmt(s["server_kib_per_socket"].get<double>(), 1));
  }
  std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
  load::options opt;
  if (!parse_args(argc, argv, opt)) {
    std::fputs(usage, stderr);
    return 2;
  }
  load::json summary;
  if (opt.scenario == "trellis")
    summary = load::run_trellis(opt);
  else if (opt.scenario == "mixed-max")
    summary = load::run_mixed_max(opt);
  else if (opt.scenario == "spike")
    summary = load::run_spike(opt);
  else if (opt.scenario == "fairness")
    summary = load::run_fairness(opt);
  else if (opt.scenario == "websocket")
    summary = load::run_websocket(opt);
  else if (opt.scenario == "honest")
    summary = load::run_honest(opt);
  else if (opt.scenario == "flood")
    summary = load::run_flood(opt);
  else if (opt.scenario == "idle")
    summary = load::run_idle(opt);
  else {
    std::fputs(usage, stderr);
    return 2;
  }
  print_summary(summary);
  if (!opt.json.empty()) std::ofstream(opt.json) << summary.dump(2) << '\n';
  return 0;
}
