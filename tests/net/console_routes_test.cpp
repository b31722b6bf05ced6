#include "net/console_assets.hpp"
#include "net/console_routes.hpp"
#include "net/openapi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

using namespace factord::net;

TEST_CASE("console action bodies are parsed and checked", "[net][console]") {
  auto pause = parse_console_action(R"({"action":"pause_caller","caller":"alice"})");
  REQUIRE(pause.ok());
  CHECK(pause->action == "pause_caller");
  CHECK(pause->caller == "alice");

  auto weight = parse_console_action(R"({"action":"set_weight","caller":"bob","weight":7})");
  REQUIRE(weight.ok());
  CHECK(weight->weight == 7);

  auto close = parse_console_action(R"({"action":"close_session","actor":42})");
  REQUIRE(close.ok());
  CHECK(close->actor == 42);

  auto cancel = parse_console_action(R"({"action":"cancel_job","request_id":"r-1"})");
  REQUIRE(cancel.ok());
  CHECK(cancel->request_id == "r-1");

  // The status and wire code a client sees, through the one mapping.
  struct bad_case {
    const char* body;
    unsigned status;
    const char* code;
  };
  for (auto [body, status, code] : {
           bad_case{"", 400, "malformed_json"},
           bad_case{"{", 400, "malformed_json"},
           bad_case{"[]", 400, "expected_object"},
           bad_case{R"({"caller":"a"})", 400, "missing_action"},
           bad_case{R"({"action":7})", 400, "missing_action"},
           bad_case{R"({"action":"reboot"})", 422, "unknown_action"},
           bad_case{R"({"action":"close_session"})", 422, "invalid_actor"},
           bad_case{R"({"action":"close_session","actor":-1})", 422, "invalid_actor"},
           bad_case{R"({"action":"close_session","actor":"12"})", 422, "invalid_actor"},
           bad_case{R"({"action":"cancel_job","request_id":""})", 422, "invalid_request_id"},
           bad_case{R"({"action":"pause_caller"})", 422, "invalid_caller_id"},
           bad_case{R"({"action":"set_weight","caller":"a","weight":0})", 422, "invalid_weight"},
           bad_case{R"({"action":"set_weight","caller":"a","weight":101})", 422, "invalid_weight"},
           bad_case{R"({"action":"set_weight","caller":"a","weight":2.5})", 422, "invalid_weight"},
           bad_case{R"({"action":"pause_caller","caller":"a\nb"})", 422, "invalid_caller_id"},
       }) {
    INFO(body);
    auto r = parse_console_action(body);
    REQUIRE_FALSE(r.ok());
    auto e = to_http_error(r.error());
    CHECK(e.status == status);
    CHECK(e.code == code);
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("the bearer token must match exactly", "[net][console]") {
  CHECK(bearer_token_matches("Bearer s3cret", "s3cret"));
  CHECK(bearer_token_matches("bearer s3cret", "s3cret"));
  CHECK(bearer_token_matches("Bearer s3cret ", "s3cret"));
  CHECK_FALSE(bearer_token_matches("Bearer s3cre", "s3cret"));
  CHECK_FALSE(bearer_token_matches("Bearer s3cret2", "s3cret"));
  CHECK_FALSE(bearer_token_matches("Bearer S3cret", "s3cret"));
  CHECK_FALSE(bearer_token_matches("Basic s3cret", "s3cret"));
  CHECK_FALSE(bearer_token_matches("s3cret", "s3cret"));
  CHECK_FALSE(bearer_token_matches("", "s3cret"));
  CHECK_FALSE(bearer_token_matches("Bearer ", "")); // no configured token never matches
}

TEST_CASE("the stream interval is bounded", "[net][console]") {
  auto interval = [](const char* text) { return parse_stream_interval(query_params{{"interval_ms", text}}); };
  CHECK(parse_stream_interval({}).value() == default_stream_interval);
  CHECK(interval("250").value() == std::chrono::milliseconds{250});
  CHECK(interval("10000").value() == std::chrono::milliseconds{10000});
  for (auto bad : {"249", "10001", "", "1e3", "1000ms", "-500", "99999999999999999999"}) {
    INFO(bad);
    CHECK(interval(bad).code() == errc::invalid_interval);
  }
}

TEST_CASE("the console's files are embedded with their content types", "[net][console]") {
  const auto* page = find_console_asset("");
  REQUIRE(page);
  CHECK(page->content_type.substr(0, 9) == "text/html");
  CHECK(page->body.find("/console/console.js") != std::string_view::npos);
  CHECK(page->body.find("{{UPLOT_VERSION}}") == std::string_view::npos);
  CHECK(find_console_asset("index.html") == page);
  for (auto name : {"console.js", "model.js", "stream.js", "panels.js", "actors.js", "charts.js",
                    "actions.js", "html.js", "console.css", "uplot.js", "uplot.css"}) {
    INFO(name);
    const auto* asset = find_console_asset(name);
    REQUIRE(asset);
    CHECK(asset->body.size() > 100);
  }
  // Whatever net/CMakeLists.txt embeds is served, scripts as JavaScript (browsers refuse a
  // module script of any other type).
  for (std::size_t i = 0; i < embedded::file_count; ++i) {
    std::string_view name = embedded::files[i].name;
    INFO(name);
    const auto* asset = find_console_asset(name);
    REQUIRE(asset);
    CHECK(asset->content_type.substr(0, 5) == "text/");
    if (name.size() > 3 && name.substr(name.size() - 3) == ".js")
      CHECK(asset->content_type.substr(0, 15) == "text/javascript");
  }
  CHECK(find_console_asset("uplot.js")->cache_control.find("immutable") != std::string_view::npos);
  CHECK(find_console_asset("console.js")->cache_control == "no-cache");
  CHECK(find_console_asset("../CMakeLists.txt") == nullptr);
  CHECK(find_console_asset("nope.js") == nullptr);
}

TEST_CASE("the OpenAPI document lists every console file but the page", "[net][console]") {
  auto doc = nlohmann::json::parse(openapi_document(openapi_facts_of({}, true)));
  auto listed =
      doc["paths"]["/console/{asset}"]["get"]["parameters"][0]["schema"]["enum"].get<std::set<std::string>>();
  std::set<std::string> embedded_names;
  for (std::size_t i = 0; i < embedded::file_count; ++i)
    if (embedded::files[i].name != "index.html") embedded_names.emplace(embedded::files[i].name);
  CHECK(listed == embedded_names);
}
