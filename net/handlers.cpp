#include "net/handlers.hpp"

#include "actors/registry/client.hpp"
#include "net/access.hpp"
#include "net/console_routes.hpp"
#include "net/json_codec.hpp"
#include "net/metrics_text.hpp"
#include "net/query.hpp"

#include <algorithm>
#include <chrono>
#include <string_view>

namespace factord::net {

namespace {

using std::chrono::milliseconds;
using state_ptr = std::shared_ptr<server_state>;

http_response job_response(route which, const actors::job& j) {
  auto res = json_response(which, 200, job_to_json(j));
  if (!j.finished()) // tells pollers how long to back off
    res.headers.emplace_back("Retry-After", "1");
  return res;
}

// The per-request inputs every job route needs, taken from the target once.
struct job_request {
  route which;
  std::string id;
  query_params params;
  milliseconds wait{0};
  grant granted; // who is asking (net/access.hpp)
};

// ?wait=S, absent: 0.
result<milliseconds> read_wait(const query_params& params) {
  const auto* w = find_param(params, "wait");
  if (!w) return milliseconds{0};
  return parse_wait(*w);
}

// X-Caller-ID wins over ?caller_id=; with --auth on, the credential's caller (a named one
// must be the same).
result<std::string> read_caller(const http_request& req, const job_request& jr) {
  std::optional<std::string> named;
  if (req.caller_header)
    named = *req.caller_header;
  else if (const auto* q = find_param(jr.params, "caller_id"))
    named = *q;
  if (named)
    if (auto valid = validate_caller_id(*named); !valid) return valid.error();
  auto caller = acting_caller(jr.granted, named);
  if (!caller) return caller.error();
  if (!*caller)
    return fail(errc::missing_caller_id,
                "name the caller with header X-Caller-ID or query parameter caller_id");
  return std::move(**caller);
}

// Who asks for a job by id (GET, DELETE): the job book shows a caller only its own jobs
// (job_book::find_for). With --auth off everyone sees every job, as API.md has it; with
// --auth on an admin credential does.
actors::requester requester_of(const grant& g) {
  if (g.admin || !g.who) return actors::as_admin();
  return actors::as_caller(g.who->caller_id);
}

// Checks shared by the submit routes: caller, content type, readiness. The caller id.
// An Idempotency-Key is kept with its job for --retention: at most 256 bytes of printable
// ASCII (Stripe's rule), so that keys cannot grow memory and the journal.
result<void> check_idempotency_key(std::string_view key) {
  constexpr std::size_t max_key_bytes = 256;
  bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (key.size() <= max_key_bytes && printable) return {};
  return fail(errc::invalid_idempotency_key,
              "the Idempotency-Key header must be at most 256 characters of printable ASCII, got " +
                  std::to_string(key.size()) + " bytes" + (printable ? "" : " with other characters"));
}

result<std::string> check_submit(const state_ptr& state, const http_request& req, const job_request& jr) {
  auto caller = read_caller(req, jr);
  if (!caller) return caller;
  if (auto key = check_idempotency_key(req.idempotency_key); !key) return key.error();
  if (auto json_body = check_json_content_type(req.content_type); !json_body) return json_body.error();
  if (!state->ready.load()) return shutting_down();
  return caller;
}

std::string_view prefix_of(route which) { return which == route::compute ? "/compute/" : "/v1/jobs/"; }

// The submission's limits: the credential's (--auth on) where it sets them, else the options.
actors::submit_limits limits_of(const state_ptr& state, const http_request& req, const job_request& jr,
                                const std::string& caller) {
  const auth::caller_limits* own = jr.granted.who ? &jr.granted.who->limits : nullptr;
  return submit_limits_for(state->settings, own, caller, req.peer_ip);
}

// GitHub-style headers on a submission's answer while a rate limit applies: the bucket's
// size, whole tokens left, and seconds until it is full again.
http_response with_rate(http_response res, const actors::rate_state& rate) {
  if (rate.limit == 0) return res;
  res.headers.emplace_back("X-RateLimit-Limit", std::to_string(rate.limit));
  res.headers.emplace_back("X-RateLimit-Remaining", std::to_string(rate.remaining));
  res.headers.emplace_back("X-RateLimit-Reset", std::to_string(rate.reset_seconds));
  return res;
}

http_response accepted(route which, const actors::job& j) {
  std::string url = std::string{prefix_of(which)} + j.request_id;
  auto res = json_response(which, 202, accepted_to_json(j, url));
  res.headers.emplace_back("Location", std::move(url));
  return res;
}

void submit(const state_ptr& state, const http_request& req, const job_request& jr,
            const responder& respond) {
  auto caller = check_submit(state, req, jr);
  if (!caller) return respond(error_response(jr.which, to_http_error(caller.error())));
  auto number = extract_number(req.body);
  if (!number) return respond(error_response(jr.which, to_http_error(number.error())));
  actors::submission s;
  s.caller_id = std::move(caller).value();
  s.number = std::move(number).value();
  s.idempotency_key = req.idempotency_key;
  s.limits = limits_of(state, req, jr, s.caller_id);
  auto which = jr.which;
  auto wait = jr.wait;
  actors::submit_job(
      state->sys, state->node.jobs, std::move(s), [state, respond, which, wait](const actors::job_reply& r) {
        if (!r.ok) return respond(with_rate(error_response(which, to_http_error(r.error)), r.rate));
        if (r.value.finished())
          return respond(with_rate(json_response(which, 200, job_to_json(r.value)), r.rate));
        if (wait.count() == 0) return respond(with_rate(accepted(which, r.value), r.rate));
        // ?wait: hold the answer; whatever happens, the job was accepted, so never an error.
        actors::fetch_job(state->sys, state->node.jobs, r.value.request_id, wait,
                          actors::as_caller(r.value.caller_id),
                          [respond, which, first = r.value, rate = r.rate](const actors::job_reply& f) {
                            if (f.ok && f.value.finished())
                              respond(with_rate(json_response(which, 200, job_to_json(f.value)), rate));
                            else
                              respond(with_rate(accepted(which, f.ok ? f.value : first), rate));
                          });
      });
}

void submit_batch(const state_ptr& state, const http_request& req, const job_request& jr,
                  const responder& respond) {
  auto caller = check_submit(state, req, jr);
  if (!caller) return respond(error_response(jr.which, to_http_error(caller.error())));
  auto elements = extract_numbers(req.body, state->settings.max_batch);
  if (!elements) return respond(error_response(jr.which, to_http_error(elements.error())));
  actors::batch_submission b;
  b.caller_id = std::move(caller).value();
  b.limits = limits_of(state, req, jr, b.caller_id);
  b.numbers.reserve(elements->size());
  for (std::size_t i = 0; i < elements->size(); ++i) {
    auto& element = (*elements)[i];
    if (!element) { // all or none: the first bad element refuses the batch
      auto e = to_http_error(element.error());
      e.index = i;
      return respond(error_response(jr.which, e));
    }
    b.numbers.push_back(std::move(element).value());
  }
  auto which = jr.which;
  actors::submit_batch(state->sys, state->node.jobs, std::move(b), [respond, which](actors::batch_reply r) {
    if (r.ok) return respond(with_rate(json_response(which, 202, batch_accepted_to_json(r.jobs)), r.rate));
    auto e = to_http_error(r.error);
    if (r.error.code == actors::api_errc::invalid_number) e.index = r.bad_index;
    respond(with_rate(error_response(which, e), r.rate));
  });
}

void fetch(const state_ptr& state, const job_request& jr, std::string id, const responder& respond) {
  auto which = jr.which;
  actors::fetch_job(state->sys, state->node.jobs, std::move(id), jr.wait, requester_of(jr.granted),
                    [respond, which](const actors::job_reply& r) {
                      respond(r.ok ? job_response(which, r.value)
                                   : error_response(which, to_http_error(r.error)));
                    });
}

void cancel(const state_ptr& state, const job_request& jr, const responder& respond) {
  auto which = jr.which;
  actors::cancel_job(state->sys, state->node.jobs, jr.id, requester_of(jr.granted),
                     [respond, which](const actors::job_reply& r) {
                       respond(r.ok ? json_response(which, 200, job_to_json(r.value))
                                    : error_response(which, to_http_error(r.error)));
                     });
}

void metrics(const state_ptr& state, const responder& respond) {
  actors::collect_stats(state->sys, state->node.jobs, state->node.dispatcher,
                        [state, respond](actors::node_stats stats) {
                          stats.workers = config::effective_workers(state->settings);
                          http_response res;
                          res.which = route::metrics;
                          res.content_type = std::string{metrics_content_type};
                          res.body = render_metrics(stats, state->probe.read());
                          respond(std::move(res));
                        });
}

} // namespace

failure job_route_on_worker() {
  return fail(errc::not_found, "this is a factord worker: it takes jobs from Kafka only; "
                               "use a gateway for REST jobs and WebSockets");
}

http_response json_response(route which, unsigned status, std::string body) {
  http_response res;
  res.status = status;
  res.body = std::move(body);
  res.which = which;
  return res;
}

http_response error_response(route which, const http_error& e) {
  auto res = json_response(which, e.status, error_body(e));
  if (e.retry_after.count() > 0)
    res.headers.emplace_back("Retry-After", std::to_string(e.retry_after.count()));
  if (e.status == 401) // RFC 6750: how to authenticate
    res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"factord\"");
  return res;
}

void handle_request(const state_ptr& state, const http_request& req, const responder& respond) {
  auto [path, query] = split_target(req.target);
  auto m = match_route(req.method, path);
  if (m.which == route::unknown)
    return respond(error_response(
        m.which,
        to_http_error(fail(errc::not_found, "no such resource: " + req.method + " " + std::string{path} +
                                                "; GET /openapi.json lists the routes"))));
  if (state->node.role == actors::node_role::worker && is_job_route(m.which))
    return respond(error_response(m.which, to_http_error(job_route_on_worker())));
  if (!m.method_allowed) {
    auto res = error_response(
        m.which, to_http_error(fail(errc::method_not_allowed,
                                    req.method + " is not allowed here; use " + std::string{m.allow})));
    res.headers.emplace_back("Allow", std::string{m.allow});
    return respond(std::move(res));
  }
  auto params = parse_query(query);
  if (!params) return respond(error_response(m.which, to_http_error(params.error())));
  auto granted = check_access(state->settings, state->auth.get(), m.which, {req.authorization, std::nullopt},
                              std::chrono::system_clock::now());
  if (!granted) return respond(error_response(m.which, to_http_error(granted.error())));
  job_request jr{m.which, std::move(m.id), std::move(*params), milliseconds{0}, std::move(granted).value()};
  bool get = req.method == "GET";
  switch (m.which) {
    case route::healthz: return respond(json_response(m.which, 200, R"({"status":"ok"})"));
    case route::readyz:
      if (!state->ready.load()) return respond(error_response(m.which, to_http_error(shutting_down())));
      if (state->node.role == actors::node_role::serve)
        return respond(json_response(m.which, 200, R"({"status":"ready"})"));
      // Cluster roles are ready only while Kafka is reachable (and, on a gateway, once
      // its view of the job topics has caught up).
      return actors::check_ready(state->sys, state->node.jobs, [respond, which = m.which](std::string why) {
        if (why.empty()) return respond(json_response(which, 200, R"({"status":"ready"})"));
        // The node's own words, already "<what>; <what to do>"; 2 s as its kafka_unavailable.
        respond(error_response(
            which, to_http_error(fail(errc::not_ready, std::move(why)), std::chrono::seconds{2})));
      });
    case route::metrics: return metrics(state, respond);
    case route::openapi: return respond(json_response(m.which, 200, state->openapi));
    case route::websocket:
    case route::actors_stream:
      return respond(error_response(
          m.which, to_http_error(fail(errc::upgrade_required,
                                      "this path speaks WebSocket only; connect with a WebSocket client"))));
    case route::actors: return serve_actor_snapshot(state, respond);
    case route::console: return serve_console_asset(jr.id, respond);
    case route::console_actions: return serve_console_action(state, req, jr.granted, respond);
    case route::jobs_batch: return submit_batch(state, req, jr, respond);
    default: break;
  }
  auto wait = read_wait(jr.params);
  if (!wait) return respond(error_response(m.which, to_http_error(wait.error())));
  jr.wait = *wait;
  if (m.which == route::jobs && get) { // GET /v1/jobs?request_id=
    const auto* id = find_param(jr.params, "request_id");
    if (!id || id->empty())
      return respond(error_response(
          m.which, to_http_error(fail(errc::missing_request_id,
                                      "GET /v1/jobs needs ?request_id=; to submit a job, POST it"))));
    return fetch(state, jr, *id, respond);
  }
  if (m.which == route::jobs || m.which == route::compute) return submit(state, req, jr, respond);
  if (get) return fetch(state, jr, jr.id, respond);
  return cancel(state, jr, respond);
}

} // namespace factord::net
