#include "net/metrics_text.hpp"

#include <catch2/catch.hpp>

using factord::net::escape_label_value;
using factord::net::format_sample;
using factord::net::http_probe;

namespace {
bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}
} // namespace

TEST_CASE("label values are escaped per the Prometheus text format", "[net]") {
  CHECK(escape_label_value("alice") == "alice");
  CHECK(escape_label_value(R"(a"b)") == R"(a\"b)");
  CHECK(escape_label_value(R"(a\b)") == R"(a\\b)");
  CHECK(escape_label_value("a\nb") == R"(a\nb)");
  CHECK(escape_label_value("\\\"\n") == R"(\\\"\n)");
  CHECK(escape_label_value("tab\tand ü") == "tab\tand ü");
}

TEST_CASE("sample values", "[net]") {
  CHECK(format_sample(0) == "0");
  CHECK(format_sample(42) == "42");
  CHECK(format_sample(0.005) == "0.005");
  CHECK(format_sample(1e21) == "1e+21");
  CHECK(format_sample(1.0 / 0.0) == "+Inf");
  CHECK(format_sample(-1.0 / 0.0) == "-Inf");
  CHECK(format_sample(0.0 / 0.0) == "NaN");
}

TEST_CASE("render_metrics writes every family with bounded labels", "[net]") {
  factord::actors::node_stats node;
  node.registry.accepted = 10;
  node.registry.done = 7;
  node.registry.queued = 2;
  node.registry.latency_bounds = {0.1, 1};
  node.registry.latency_counts = {3, 6};
  node.registry.latency_count = 7;
  node.registry.latency_sum = 4.5;
  node.workers = 2;
  node.deepest_callers = {{"bob \"the\" builder", 5}};
  node.ws_sessions = 3;
  node.registry.refused[static_cast<std::size_t>(factord::actors::api_errc::rate_limited)] = 4;
  node.registry.refused[static_cast<std::size_t>(factord::actors::api_errc::queue_full)] = 1;

  http_probe probe;
  probe.observe(factord::net::route::job_by_id, 200, 0.002);
  probe.observe(factord::net::route::job_by_id, 200, 0.002);
  probe.observe(factord::net::route::unknown, 418, 3.0);
  probe.connection_opened();

  auto text = factord::net::render_metrics(node, probe.read());
  CHECK(has_line(text, "# TYPE factord_jobs_total counter"));
  CHECK(has_line(text, R"(factord_jobs_total{outcome="accepted"} 10)"));
  CHECK(has_line(text, R"(factord_jobs_total{outcome="done"} 7)"));
  CHECK(has_line(text, "factord_jobs_queued 2"));
  CHECK(has_line(text, R"(factord_caller_queue_depth{caller="bob \"the\" builder"} 5)"));
  CHECK(has_line(text, "factord_workers 2"));
  CHECK(has_line(text, "factord_ws_sessions 3"));
  CHECK(has_line(text, R"(factord_job_latency_seconds_bucket{le="0.1"} 3)"));
  CHECK(has_line(text, R"(factord_job_latency_seconds_bucket{le="+Inf"} 7)"));
  CHECK(has_line(text, "factord_job_latency_seconds_count 7"));
  CHECK(has_line(text, R"(factord_http_requests_total{route="/v1/jobs/{id}",status="200"} 2)"));
  CHECK(has_line(text, R"(factord_http_requests_total{route="other",status="other"} 1)"));
  CHECK(has_line(text, R"(factord_http_request_duration_seconds_bucket{le="0.0025"} 2)"));
  CHECK(has_line(text, R"(factord_http_request_duration_seconds_bucket{le="2.5"} 2)"));
  CHECK(has_line(text, R"(factord_http_request_duration_seconds_bucket{le="+Inf"} 3)"));
  CHECK(has_line(text, "factord_http_request_duration_seconds_count 3"));
  CHECK(has_line(text, "factord_connections_open 1"));
  CHECK(has_line(text, "# TYPE factord_refusals_total counter"));
  CHECK(has_line(text, R"(factord_refusals_total{reason="rate_limited"} 4)"));
  CHECK(has_line(text, R"(factord_refusals_total{reason="queue_full"} 1)"));
  CHECK(has_line(text, R"(factord_refusals_total{reason="invalid_number"} 0)"));
  CHECK(text.back() == '\n');
}
