// GET /openapi.json: the OpenAPI 3.0 description of the REST routes (API.md "REST") as this
// server answers them: its authentication, tokens, role and limits decide parts of it.
#pragma once

#include "config/options.hpp"

#include <cstddef>
#include <string>

namespace factord::net {

// What of a server's settings the document depends on.
struct openapi_facts {
  bool auth = false;          // --auth on: every route but health, readiness, the console page
                              // and this document needs Authorization: Bearer
  bool console_token = false; // --console-token set; with auth off, unset disables console actions
  bool metrics_token = false; // --metrics-token set: /metrics needs it
  bool job_routes = true;     // false on a cluster worker, whose job routes are 404
  unsigned max_digits = 0;    // --max-digits
  std::size_t max_batch = 0;  // --max-batch
};

openapi_facts openapi_facts_of(const config::settings& settings, bool job_routes);

// The JSON text, made once per server (server_state::openapi).
std::string openapi_document(const openapi_facts& facts);

} // namespace factord::net
