#include "net/metrics_text.hpp"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <utility>

namespace factord::net {

namespace {

class writer {
public:
  void header(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help; // our own constant text: no backslash or newline to escape
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(std::string_view name,
              std::initializer_list<std::pair<std::string_view, std::string_view>> labels, double value) {
    out_ += name;
    if (labels.size() > 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [k, v] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += k;
        out_ += "=\"";
        out_ += escape_label_value(v);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += format_sample(value);
    out_ += '\n';
  }
  void single(std::string_view name, std::string_view type, std::string_view help, double value) {
    header(name, type, help);
    sample(name, {}, value);
  }
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

double as_double(std::uint64_t v) { return static_cast<double>(v); }

} // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_sample(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc{}) return "NaN";
  return std::string(buf, end);
}

std::string render_metrics(const actors::node_stats& node, const http_probe::snapshot& http) {
  writer w;
  const auto& reg = node.registry;

  w.header("factord_jobs_total", "counter", "Jobs by outcome since the process started.");
  for (auto [outcome, count] : {std::pair{"accepted", reg.accepted}, std::pair{"done", reg.done},
                                std::pair{"failed", reg.failed}, std::pair{"cancelled", reg.cancelled},
                                std::pair{"rejected", reg.rejected}, std::pair{"requeued", reg.requeued}})
    w.sample("factord_jobs_total", {{"outcome", outcome}}, as_double(count));
  // Every reason, zeros included, so a rate() over it has a series from the start.
  w.header("factord_refusals_total", "counter",
           "Submissions refused, by reason (rate_limited, queue_full, invalid_number, not_ready, ...).");
  for (std::size_t code = 0; code < reg.refused.size(); ++code)
    w.sample("factord_refusals_total", {{"reason", actors::to_string(static_cast<actors::api_errc>(code))}},
             as_double(reg.refused[code]));
  w.single("factord_jobs_queued", "gauge", "Jobs waiting for a worker.", as_double(reg.queued));
  w.single("factord_jobs_running", "gauge", "Jobs on a worker.", as_double(reg.running));
  w.single("factord_jobs_known", "gauge", "Jobs held in memory, all states.", as_double(reg.known));
  w.single("factord_journal_commits_total", "counter", "Journal commits.", as_double(reg.journal_commits));
  w.single("factord_journal_errors_total", "counter", "Failed journal writes.",
           as_double(reg.journal_errors));
  w.single("factord_callers_waiting", "gauge", "Callers with queued work in the round-robin ring.",
           as_double(node.callers_waiting));
  w.single("factord_jobs_suspended", "gauge",
           "Running jobs parked at the end of a time slice, waiting for their caller's turn.",
           as_double(node.jobs_suspended));
  w.single("factord_job_suspensions_total", "counter",
           "Time slices that ended with the job parked so that another caller could run.",
           as_double(node.suspensions));
  w.header("factord_caller_queue_depth", "gauge", "Queued jobs of the deepest caller queues (at most 10).");
  for (const auto& [caller, depth] : node.deepest_callers)
    w.sample("factord_caller_queue_depth", {{"caller", caller}}, as_double(depth));
  w.single("factord_workers", "gauge", "Factor workers.", as_double(node.workers));
  w.single("factord_workers_busy", "gauge", "Factor workers running a job.", as_double(node.workers_busy));
  w.single("factord_workers_restarted_total", "counter", "Factor workers restarted after a crash.",
           as_double(node.workers_restarted));
  w.single("factord_worker_busy_seconds_total", "counter", "Seconds factor workers spent on jobs.",
           reg.worker_busy_seconds);

  w.header("factord_job_latency_seconds", "histogram", "Seconds from acceptance to finish of done jobs.");
  for (std::size_t i = 0; i < reg.latency_bounds.size() && i < reg.latency_counts.size(); ++i)
    w.sample("factord_job_latency_seconds_bucket", {{"le", format_sample(reg.latency_bounds[i])}},
             as_double(reg.latency_counts[i]));
  w.sample("factord_job_latency_seconds_bucket", {{"le", "+Inf"}}, as_double(reg.latency_count));
  w.sample("factord_job_latency_seconds_sum", {}, reg.latency_sum);
  w.sample("factord_job_latency_seconds_count", {}, as_double(reg.latency_count));

  w.single("factord_ws_sessions", "gauge", "Open WebSocket sessions.", as_double(node.ws_sessions));

  w.header("factord_http_requests_total", "counter", "HTTP requests by route template and status.");
  for (std::size_t r = 0; r < route_count; ++r)
    for (std::size_t k = 0; k < http_probe::status_slots; ++k)
      if (auto n = http.requests[r][k]; n > 0) // zero series would be 16 x 11 lines of noise
        w.sample("factord_http_requests_total",
                 {{"route", route_label(static_cast<route>(r))}, {"status", http_probe::status_label(k)}},
                 as_double(n));
  w.header("factord_http_request_duration_seconds", "histogram",
           "Seconds from a request read to its response ready.");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < http_probe::duration_bounds.size(); ++b) {
    cumulative += http.duration_buckets[b];
    w.sample("factord_http_request_duration_seconds_bucket",
             {{"le", format_sample(http_probe::duration_bounds[b])}}, as_double(cumulative));
  }
  cumulative += http.duration_buckets.back();
  w.sample("factord_http_request_duration_seconds_bucket", {{"le", "+Inf"}}, as_double(cumulative));
  w.sample("factord_http_request_duration_seconds_sum", {}, http.duration_sum);
  w.sample("factord_http_request_duration_seconds_count", {}, as_double(cumulative));
  w.single("factord_connections_open", "gauge", "Open HTTP and WebSocket connections.",
           static_cast<double>(http.connections_open));
  w.single("factord_connections_rejected_total", "counter",
           "Connections closed at accept because max-connections was reached.",
           as_double(http.connections_rejected));
  return w.take();
}

} // namespace factord::net
