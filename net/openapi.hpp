// GET /openapi.json: the OpenAPI 3.0 description of the REST routes (API.md "REST").
#pragma once

#include <string_view>

namespace factord::net {

std::string_view openapi_document();

} // namespace factord::net
