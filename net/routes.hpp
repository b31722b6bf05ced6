// Which handler a request goes to, decided from method and path alone. The route is also
// the `route` label of factord_http_requests_total, so the set is fixed and small: a job
// id never becomes a label (`/v1/jobs/{id}`).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace factord::net {

enum class route : unsigned char {
  jobs,          // POST /v1/jobs, GET /v1/jobs?request_id=
  jobs_batch,    // POST /v1/jobs:batch
  job_by_id,     // GET, DELETE /v1/jobs/{id}
  compute,       // POST /compute (older API)
  compute_by_id, // GET, DELETE /compute/{id}
  healthz,
  readyz,
  metrics,
  openapi,
  websocket,       // GET /ws and GET / (upgrade only)
  actors,          // GET /v1/actors: the console's snapshot
  actors_stream,   // GET /v1/actors/stream (upgrade only): snapshot, then deltas
  console,         // GET /console and /console/{asset}: the inspection page
  console_actions, // POST /v1/console/actions (bearer token)
  unknown,         // anything else: 404
};

// Routes that submit, read or cancel jobs, or open a job WebSocket (not on a worker).
inline constexpr bool is_job_route(route r) {
  return r == route::jobs || r == route::jobs_batch || r == route::job_by_id || r == route::compute ||
         r == route::compute_by_id || r == route::websocket;
}

inline constexpr std::size_t route_count = static_cast<std::size_t>(route::unknown) + 1;

// "/v1/jobs/{id}" etc.; "other" for unknown.
std::string_view route_label(route r);

// Longest request id accepted in a path; longer ones cannot exist, so they are a 404.
inline constexpr std::size_t max_request_id_chars = 128;

struct route_match {
  route which = route::unknown;
  std::string id;              // job_by_id, compute_by_id; console: the asset ("" = page)
  bool method_allowed = false; // false on a known path: 405 with `allow`
  std::string_view allow;      // "GET, DELETE"
};

// `path` is the target without its query. One trailing slash is ignored ("/v1/jobs/").
route_match match_route(std::string_view method, std::string_view path);

// "/v1/jobs?wait=1" -> path "/v1/jobs", query "wait=1". Cannot fail: a broken query is
// parse_query's to report (malformed_query).
struct target_parts {
  std::string_view path;
  std::string_view query;
};
target_parts split_target(std::string_view target);

} // namespace factord::net
