// HTTP errors: the one place where net/'s own request errors (net::errc) and the actors'
// errors (actors::api_errc) become a status code, the JSON body API.md promises and,
// for "come back later", a Retry-After:
//   {"error":{"code":"<snake_case>","message":"<what to do>"}}
// Everything else in net/ says fail(errc::..., message) and leaves the status to this file.
#pragma once

#include "actors/protocol/api.hpp"
#include "net/errc.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace factord::net {

// The wire code ("malformed_json") and the status (400) of a code.
std::string_view code_name(errc code);
unsigned http_status(errc code);

struct http_error {
  unsigned status = 400;
  std::string code;                    // snake_case, stable: clients switch on it
  std::string message;                 // for a person: what went wrong and what to do
  std::chrono::seconds retry_after{0}; // > 0: sent as Retry-After (429, 503)
  std::optional<std::size_t> index;    // batch: which number was bad
};

// A 429/503 gets Retry-After: max(retry_after, 1 s).
http_error to_http_error(const failure& f, std::chrono::seconds retry_after = std::chrono::seconds{0});

// The actors' table: invalid_number->422, not_found->404, queue_full->429,
// not_ready->503, bad_request->400. The code is the actor's reason when it gave one.
http_error to_http_error(const actors::api_error& e);

// {"error":{"code":...,"message":...[,"index":n]}}
std::string error_body(const http_error& e);

} // namespace factord::net
