#include "net/errors.hpp"
#include "net/handlers.hpp"
#include "net/http_probe.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

using factord::actors::api_errc;
using factord::actors::api_error;
using factord::net::errc;
using factord::net::to_http_error;
using nlohmann::json;

namespace {

// What API.md (and HTTP, for 401/403/421/426/431) promises for each of net/'s errors; written
// out again here, not derived from the table, so a changed row fails this test.
struct expected_row {
  errc code;
  unsigned status;
  const char* name;
};

const std::vector<expected_row>& expected_net_table() {
  static const std::vector<expected_row> rows{
      {errc::malformed_request, 400, "malformed_request"},
      {errc::malformed_query, 400, "malformed_query"},
      {errc::malformed_json, 400, "malformed_json"},
      {errc::expected_object, 400, "expected_object"},
      {errc::duplicate_field, 400, "duplicate_field"},
      {errc::missing_number, 400, "missing_number"},
      {errc::missing_numbers, 400, "missing_numbers"},
      {errc::missing_caller_id, 400, "missing_caller_id"},
      {errc::invalid_caller_id, 400, "invalid_caller_id"},
      {errc::invalid_wait, 400, "invalid_wait"},
      {errc::invalid_idempotency_key, 400, "invalid_idempotency_key"},
      {errc::missing_request_id, 400, "missing_request_id"},
      {errc::invalid_interval, 400, "invalid_interval"},
      {errc::missing_action, 400, "missing_action"},
      {errc::unauthorized, 401, "unauthorized"},
      {errc::actions_disabled, 403, "actions_disabled"},
      {errc::caller_mismatch, 403, "caller_mismatch"},
      {errc::admin_required, 403, "admin_required"},
      {errc::origin_not_allowed, 403, "origin_not_allowed"},
      {errc::not_found, 404, "not_found"},
      {errc::method_not_allowed, 405, "method_not_allowed"},
      {errc::request_timeout, 408, "request_timeout"},
      {errc::body_too_large, 413, "body_too_large"},
      {errc::unsupported_media_type, 415, "unsupported_media_type"},
      {errc::host_not_allowed, 421, "host_not_allowed"},
      {errc::not_a_number, 422, "not_a_number"},
      {errc::not_an_array, 422, "not_an_array"},
      {errc::empty_batch, 422, "empty_batch"},
      {errc::batch_too_large, 422, "batch_too_large"},
      {errc::unknown_action, 422, "unknown_action"},
      {errc::invalid_actor, 422, "invalid_actor"},
      {errc::invalid_request_id, 422, "invalid_request_id"},
      {errc::invalid_action_caller, 422, "invalid_caller_id"},
      {errc::invalid_weight, 422, "invalid_weight"},
      {errc::action_failed, 422, "action_failed"},
      {errc::upgrade_required, 426, "upgrade_required"},
      {errc::headers_too_large, 431, "headers_too_large"},
      {errc::not_ready, 503, "not_ready"},
      {errc::too_many_connections, 503, "too_many_connections"},
      {errc::too_many_viewers, 503, "too_many_viewers"},
  };
  return rows;
}

} // namespace

TEST_CASE("every net::errc maps to its API.md status and wire code", "[net]") {
  const auto& rows = expected_net_table();
  REQUIRE(rows.size() == factord::net::errc_count); // a new errc needs a row here too
  std::set<errc> seen;
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(seen.insert(r.code).second);
    CHECK(factord::net::http_status(r.code) == r.status);
    CHECK(factord::net::code_name(r.code) == r.name);
    auto h = to_http_error(factord::fail(r.code, "what to do"));
    CHECK(h.status == r.status);
    CHECK(h.code == r.name);
    CHECK(h.message == "what to do");
    CHECK_FALSE(h.index);
    // Only "come back later" answers carry Retry-After, and they always do.
    bool retry = r.status == 429 || r.status == 503;
    CHECK((h.retry_after.count() >= 1) == retry);
  }
}

TEST_CASE("wire codes are snake_case and shared only where the table says so", "[net]") {
  std::map<std::string, std::set<unsigned>> statuses_by_code;
  for (const auto& r : expected_net_table()) {
    std::string name = r.name;
    INFO(name);
    CHECK(std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }));
    statuses_by_code[name].insert(r.status);
  }
  for (const auto& [code, statuses] : statuses_by_code) {
    INFO(code);
    // invalid_caller_id: 400 for the request's caller, 422 for a console action's argument.
    CHECK(statuses.size() == (code == "invalid_caller_id" ? 2u : 1u));
  }
}

TEST_CASE("every status an error maps to has its own metrics label", "[net]") {
  const auto& known = factord::net::http_probe::statuses;
  auto labelled = [&](unsigned s) { return std::find(known.begin(), known.end(), s) != known.end(); };
  for (const auto& r : expected_net_table()) CHECK(labelled(r.status));
  for (auto c : {api_errc::invalid_number, api_errc::not_found, api_errc::queue_full, api_errc::not_ready,
                 api_errc::bad_request, api_errc::rate_limited})
    CHECK(labelled(to_http_error(api_error{c, "", "", {}}).status));
}

TEST_CASE("a retryable net error keeps a longer retry hint", "[net]") {
  auto f = factord::fail(errc::not_ready, "later");
  CHECK(to_http_error(f).retry_after == std::chrono::seconds{1});
  CHECK(to_http_error(f, std::chrono::seconds{2}).retry_after == std::chrono::seconds{2});
  CHECK(to_http_error(factord::fail(errc::not_found, "no"), std::chrono::seconds{2}).retry_after.count() ==
        0);
}

TEST_CASE("not_ready has one shape: what is not ready, then what to do", "[net]") {
  auto console = factord::net::not_ready("the console is not running");
  CHECK(console.code == errc::not_ready);
  CHECK(console.message == "the console is not running; retry shortly");
  auto stopping = factord::net::shutting_down();
  CHECK(stopping.code == errc::not_ready);
  CHECK(stopping.message == "the server is shutting down; retry on another instance");
  auto h = to_http_error(stopping);
  CHECK(h.status == 503);
  CHECK(h.code == "not_ready");
  CHECK(h.retry_after == std::chrono::seconds{1});
}

TEST_CASE("api_errc maps to the HTTP status table", "[net]") {
  struct row {
    api_errc code;
    unsigned status;
    bool retry;
  };
  for (auto r : {row{api_errc::invalid_number, 422, false}, row{api_errc::not_found, 404, false},
                 row{api_errc::queue_full, 429, true}, row{api_errc::not_ready, 503, true},
                 row{api_errc::bad_request, 400, false}, row{api_errc::rate_limited, 429, true}}) {
    api_error e;
    e.code = r.code;
    auto h = to_http_error(e);
    CHECK(h.status == r.status);
    CHECK_FALSE(h.code.empty());
    CHECK_FALSE(h.message.empty());
    CHECK((h.retry_after.count() >= 1) == r.retry);
  }
}

TEST_CASE("the actor's reason becomes the code, its retry hint is kept", "[net]") {
  api_error e{api_errc::invalid_number, "too_many_digits", "at most 300 digits; pass a smaller number", {}};
  auto h = to_http_error(e);
  CHECK(h.status == 422);
  CHECK(h.code == "too_many_digits");
  CHECK(h.message == "at most 300 digits; pass a smaller number");
  api_error full{api_errc::queue_full, "caller_queue_full", "", std::chrono::seconds{7}};
  CHECK(to_http_error(full).retry_after == std::chrono::seconds{7});
  CHECK(to_http_error(full).code == "caller_queue_full");
}

TEST_CASE("rate_limited is a 429 with its own code and the exact Retry-After", "[net]") {
  api_error limited{api_errc::rate_limited, "rate_limited", "too many submissions", std::chrono::seconds{3}};
  auto h = to_http_error(limited);
  CHECK(h.status == 429);
  CHECK(h.code == "rate_limited");
  CHECK(h.retry_after == std::chrono::seconds{3});
  auto res = factord::net::error_response(factord::net::route::jobs, h);
  REQUIRE(res.headers.size() == 1);
  CHECK(res.headers[0] == std::pair<std::string, std::string>{"Retry-After", "3"});
  // No reason given: still its own code, never queue_full's.
  CHECK(to_http_error(api_error{api_errc::rate_limited, "", "", {}}).code == "rate_limited");
  CHECK(std::string(factord::actors::to_string(api_errc::rate_limited)) == "rate_limited");
}

TEST_CASE("error bodies and responses follow API.md", "[net]") {
  auto e = to_http_error(factord::fail(errc::missing_caller_id, "say who you are"));
  CHECK(json::parse(factord::net::error_body(e)) ==
        json({{"error", {{"code", "missing_caller_id"}, {"message", "say who you are"}}}}));
  e.index = 3;
  CHECK(json::parse(factord::net::error_body(e))["error"]["index"] == 3);
  e.message = "bad byte \xff";
  CHECK_NOTHROW(json::parse(factord::net::error_body(e)));

  api_error busy{api_errc::not_ready, "", "", {}};
  auto res = factord::net::error_response(factord::net::route::jobs, to_http_error(busy));
  CHECK(res.status == 503);
  CHECK(res.content_type == "application/json");
  REQUIRE(res.headers.size() == 1);
  CHECK(res.headers[0] == std::pair<std::string, std::string>{"Retry-After", "1"});
}
