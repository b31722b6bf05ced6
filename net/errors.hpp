// HTTP errors: the one place where actor errors (actors::api_errc) and net/'s own
// request errors become a status code and the JSON body API.md promises:
//   {"error":{"code":"<snake_case>","message":"<what to do>"}}
#pragma once

#include "actors/protocol/api.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace factord::net {

struct http_error {
  unsigned status = 400;
  std::string code;                    // snake_case, stable: clients switch on it
  std::string message;                 // for a person: what went wrong and what to do
  std::chrono::seconds retry_after{0}; // > 0: sent as Retry-After (429, 503)
  std::optional<std::size_t> index;    // batch: which number was bad
};

http_error make_http_error(unsigned status, std::string code, std::string message);

// The mapping table: invalid_number->422, not_found->404, queue_full->429,
// not_ready->503, bad_request->400. The code is the actor's reason when it gave one.
http_error from_api_error(const actors::api_error& e);

// {"error":{"code":...,"message":...[,"index":n]}}
std::string error_body(const http_error& e);

} // namespace factord::net
