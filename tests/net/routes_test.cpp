#include "net/routes.hpp"

#include <catch2/catch.hpp>

using factord::net::match_route;
using factord::net::route;
using factord::net::split_target;

TEST_CASE("match_route finds the REST routes", "[net]") {
  auto m = match_route("GET", "/v1/jobs/abc");
  CHECK(m.which == route::job_by_id);
  CHECK(m.id == "abc");
  CHECK(m.method_allowed);
  CHECK(match_route("DELETE", "/v1/jobs/abc").method_allowed);
  CHECK(match_route("POST", "/v1/jobs").which == route::jobs);
  CHECK(match_route("GET", "/v1/jobs").method_allowed); // ?request_id=
  CHECK(match_route("POST", "/v1/jobs:batch").which == route::jobs_batch);
  CHECK(match_route("POST", "/compute").which == route::compute);
  auto c = match_route("GET", "/compute/x");
  CHECK(c.which == route::compute_by_id);
  CHECK(c.id == "x");
  CHECK(match_route("GET", "/healthz").which == route::healthz);
  CHECK(match_route("GET", "/readyz").which == route::readyz);
  CHECK(match_route("GET", "/metrics").which == route::metrics);
  CHECK(match_route("GET", "/openapi.json").which == route::openapi);
  CHECK(match_route("GET", "/ws").which == route::websocket);
  CHECK(match_route("GET", "/").which == route::websocket);
}

TEST_CASE("match_route: wrong method on a known path gives Allow", "[net]") {
  auto m = match_route("PUT", "/v1/jobs/abc");
  CHECK(m.which == route::job_by_id);
  CHECK_FALSE(m.method_allowed);
  CHECK(m.allow == "GET, DELETE");
  CHECK(match_route("GET", "/v1/jobs:batch").allow == "POST");
  CHECK_FALSE(match_route("POST", "/healthz").method_allowed);
  CHECK_FALSE(match_route("GETX", "/v1/jobs/abc").method_allowed);
  CHECK_FALSE(match_route("GE", "/v1/jobs/abc").method_allowed);
}

TEST_CASE("match_route: trailing slashes, dots, odd and long paths", "[net]") {
  CHECK(match_route("POST", "/v1/jobs/").which == route::jobs);
  CHECK(match_route("GET", "/v1/jobs/abc/").id == "abc");
  CHECK(match_route("GET", "/healthz/").which == route::healthz);
  CHECK(match_route("GET", "/v1/jobs//").which == route::unknown);
  CHECK(match_route("GET", "/v1/jobs/..").which == route::unknown);
  CHECK(match_route("GET", "/v1/jobs/.").which == route::unknown);
  CHECK(match_route("GET", "/v1/jobs/../healthz").which == route::unknown);
  CHECK(match_route("GET", "/v1/jobs/a/b").which == route::unknown);
  CHECK(match_route("GET", "/v1/jobs/a%2Fb").which == route::unknown);
  CHECK(match_route("GET", "/V1/JOBS").which == route::unknown);
  CHECK(match_route("GET", "/console/../healthz").which == route::unknown);
  CHECK(match_route("GET", "/console/a/b").which == route::unknown);
  CHECK(match_route("GET", "").which == route::unknown);
  CHECK(match_route("GET", "/v1/jobs/" + std::string(128, 'a')).which == route::job_by_id);
  CHECK(match_route("GET", "/v1/jobs/" + std::string(129, 'a')).which == route::unknown);
  CHECK(match_route("GET", "/" + std::string(100000, 'x')).which == route::unknown);
}

TEST_CASE("match_route: the console's routes", "[net]") {
  CHECK(match_route("GET", "/v1/actors").which == route::actors);
  CHECK(match_route("GET", "/v1/actors/stream").which == route::actors_stream);
  CHECK(match_route("POST", "/v1/console/actions").which == route::console_actions);
  CHECK_FALSE(match_route("GET", "/v1/console/actions").method_allowed);
  auto page = match_route("GET", "/console/");
  CHECK(page.which == route::console);
  CHECK(page.id.empty());
  auto asset = match_route("GET", "/console/uplot.js");
  CHECK(asset.which == route::console);
  CHECK(asset.id == "uplot.js");
  CHECK_FALSE(match_route("POST", "/console").method_allowed);
  CHECK(route_label(route::console) == "/console"); // one label for the page and its files
}

TEST_CASE("route labels are templated and bounded", "[net]") {
  CHECK(route_label(route::job_by_id) == "/v1/jobs/{id}");
  CHECK(route_label(route::compute_by_id) == "/compute/{id}");
  CHECK(route_label(route::jobs_batch) == "/v1/jobs:batch");
  CHECK(route_label(route::unknown) == "other");
}

TEST_CASE("split_target", "[net]") {
  auto t = split_target("/v1/jobs?wait=1&caller_id=a?b");
  CHECK(t.path == "/v1/jobs");
  CHECK(t.query == "wait=1&caller_id=a?b");
  CHECK(split_target("/healthz").query.empty());
  CHECK(split_target("/x?").query.empty());
}
