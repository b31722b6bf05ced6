#include "config/options.hpp"

#include "config/duration.hpp"
#include "config/rate.hpp"

#include <cctype>
#include <charconv>
#include <limits>
#include <thread>
#include <utility>

namespace factord::config {

namespace {

using std::optional;
using std::string;
using std::string_view;

// Every option's one way to refuse a value: the message says what a valid one looks like.
failure<errc> bad_value(string message) { return fail(errc::bad_value, std::move(message)); }

optional<unsigned long long> parse_unsigned(string_view text, unsigned long long max) {
  unsigned long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

result<void, errc> assign_duration(std::chrono::milliseconds& out, string_view text,
                                   std::chrono::milliseconds min) {
  auto d = parse_duration(text);
  if (!d || *d < min)
    return bad_value("expected a duration of at least " + format_duration(min) +
                     " such as 250ms, 5s, 10min or 1h, got '" + string(text) + "'");
  out = *d;
  return {};
}

template <class T>
result<void, errc> assign_count(T& out, string_view text, unsigned long long min, unsigned long long max) {
  auto n = parse_unsigned(text, max);
  if (!n || *n < min)
    return bad_value("expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                     ", got '" + string(text) + "'");
  out = static_cast<T>(*n);
  return {};
}

const std::vector<option_spec> table = {
    {"host", "ADDRESS", "Address to listen on for HTTP and WebSocket.",
     [](const settings& s) { return s.host; },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v.empty()) return bad_value("expected an address such as 127.0.0.1 or 0.0.0.0");
       s.host = string(v);
       return {};
     }},
    {"port", "PORT", "TCP port to listen on (0 picks a free port).",
     [](const settings& s) { return std::to_string(s.port); },
     [](settings& s, string_view v) -> result<void, errc> {
       auto p = parse_unsigned(v, 65535);
       if (!p) return bad_value("expected a port number 0-65535, got '" + string(v) + "'");
       s.port = static_cast<std::uint16_t>(*p);
       return {};
     }},
    {"allowed-origins", "ORIGIN[,..]|*",
     "Web pages (scheme://host[:port]) besides factord's own origin that may open its WebSockets and "
     "console; '*' allows any page. Requests without an Origin header (non-browser clients) pass.",
     [](const settings& s) { return format_origin_list(s.allowed_origins); },
     [](settings& s, string_view v) -> result<void, errc> {
       auto list = parse_origin_list(v);
       if (!list) return bad_value(list.message());
       s.allowed_origins = std::move(list).value();
       return {};
     }},
    {"workers", "N", "Factor worker threads; 0 means one per core.",
     [](const settings& s) { return std::to_string(s.workers); },
     [](settings& s, string_view v) -> result<void, errc> {
       auto n = parse_unsigned(v, 1024);
       if (!n) return bad_value("expected a number of workers 0-1024, got '" + string(v) + "'");
       s.workers = static_cast<unsigned>(*n);
       return {};
     }},
    {"data-dir", "PATH", "Directory for the durable job journal.",
     [](const settings& s) { return s.data_dir; },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v.empty()) return bad_value("expected a directory path");
       s.data_dir = string(v);
       return {};
     }},
    {"ws-idle-timeout", "DURATION",
     "Close a WebSocket that has had nothing in flight and received nothing for this long.",
     [](const settings& s) { return format_duration(s.ws_idle_timeout); },
     [](settings& s, string_view v) {
       return assign_duration(s.ws_idle_timeout, v, std::chrono::milliseconds{1});
     }},
    {"max-digits", "N", "Reject numbers with more decimal digits than this.",
     [](const settings& s) { return std::to_string(s.max_digits); },
     [](settings& s, string_view v) -> result<void, errc> {
       auto n = parse_unsigned(v, 100000);
       if (!n || *n == 0) return bad_value("expected a digit limit 1-100000, got '" + string(v) + "'");
       s.max_digits = static_cast<unsigned>(*n);
       return {};
     }},
    {"job-budget", "DURATION",
     "Longest a single job may compute; past it the job fails with budget_exceeded.",
     [](const settings& s) { return format_duration(s.job_budget); },
     [](settings& s, string_view v) {
       return assign_duration(s.job_budget, v, std::chrono::milliseconds{1});
     }},
    {"time-slice", "DURATION",
     "A job that has run this long while another caller waits parks and gives its worker to that "
     "caller; it resumes where it stopped at its caller's next turn. 0: jobs keep their worker.",
     [](const settings& s) { return format_duration(s.time_slice); },
     [](settings& s, string_view v) {
       return assign_duration(s.time_slice, v, std::chrono::milliseconds{0});
     }},
    {"max-suspended", "N", "Most jobs parked at once (each keeps its memory and a thread); 0: none.",
     [](const settings& s) { return std::to_string(s.max_suspended); },
     [](settings& s, string_view v) { return assign_count(s.max_suspended, v, 0, 4096); }},
    {"max-running-per-caller", "N",
     "Most workers one caller's jobs hold at once. 0: all of them, but only while nobody else "
     "waits (time slices hand them back).",
     [](const settings& s) { return std::to_string(s.max_running_per_caller); },
     [](settings& s, string_view v) { return assign_count(s.max_running_per_caller, v, 0, 1024); }},
    {"log-format", "text|json", "Log line format.",
     [](const settings& s) { return string(s.log == log_format::json ? "json" : "text"); },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v == "text")
         s.log = log_format::text;
       else if (v == "json")
         s.log = log_format::json;
       else
         return bad_value("expected 'text' or 'json', got '" + string(v) + "'");
       return {};
     }},
    {"log-level", "debug|info|warn|error",
     "Least severe log lines written; per-job lines (job_finished) are debug for done jobs.",
     [](const settings& s) {
       constexpr const char* names[] = {"debug", "info", "warn", "error"};
       return string(names[static_cast<int>(s.min_log_level)]);
     },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v == "debug")
         s.min_log_level = log_level::debug;
       else if (v == "info")
         s.min_log_level = log_level::info;
       else if (v == "warn")
         s.min_log_level = log_level::warn;
       else if (v == "error")
         s.min_log_level = log_level::error;
       else
         return bad_value("expected debug, info, warn or error, got '" + string(v) + "'");
       return {};
     }},
    {"kafka", "HOST:PORT[,..]",
     "Kafka bootstrap servers (cluster mode); KAFKA_BOOTSTRAP_SERVERS is honoured too.",
     [](const settings& s) { return s.kafka; },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v.find(':') == string_view::npos)
         return bad_value("expected HOST:PORT[,HOST:PORT...], got '" + string(v) + "'");
       s.kafka = string(v);
       return {};
     }},
    {"max-queued", "N", "Most jobs waiting for a worker, all callers together; beyond: 429.",
     [](const settings& s) { return std::to_string(s.max_queued); },
     [](settings& s, string_view v) { return assign_count(s.max_queued, v, 1, 100'000'000); }},
    {"max-queued-per-caller", "N", "Most jobs waiting for one caller; beyond: 429.",
     [](const settings& s) { return std::to_string(s.max_queued_per_caller); },
     [](settings& s, string_view v) { return assign_count(s.max_queued_per_caller, v, 1, 100'000'000); }},
    {"rate-per-caller", "R",
     "Submissions per second one caller may make (with --auth off: one client IP); a batch of N "
     "counts N. 0: unlimited. Beyond: 429 rate_limited with Retry-After.",
     [](const settings& s) { return format_rate(s.rate_per_caller); },
     [](settings& s, string_view v) -> result<void, errc> {
       auto r = parse_rate(v);
       if (!r)
         return bad_value(
             "expected submissions per second from 0 to 1000000 (0: unlimited), such as 5 or 0.5, got '" +
             string(v) + "'");
       s.rate_per_caller = *r;
       return {};
     }},
    {"burst-per-caller", "N",
     "Submissions one caller may make at once before --rate-per-caller applies (the token "
     "bucket's size). 0: max(1, rate).",
     [](const settings& s) { return std::to_string(s.burst_per_caller); },
     [](settings& s, string_view v) { return assign_count(s.burst_per_caller, v, 0, 1'000'000); }},
    {"max-attempts", "N", "Worker crashes a job may cause before it ends failed.",
     [](const settings& s) { return std::to_string(s.max_attempts); },
     [](settings& s, string_view v) { return assign_count(s.max_attempts, v, 1, 100); }},
    {"retention", "DURATION", "How long finished jobs stay answerable by request id.",
     [](const settings& s) { return format_duration(s.retention); },
     [](settings& s, string_view v) {
       return assign_duration(s.retention, v, std::chrono::milliseconds{1000});
     }},
    {"retention-max-jobs", "N",
     "Most finished jobs kept (memory and journal); beyond, the oldest finished are forgotten "
     "first, before --retention has passed.",
     [](const settings& s) { return std::to_string(s.retention_max_jobs); },
     [](settings& s, string_view v) { return assign_count(s.retention_max_jobs, v, 1, 1'000'000'000); }},
    {"retention-max-bytes", "BYTES",
     "Most memory the finished jobs kept may take (an estimate per job: its strings and "
     "bookkeeping); beyond, the oldest finished are forgotten first, from the journal too.",
     [](const settings& s) { return std::to_string(s.retention_max_bytes); },
     [](settings& s, string_view v) { return assign_count(s.retention_max_bytes, v, 1 << 20, 1ULL << 40); }},
    {"ws-max-in-flight", "N", "Numbers one WebSocket may have in flight; reading pauses at it.",
     [](const settings& s) { return std::to_string(s.ws_max_in_flight); },
     [](settings& s, string_view v) { return assign_count(s.ws_max_in_flight, v, 1, 100000); }},
    {"max-frame-bytes", "BYTES", "Largest WebSocket message accepted; larger closes with 1009.",
     [](const settings& s) { return std::to_string(s.max_frame_bytes); },
     [](settings& s, string_view v) { return assign_count(s.max_frame_bytes, v, 64, 64 << 20); }},
    {"max-body-bytes", "BYTES", "Largest HTTP request body accepted; larger gets 413.",
     [](const settings& s) { return std::to_string(s.max_body_bytes); },
     [](settings& s, string_view v) { return assign_count(s.max_body_bytes, v, 64, 1 << 30); }},
    {"max-connections", "N", "Most open HTTP and WebSocket connections; beyond: refused.",
     [](const settings& s) { return std::to_string(s.max_connections); },
     [](settings& s, string_view v) { return assign_count(s.max_connections, v, 1, 1'000'000); }},
    {"max-connections-per-ip", "N",
     "Most open HTTP and WebSocket connections from one client address; beyond: refused with "
     "503. 0: no limit. Behind a proxy (nginx) the proxy is the client.",
     [](const settings& s) { return std::to_string(s.max_connections_per_ip); },
     [](settings& s, string_view v) { return assign_count(s.max_connections_per_ip, v, 0, 1'000'000); }},
    {"http-idle-timeout", "DURATION", "Close a keep-alive HTTP connection idle this long.",
     [](const settings& s) { return format_duration(s.http_idle_timeout); },
     [](settings& s, string_view v) {
       return assign_duration(s.http_idle_timeout, v, std::chrono::milliseconds{100});
     }},
    {"max-batch", "N", "Most numbers in one POST /v1/jobs:batch; beyond: 422.",
     [](const settings& s) { return std::to_string(s.max_batch); },
     [](settings& s, string_view v) { return assign_count(s.max_batch, v, 1, 1'000'000); }},
    {"io-threads", "N", "Threads serving sockets (Asio).",
     [](const settings& s) { return std::to_string(s.io_threads); },
     [](settings& s, string_view v) { return assign_count(s.io_threads, v, 1, 64); }},
    {"scheduler", "sharing|stealing",
     "CAF scheduler for the short message handlers (sessions, queues, bridges): one shared "
     "queue whose threads sleep when idle, or per-thread queues with polling and stealing.",
     [](const settings& s) {
       return string(s.scheduler == scheduler_policy::stealing ? "stealing" : "sharing");
     },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v == "sharing")
         s.scheduler = scheduler_policy::sharing;
       else if (v == "stealing")
         s.scheduler = scheduler_policy::stealing;
       else
         return bad_value("expected 'sharing' or 'stealing', got '" + string(v) + "'");
       return {};
     }},
    {"scheduler-threads", "N",
     "Threads running the scheduled actors; 0: 1 on up to 2 cores, else half the cores (at most 4). "
     "Factor workers and the Kafka clients have threads of their own.",
     [](const settings& s) { return std::to_string(s.scheduler_threads); },
     [](settings& s, string_view v) { return assign_count(s.scheduler_threads, v, 0, 64); }},
    {"console-token", "TOKEN",
     "Enables the console's actions (close a session, cancel a job, pause/resume a caller, "
     "set a weight) for requests bearing this token; empty: actions are disabled.",
     [](const settings& s) { return s.console_token.empty() ? string() : string("(set)"); },
     [](settings& s, string_view v) -> result<void, errc> {
       if (!v.empty() && v.size() < 16)
         return bad_value("expected a token of at least 16 characters (or empty to disable actions)");
       s.console_token = string(v);
       return {};
     }},
    {"auth", "on|off",
     "on: every REST call and WebSocket needs a credential (an API key from --auth-keys or a "
     "JWT), the caller is the credential's, and a caller sees only its own jobs. off: the caller "
     "is whoever the request names. Unset: off on a loopback --host; any other --host refuses "
     "to start until you choose.",
     [](const settings& s) {
       return string(s.auth == auth_mode::on ? "on" : s.auth == auth_mode::off ? "off" : "");
     },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v == "on")
         s.auth = auth_mode::on;
       else if (v == "off")
         s.auth = auth_mode::off;
       else
         return bad_value("expected 'on' or 'off', got '" + string(v) + "'");
       return {};
     }},
    {"auth-keys", "FILE",
     "API keys: one caller per line with the SHA-256 of its key (`factord keys add CALLER` makes "
     "one). Re-read on SIGHUP and when the file changes.",
     [](const settings& s) { return s.auth_keys; },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v.size() > 4096) return bad_value("expected a path of at most 4096 characters");
       s.auth_keys = string(v);
       return {};
     }},
    {"auth-jwt-secret", "SECRET",
     "Accept JWTs signed with HS256 and this secret (at least 32 characters); `sub` is the caller.",
     [](const settings& s) { return s.auth_jwt_secret.empty() ? string() : string("(set)"); },
     [](settings& s, string_view v) -> result<void, errc> {
       if (!v.empty() && v.size() < 32)
         return bad_value("expected a secret of at least 32 characters (or empty for none)");
       if (v.size() > 4096) return bad_value("expected a secret of at most 4096 characters");
       s.auth_jwt_secret = string(v);
       return {};
     }},
    {"auth-jwt-public-key", "FILE",
     "Accept JWTs signed with RS256 or ES256 by the key whose PEM public key is in FILE.",
     [](const settings& s) { return s.auth_jwt_public_key; },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v.size() > 4096) return bad_value("expected a path of at most 4096 characters");
       s.auth_jwt_public_key = string(v);
       return {};
     }},
    {"metrics-token", "TOKEN",
     "GET /metrics needs `Authorization: Bearer TOKEN` (admins' credentials work too); empty: "
     "/metrics is open.",
     [](const settings& s) { return s.metrics_token.empty() ? string() : string("(set)"); },
     [](settings& s, string_view v) -> result<void, errc> {
       if (!v.empty() && v.size() < 16)
         return bad_value("expected a token of at least 16 characters (or empty for an open /metrics)");
       if (v.size() > 4096) return bad_value("expected a token of at most 4096 characters");
       s.metrics_token = string(v);
       return {};
     }},
    {"topic-prefix", "PREFIX",
     "Cluster mode: Kafka topic names are PREFIX + jobs, results, dlq, commands, client-messages.",
     [](const settings& s) { return s.topic_prefix; },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v.size() > 200) return bad_value("expected at most 200 characters");
       for (char c : v)
         if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
           return bad_value("Kafka topic names allow only [a-zA-Z0-9._-], got '" + string(v) + "'");
       s.topic_prefix = string(v);
       return {};
     }},
    {"node-id", "NAME",
     "Cluster mode: this process's name in logs, metrics and Kafka client ids (default HOST-PID).",
     [](const settings& s) { return s.node_id; },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v.size() > 64) return bad_value("expected at most 64 characters");
       for (char c : v)
         if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
           return bad_value("expected [a-zA-Z0-9._-], got '" + string(v) + "'");
       s.node_id = string(v);
       return {};
     }},
    {"kafka-partitions", "N", "Cluster mode: partitions of the topics factord creates when missing.",
     [](const settings& s) { return std::to_string(s.kafka_partitions); },
     [](settings& s, string_view v) { return assign_count(s.kafka_partitions, v, 1, 1000); }},
    {"kafka-read-ahead", "N",
     "Cluster mode: jobs a worker takes from one partition before pausing it until some finish.",
     [](const settings& s) { return std::to_string(s.kafka_read_ahead); },
     [](settings& s, string_view v) { return assign_count(s.kafka_read_ahead, v, 1, 1'000'000); }},
    {"kafka-timeout", "DURATION",
     "Cluster mode: longest a submission waits for the broker's acknowledgement before 503.",
     [](const settings& s) { return format_duration(s.kafka_timeout); },
     [](settings& s, string_view v) {
       return assign_duration(s.kafka_timeout, v, std::chrono::milliseconds{100});
     }},
    {"journal-sync", "normal|full",
     "normal survives a crash of the process; full also survives power loss (fsync per commit).",
     [](const settings& s) { return string(s.journal_sync_full ? "full" : "normal"); },
     [](settings& s, string_view v) -> result<void, errc> {
       if (v == "normal")
         s.journal_sync_full = false;
       else if (v == "full")
         s.journal_sync_full = true;
       else
         return bad_value("expected 'normal' or 'full', got '" + string(v) + "'");
       return {};
     }},
};

} // namespace

const std::vector<option_spec>& option_table() { return table; }

const option_spec* find_option(std::string_view name) {
  for (const auto& spec : table)
    if (spec.name == name) return &spec;
  return nullptr;
}

std::string env_name(std::string_view option_name) {
  std::string out = "FACTORD_";
  for (char c : option_name)
    out += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

unsigned effective_workers(const settings& s) {
  if (s.workers != 0) return s.workers;
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

} // namespace factord::config
