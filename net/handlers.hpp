// REST handlers (API.md "REST", "Operations"). They see a request as plain data and
// answer through a callback, so they know nothing of Beast: http_session.cpp translates.
// Calls into the actors go through actors/registry/client.hpp; `respond` may therefore run on a
// CAF thread, and the session posts the response back to its own strand.
#pragma once

#include "net/errors.hpp"
#include "net/routes.hpp"
#include "net/server_state.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace factord::net {

struct http_request {
  std::string method; // "GET"
  std::string target; // "/v1/jobs?wait=1"
  std::string content_type;
  std::optional<std::string> caller_header; // X-Caller-ID, when sent
  std::string idempotency_key;
  std::string authorization; // console actions: "Bearer <token>"
  std::string body;
  std::string peer_ip; // the client's address: the rate key with --auth off
};

struct http_response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; // extra: Location, Allow, Retry-After
  route which = route::unknown;                             // for factord_http_requests_total
};

using responder = std::function<void(http_response)>;

// An error answer: the mapped status, the JSON body and, when set, Retry-After.
http_response error_response(route which, const http_error& e);
// A job route (REST or WebSocket) on a worker, which takes jobs from Kafka only: 404.
failure job_route_on_worker();
// A JSON body with the given status.
http_response json_response(route which, unsigned status, std::string body);

// Answers exactly once through `respond`.
void handle_request(const std::shared_ptr<server_state>& state, const http_request& req,
                    const responder& respond);

} // namespace factord::net
