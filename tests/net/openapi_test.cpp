#include "net/openapi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>

using factord::net::openapi_document;
using factord::net::openapi_facts_of;
using json = nlohmann::json;

namespace {

json document_for(const factord::config::settings& s, bool job_routes = true) {
  return json::parse(openapi_document(openapi_facts_of(s, job_routes)));
}

factord::config::settings auth_on() {
  factord::config::settings s;
  s.auth = factord::config::auth_mode::on;
  return s;
}

// Every {"$ref": "#/components/..."} names something that is there.
void check_refs(const json& doc, const json& node) {
  if (node.is_object()) {
    if (auto it = node.find("$ref"); it != node.end()) {
      INFO(it->get<std::string>());
      CHECK(doc.contains(json::json_pointer{it->get<std::string>().substr(1)}));
    }
    for (const auto& [key, value] : node.items()) check_refs(doc, value);
  } else if (node.is_array()) {
    for (const auto& value : node) check_refs(doc, value);
  }
}

bool full_match(const std::string& pattern, const std::string& text) {
  return std::regex_search(text, std::regex{pattern, std::regex::ECMAScript});
}

const json& operation(const json& doc, const char* path, const char* method) {
  return doc["paths"][path][method];
}

} // namespace

TEST_CASE("the OpenAPI document is JSON and lists every REST route", "[net]") {
  auto doc = document_for({});
  CHECK(doc["openapi"] == "3.0.3");
  for (auto path : {"/v1/jobs", "/v1/jobs:batch", "/v1/jobs/{request_id}", "/compute",
                    "/compute/{request_id}", "/healthz", "/readyz", "/metrics", "/openapi.json", "/v1/actors",
                    "/console", "/console/{asset}", "/v1/console/actions"}) {
    INFO(path);
    CHECK(doc["paths"].contains(path));
  }
  CHECK(doc["paths"]["/v1/jobs/{request_id}"].contains("delete"));
  // WebSocket-only paths answer a plain GET with 426: not operations, listed beside them.
  CHECK_FALSE(doc["paths"].contains("/v1/actors/stream"));
  CHECK(doc["x-websockets"].contains("/v1/actors/stream"));
  CHECK(doc["x-websockets"].contains("/ws"));
  for (const auto& s : {factord::config::settings{}, auth_on()}) check_refs(doc, document_for(s));
}

TEST_CASE("OpenAPI with auth off: the caller is a required header, nothing needs a credential", "[net]") {
  auto doc = document_for({});
  CHECK_FALSE(doc.contains("security"));
  for (auto [path, method] :
       {std::pair{"/v1/jobs", "post"}, {"/v1/jobs:batch", "post"}, {"/compute", "post"}}) {
    INFO(path);
    const auto& op = operation(doc, path, method);
    CHECK(op["parameters"][0]["$ref"] == "#/components/parameters/CallerHeader");
    CHECK_FALSE(op["responses"].contains("401"));
  }
  CHECK(doc["components"]["parameters"]["CallerHeader"]["required"] == true);
  // Every operation that takes ?wait answers 400 invalid_wait.
  for (auto [path, method] : {std::pair{"/v1/jobs", "post"},
                              {"/v1/jobs", "get"},
                              {"/v1/jobs/{request_id}", "get"},
                              {"/compute", "post"},
                              {"/compute/{request_id}", "get"}}) {
    INFO(path << " " << method);
    CHECK(operation(doc, path, method)["responses"].contains("400"));
  }
}

TEST_CASE("OpenAPI console actions and /metrics follow the tokens", "[net]") {
  factord::config::settings s;
  auto disabled = operation(document_for(s), "/v1/console/actions", "post");
  CHECK_FALSE(disabled.contains("security"));
  CHECK(disabled["responses"].size() == 1);
  CHECK(disabled["responses"].contains("403"));
  CHECK_FALSE(operation(document_for(s), "/metrics", "get").contains("security"));

  s.console_token = "t";
  s.metrics_token = "m";
  auto doc = document_for(s);
  auto actions = operation(doc, "/v1/console/actions", "post");
  CHECK(actions["security"] == json::parse(R"([{"ConsoleToken": []}])"));
  CHECK(actions["responses"].contains("401"));
  CHECK(actions["responses"].contains("404")); // no such session or job
  CHECK(operation(doc, "/metrics", "get")["security"] == json::parse(R"([{"MetricsToken": []}])"));
  CHECK(operation(doc, "/metrics", "get")["responses"].contains("401"));
}

TEST_CASE("OpenAPI with auth on: a credential everywhere but the open routes", "[net]") {
  auto doc = document_for(auth_on());
  CHECK(doc["security"] == json::parse(R"([{"Credential": []}])"));
  for (auto path : {"/healthz", "/readyz", "/openapi.json", "/console", "/console/{asset}", "/metrics"}) {
    INFO(path);
    CHECK(operation(doc, path, "get")["security"] == json::array());
  }
  for (auto [path, method] : {std::pair{"/v1/jobs", "post"},
                              {"/v1/jobs", "get"},
                              {"/v1/jobs:batch", "post"},
                              {"/v1/jobs/{request_id}", "get"},
                              {"/v1/jobs/{request_id}", "delete"},
                              {"/compute", "post"},
                              {"/v1/actors", "get"},
                              {"/v1/console/actions", "post"}}) {
    INFO(path << " " << method);
    const auto& op = operation(doc, path, method);
    CHECK(op["responses"].contains("401"));
    CHECK(op["responses"].contains("403"));
    CHECK(op["security"].is_array());
    CHECK_FALSE(op["security"].empty());
    CHECK(op.value("parameters", json::array()).dump().find("CallerHeader") == std::string::npos);
  }
  CHECK_FALSE(doc["components"]["parameters"].contains("CallerHeader"));
  auto s = auth_on();
  s.metrics_token = "m";
  CHECK(operation(document_for(s), "/metrics", "get")["responses"].contains("401"));
}

TEST_CASE("OpenAPI on a cluster worker has no job routes", "[net]") {
  auto doc = document_for({}, false);
  for (auto path :
       {"/v1/jobs", "/v1/jobs:batch", "/v1/jobs/{request_id}", "/compute", "/compute/{request_id}"})
    CHECK_FALSE(doc["paths"].contains(path));
  CHECK_FALSE(doc["x-websockets"].contains("/ws"));
  CHECK(doc["paths"].contains("/v1/actors"));
}

TEST_CASE("OpenAPI numbers follow --max-digits and --max-batch", "[net]") {
  factord::config::settings s;
  auto doc = document_for(s);
  auto pattern = doc["components"]["schemas"]["Number"]["oneOf"][0]["pattern"].get<std::string>();
  for (const std::string& good : std::initializer_list<std::string>{
           "1", "91", "+7", " 42 ", "\t0091\n", std::string(300, '9'), "000" + std::string(300, '9')}) {
    INFO(good);
    CHECK(full_match(pattern, good));
  }
  for (const std::string& bad :
       std::initializer_list<std::string>{"", "0", "000", "+", "-1", "1.0", "1e3", " ", "1 2", "0x1",
                                          std::string(301, '9'), std::string{"\xc2\xa0"} + "1"}) {
    INFO(bad);
    CHECK_FALSE(full_match(pattern, bad));
  }
  CHECK_FALSE(doc["components"]["schemas"]["Number"]["oneOf"][1].contains("maximum")); // any JSON integer
  CHECK(doc["paths"]["/v1/jobs:batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
           ["properties"]["numbers"]["maxItems"] == 1000);
  s.max_digits = 5;
  s.max_batch = 7;
  doc = document_for(s);
  pattern = doc["components"]["schemas"]["Number"]["oneOf"][0]["pattern"].get<std::string>();
  CHECK(full_match(pattern, "99999"));
  CHECK_FALSE(full_match(pattern, "100000"));
  CHECK(doc["components"]["schemas"]["Number"]["oneOf"][1]["maximum"] == 99999);
  CHECK(doc["paths"]["/v1/jobs:batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
           ["properties"]["numbers"]["maxItems"] == 7);
}

TEST_CASE("OpenAPI request ids are what the routes take", "[net]") {
  auto pattern = document_for({})["components"]["schemas"]["RequestId"]["pattern"].get<std::string>();
  CHECK(full_match(pattern, "0a1B-_.~"));
  CHECK(full_match(pattern, std::string(128, 'x')));
  for (const std::string& bad :
       std::initializer_list<std::string>{"", "a/b", "a b", "%41", std::string(129, 'x')}) {
    INFO(bad);
    CHECK_FALSE(full_match(pattern, bad));
  }
}
