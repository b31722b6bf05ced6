#include "net/errors.hpp"
#include "net/handlers.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using factord::actors::api_errc;
using factord::actors::api_error;
using factord::net::from_api_error;
using nlohmann::json;

TEST_CASE("api_errc maps to the HTTP status table", "[net]") {
  struct row {
    api_errc code;
    unsigned status;
    bool retry;
  };
  for (auto r : {row{api_errc::invalid_number, 422, false}, row{api_errc::not_found, 404, false},
                 row{api_errc::queue_full, 429, true}, row{api_errc::not_ready, 503, true},
                 row{api_errc::bad_request, 400, false}}) {
    api_error e;
    e.code = r.code;
    auto h = from_api_error(e);
    CHECK(h.status == r.status);
    CHECK_FALSE(h.code.empty());
    CHECK_FALSE(h.message.empty());
    CHECK((h.retry_after.count() >= 1) == r.retry);
  }
}

TEST_CASE("the actor's reason becomes the code, its retry hint is kept", "[net]") {
  api_error e{api_errc::invalid_number, "too_many_digits", "at most 300 digits; pass a smaller number", {}};
  auto h = from_api_error(e);
  CHECK(h.status == 422);
  CHECK(h.code == "too_many_digits");
  CHECK(h.message == "at most 300 digits; pass a smaller number");
  api_error full{api_errc::queue_full, "caller_queue_full", "", std::chrono::seconds{7}};
  CHECK(from_api_error(full).retry_after == std::chrono::seconds{7});
  CHECK(from_api_error(full).code == "caller_queue_full");
}

TEST_CASE("error bodies and responses follow API.md", "[net]") {
  auto e = factord::net::make_http_error(400, "missing_caller_id", "say who you are");
  CHECK(json::parse(factord::net::error_body(e)) ==
        json({{"error", {{"code", "missing_caller_id"}, {"message", "say who you are"}}}}));
  e.index = 3;
  CHECK(json::parse(factord::net::error_body(e))["error"]["index"] == 3);
  e.message = "bad byte \xff";
  CHECK_NOTHROW(json::parse(factord::net::error_body(e)));

  api_error busy{api_errc::not_ready, "", "", {}};
  auto res = factord::net::error_response(factord::net::route::jobs, from_api_error(busy));
  CHECK(res.status == 503);
  CHECK(res.content_type == "application/json");
  REQUIRE(res.headers.size() == 1);
  CHECK(res.headers[0] == std::pair<std::string, std::string>{"Retry-After", "1"});
}
