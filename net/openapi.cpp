// The document is one literal, so what is served is what is reviewed here: it describes a
// server with --auth off and a console token, and openapi_document() adjusts the few parts
// that other settings change (tailor() below). When a route or field changes in API.md,
// change it here too (tests/net checks the paths; tests/schema runs schemathesis on it).
#include "net/openapi.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace factord::net {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view document = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "factord",
    "version": "0.1.0",
    "description": "Prime factorization job server. Jobs are scheduled round-robin across callers. This document describes this server as it runs: its authentication, tokens and limits. Two more paths speak WebSocket only (a plain GET answers 426 upgrade_required), so they are listed under x-websockets rather than as operations. Any request whose line and headers do not arrive within 10 s of their first byte, or whose body falls below 1024 bytes a second after a 10 s grace, is answered 408 request_timeout and its connection closed; a connection that sends nothing for --http-idle-timeout is closed without an answer."
  },
  "x-websockets": {
    "/ws": "Jobs: one number per text frame, bare or JSON (also at /). Query: userid or client_id names the caller; token, the credential with --auth on.",
    "/v1/actors/stream": "The console's live view: a snapshot frame, then a delta frame every interval. Query: interval_ms, an integer from 250 to 10000 (default 1000; else 400 invalid_interval). A client frame {\"interval_ms\":N} changes it. At most 32 streams per node: beyond, 503 too_many_viewers with Retry-After."
  },
  "paths": {
    "/v1/jobs": {
      "post": {
        "summary": "Submit a number to factor",
        "operationId": "submitJob",
        "parameters": [
          {"$ref": "#/components/parameters/CallerHeader"},
          {"$ref": "#/components/parameters/Wait"},
          {"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 256, "pattern": "^[ -~]*$"},
           "description": "The same key from the same caller returns the same request_id and never creates a second job. At most 256 printable ASCII characters (else 400 invalid_idempotency_key)."}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
        "responses": {
          "202": {"description": "Accepted (durable)", "headers": {"Location": {"schema": {"type": "string"}}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}},
                  "links": {"getJob": {"operationId": "getJob", "parameters": {"request_id": "$response.body#/request_id"}},
                            "cancelJob": {"operationId": "cancelJob", "parameters": {"request_id": "$response.body#/request_id"}}}},
          "200": {"description": "Finished within ?wait", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "408": {"$ref": "#/components/responses/Error"},
          "413": {"$ref": "#/components/responses/Error"},
          "415": {"$ref": "#/components/responses/Error"},
          "422": {"$ref": "#/components/responses/Error"},
          "429": {"$ref": "#/components/responses/TooMany"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      },
      "get": {
        "summary": "Get a job by ?request_id=",
        "operationId": "getJobByQuery",
        "parameters": [
          {"name": "request_id", "in": "query", "required": true, "schema": {"$ref": "#/components/schemas/RequestId"}},
          {"$ref": "#/components/parameters/Wait"}
        ],
        "responses": {
          "200": {"$ref": "#/components/responses/Job"},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"},
          "429": {"$ref": "#/components/responses/TooManyWaiters"}
        }
      }
    },
    "/v1/jobs:batch": {
      "post": {
        "summary": "Submit up to 1000 numbers; all are accepted or none",
        "operationId": "submitBatch",
        "parameters": [
          {"$ref": "#/components/parameters/CallerHeader"}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
          "type": "object", "required": ["numbers"],
          "properties": {"numbers": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"$ref": "#/components/schemas/Number"}}}}}}},
        "responses": {
          "202": {"description": "All accepted", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"request_ids": {"type": "array", "items": {"type": "string"}}}}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "408": {"$ref": "#/components/responses/Error"},
          "413": {"$ref": "#/components/responses/Error"},
          "415": {"$ref": "#/components/responses/Error"},
          "422": {"$ref": "#/components/responses/Error"},
          "429": {"$ref": "#/components/responses/TooMany"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/v1/jobs/{request_id}": {
      "parameters": [{"$ref": "#/components/parameters/RequestId"}],
      "get": {
        "summary": "Get a job",
        "operationId": "getJob",
        "parameters": [{"$ref": "#/components/parameters/Wait"}],
        "responses": {"200": {"$ref": "#/components/responses/Job"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"},
                      "429": {"$ref": "#/components/responses/TooManyWaiters"}}
      },
      "delete": {
        "summary": "Cancel a queued or running job",
        "operationId": "cancelJob",
        "responses": {"200": {"$ref": "#/components/responses/Job"}, "404": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/compute": {
      "post": {
        "summary": "Older name of POST /v1/jobs",
        "operationId": "computeSubmit",
        "deprecated": true,
        "parameters": [
          {"$ref": "#/components/parameters/CallerHeader"},
          {"$ref": "#/components/parameters/Wait"}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
        "responses": {
          "202": {"description": "Accepted (durable)", "headers": {"Location": {"schema": {"type": "string"}}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}},
                  "links": {"computeGet": {"operationId": "computeGet", "parameters": {"request_id": "$response.body#/request_id"}},
                            "computeCancel": {"operationId": "computeCancel", "parameters": {"request_id": "$response.body#/request_id"}}}},
          "200": {"$ref": "#/components/responses/Job"},
          "400": {"$ref": "#/components/responses/Error"},
          "413": {"$ref": "#/components/responses/Error"},
          "415": {"$ref": "#/components/responses/Error"},
          "422": {"$ref": "#/components/responses/Error"},
          "429": {"$ref": "#/components/responses/TooMany"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/compute/{request_id}": {
      "parameters": [{"$ref": "#/components/parameters/RequestId"}],
      "get": {
        "summary": "Older name of GET /v1/jobs/{request_id}",
        "operationId": "computeGet",
        "deprecated": true,
        "parameters": [{"$ref": "#/components/parameters/Wait"}],
        "responses": {"200": {"$ref": "#/components/responses/Job"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"},
                      "429": {"$ref": "#/components/responses/TooManyWaiters"}}
      },
      "delete": {
        "summary": "Older name of DELETE /v1/jobs/{request_id}",
        "operationId": "computeCancel",
        "deprecated": true,
        "responses": {"200": {"$ref": "#/components/responses/Job"}, "404": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/healthz": {"get": {"summary": "Alive", "operationId": "healthz", "responses": {"200": {"description": "{\"status\":\"ok\"}"}}}},
    "/readyz": {"get": {"summary": "Ready to accept work", "operationId": "readyz",
      "responses": {"200": {"description": "Serving"}, "503": {"$ref": "#/components/responses/Error"}}}},
    "/metrics": {"get": {"summary": "Prometheus metrics", "operationId": "metrics",
      "responses": {"200": {"description": "Prometheus text format 0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    "/openapi.json": {"get": {"summary": "This document", "operationId": "openapi", "responses": {"200": {"description": "OpenAPI 3.0"}}}},
    "/v1/actors": {"get": {"summary": "Snapshot of the live actors, jobs, workers, fairness and recent history (the console's data)",
      "operationId": "actorSnapshot",
      "responses": {"200": {"description": "The snapshot", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ActorSnapshot"}}}},
                    "503": {"$ref": "#/components/responses/Error"}}}},
    "/console": {"get": {"summary": "The inspection console (a web page; works offline)", "operationId": "console",
      "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
    "/console/{asset}": {"get": {"summary": "The console's scripts and styles", "operationId": "consoleAsset",
      "parameters": [{"name": "asset", "in": "path", "required": true,
                      "schema": {"type": "string", "enum": ["console.js", "model.js", "stream.js", "panels.js", "actors.js", "charts.js",
                                                   "actions.js", "html.js", "console.css", "uplot.js", "uplot.css"]}}],
      "responses": {"200": {"description": "The file"}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/v1/console/actions": {"post": {"summary": "Operator actions: close a session, cancel a job, pause/resume a caller, set a caller's weight",
      "operationId": "consoleAction",
      "security": [{"ConsoleToken": []}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ConsoleAction"}}}},
      "responses": {
        "200": {"description": "Done", "content": {"application/json": {"schema": {"type": "object", "required": ["ok", "message"],
                "properties": {"ok": {"type": "boolean"}, "message": {"type": "string"}}}}}},
        "400": {"$ref": "#/components/responses/Error"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "404": {"description": "No open ws-session has that actor id, or no job that request id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "415": {"$ref": "#/components/responses/Error"},
        "422": {"$ref": "#/components/responses/Error"}
      }}}
  },
  "components": {
    "securitySchemes": {
      "ConsoleToken": {"type": "http", "scheme": "bearer", "description": "The value of --console-token."},
      "MetricsToken": {"type": "http", "scheme": "bearer", "description": "The value of --metrics-token."},
      "Credential": {"type": "http", "scheme": "bearer",
                     "description": "--auth on: an API key (factord keys add CALLER) or a JWT; the caller is the credential's. Admin routes need an admin credential or the console token."}
    },
    "parameters": {
      "CallerHeader": {"name": "X-Caller-ID", "in": "header", "required": true,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[ -~]*[!-~][ -~]*$"},
                       "description": "Names the caller: 1 to 128 printable characters (UTF-8; listed here as ASCII, which any HTTP client can send). Query parameter caller_id does the same for clients that cannot set headers (the header wins); it is not listed as a parameter because OpenAPI 3.0 cannot say that one of the two is required. Missing both: 400 missing_caller_id."},
      "Wait": {"name": "wait", "in": "query", "required": false, "schema": {"type": "number", "minimum": 0, "maximum": 2},
               "description": "Seconds to hold the answer until the job finishes: 0 to 2, a decimal or a JSON number (1.5, .25, 2.5e-1); more than 2 is a 400 invalid_wait, not clamped. Below a millisecond is dropped."},
      "RequestId": {"name": "request_id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/RequestId"}}
    },
    "schemas": {
      "Number": {"oneOf": [{"type": "string", "pattern": "(set from --max-digits)"}, {"type": "integer", "minimum": 1}],
                 "description": "A positive decimal integer of at most --max-digits digits (leading zeros not counted; with --auth on a credential may set a lower limit, then 422 too_many_digits): a JSON string of digits, with an optional + and surrounding ASCII whitespace, or a JSON integer of any size, kept exact. 0, signs, fractions and exponents: 422."},
      "RequestId": {"type": "string", "pattern": "^[A-Za-z0-9._~-]{1,128}$", "description": "As the server makes them; any other is unknown (404)."},
      "CallerId": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
                   "description": "1 to 128 printable characters (no control character)"},
      "Submission": {"type": "object", "required": ["number"], "properties": {"number": {"$ref": "#/components/schemas/Number"}}},
      "Accepted": {"type": "object", "required": ["request_id", "status", "status_url"], "properties": {
        "request_id": {"type": "string"}, "status": {"type": "string"}, "status_url": {"type": "string"}}},
      "Job": {"type": "object", "required": ["request_id", "caller_id", "number", "status", "queued_at", "started_at", "finished_at"], "properties": {
        "request_id": {"type": "string"},
        "caller_id": {"type": "string"},
        "number": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "running", "done", "failed", "cancelled"]},
        "factors": {"type": "array", "items": {"type": "string"}, "description": "Present when done: primes ascending, with multiplicity."},
        "error": {"$ref": "#/components/schemas/ErrorDetail"},
        "queued_at": {"type": "string", "format": "date-time", "nullable": true},
        "started_at": {"type": "string", "format": "date-time", "nullable": true},
        "finished_at": {"type": "string", "format": "date-time", "nullable": true}}},
      "ActorSnapshot": {"type": "object", "required": ["type", "time", "actors", "jobs", "workers", "fairness", "history"], "properties": {
        "type": {"type": "string", "enum": ["snapshot"]},
        "time": {"type": "string", "format": "date-time"},
        "uptime_s": {"type": "number"},
        "interval_ms": {"type": "integer"},
        "actors": {"type": "array", "items": {"type": "object", "properties": {
          "id": {"type": "integer"}, "kind": {"type": "string"}, "parent": {"type": "integer"}, "role": {"type": "string"},
          "started_at": {"type": "string", "format": "date-time"}, "mailbox": {"type": "integer"}, "handled": {"type": "integer"},
          "rate": {"type": "number"}, "busy_ms": {"type": "number"}, "last_message": {"type": "string"},
          "state": {"type": "object", "description": "By kind, e.g. ws-session: caller, in_flight, idle_closes_in_ms, closing"}}}},
        "truncated": {"type": "integer", "description": "Actors left out to bound the size"},
        "exited": {"type": "array", "items": {"type": "object"}},
        "jobs": {"type": "object"},
        "workers": {"type": "array", "items": {"type": "object"}},
        "fairness": {"type": "object"},
        "history": {"type": "array", "items": {"type": "object"}}}},
      "ConsoleAction": {"oneOf": [
        {"type": "object", "required": ["action", "actor"], "properties": {
          "action": {"type": "string", "enum": ["close_session"]},
          "actor": {"type": "integer", "minimum": 1, "maximum": 18446744073709551615, "description": "The ws-session's id, as GET /v1/actors lists it"}}},
        {"type": "object", "required": ["action", "request_id"], "properties": {
          "action": {"type": "string", "enum": ["cancel_job"]},
          "request_id": {"$ref": "#/components/schemas/RequestId"}}},
        {"type": "object", "required": ["action", "caller"], "properties": {
          "action": {"type": "string", "enum": ["pause_caller", "resume_caller"]},
          "caller": {"$ref": "#/components/schemas/CallerId"}}},
        {"type": "object", "required": ["action", "caller", "weight"], "properties": {
          "action": {"type": "string", "enum": ["set_weight"]},
          "caller": {"$ref": "#/components/schemas/CallerId"},
          "weight": {"type": "integer", "minimum": 1, "maximum": 100}}}]},
      "ErrorDetail": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "index": {"type": "integer"}}},
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}}}
    },
    "responses": {
      "Job": {"description": "The job; header Retry-After while it is not finished",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
      "Error": {"description": "An error; 429 and 503 carry Retry-After",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unauthorized": {"description": "No valid credential (code unauthorized)",
                       "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                       "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Forbidden": {"description": "A credential without the right: admin_required, caller_mismatch",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "TooManyWaiters": {"description": "code too_many_waiters: with ?wait=, the job already has 64 long-polls waiting, or the node 10000; nothing waits. Poll again after Retry-After, or without ?wait=.",
                         "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
                         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "TooMany": {"description": "Refused for now. code rate_limited: over the caller's submission rate (--rate-per-caller, or its credential's rate; per client IP with auth off), Retry-After is the exact wait in seconds until the submission would be accepted; a batch of N counts N. code server_queue_full or caller_queue_full: a queue bound (--max-queued, --max-queued-per-caller or the credential's max_queued).",
                  "headers": {
                    "Retry-After": {"schema": {"type": "integer", "minimum": 1}},
                    "X-RateLimit-Limit": {"description": "While a rate limit applies (also on 202): the most submissions at once (the burst)", "schema": {"type": "integer"}},
                    "X-RateLimit-Remaining": {"description": "Submissions that would be accepted now", "schema": {"type": "integer"}},
                    "X-RateLimit-Reset": {"description": "Seconds until the full burst is available again", "schema": {"type": "integer"}}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    }
  }
}
)json";

json ref(std::string_view component) { return {{"$ref", "#/components/" + std::string{component}}}; }

// How factor/parse.cpp reads a number string: ASCII whitespace around it, an optional +,
// leading zeros (not counted), then at most max_digits digits.
std::string number_pattern(unsigned max_digits) {
  const std::string space = "[ \\t\\n\\v\\f\\r]*";
  return "^" + space + "\\+?0*[1-9][0-9]{0," + std::to_string(max_digits == 0 ? 0 : max_digits - 1) + "}" +
         space + "$";
}

// With --auth on the caller is the credential's: the operation names none.
void drop_caller_parameter(json& operation) {
  auto it = operation.find("parameters");
  if (it == operation.end()) return;
  json kept = json::array();
  for (auto& p : *it)
    if (p != ref("parameters/CallerHeader")) kept.push_back(p);
  if (kept.empty())
    operation.erase("parameters");
  else
    *it = std::move(kept);
}

void require(json& operation, json security, bool forbidden) {
  operation["security"] = std::move(security);
  operation["responses"]["401"] = ref("responses/Unauthorized");
  if (forbidden) operation["responses"]["403"] = ref("responses/Forbidden");
}

// net/access.cpp decides, per route, which credential a request needs; this says the same.
void describe_access(json& doc, const openapi_facts& facts) {
  auto& paths = doc["paths"];
  auto& action = paths["/v1/console/actions"]["post"];
  if (!facts.auth && !facts.console_token) { // every action is refused before anything else
    action.erase("security");
    action["description"] =
        "Disabled: start factord with --console-token (or --auth on) to enable console actions.";
    action["responses"] = {{"403", ref("responses/Error")}};
  }
  auto& metrics = paths["/metrics"]["get"];
  if (facts.metrics_token && !facts.auth) require(metrics, {{{"MetricsToken", json::array()}}}, false);
  if (!facts.auth) return;
  doc["security"] = {{{"Credential", json::array()}}};
  for (auto& [path, item] : paths.items())
    for (auto& [method, operation] : item.items()) {
      if (method == "parameters") continue;
      if (path == "/healthz" || path == "/readyz" || path == "/openapi.json" ||
          path.rfind("/console", 0) == 0 || (path == "/metrics" && !facts.metrics_token)) {
        operation["security"] = json::array(); // open to anyone
      } else if (path == "/metrics") {
        require(operation, {{{"MetricsToken", json::array()}}, {{"Credential", json::array()}}}, true);
      } else if (path == "/v1/actors" || path == "/v1/console/actions") {
        require(operation, {{{"Credential", json::array()}}, {{"ConsoleToken", json::array()}}}, true);
      } else { // a job route: any caller's credential; X-Caller-ID of another caller: 403
        drop_caller_parameter(operation);
        require(operation, {{{"Credential", json::array()}}}, true);
      }
    }
  doc["components"]["parameters"].erase("CallerHeader");
}

json tailor(const openapi_facts& facts) {
  json doc = json::parse(document);
  auto& number = doc["components"]["schemas"]["Number"]["oneOf"];
  number[0]["pattern"] = number_pattern(facts.max_digits);
  if (facts.max_digits <= 18) { // 10^18 - 1: still a 64-bit integer to every reader
    std::uint64_t largest = 0;
    for (unsigned i = 0; i < facts.max_digits; ++i) largest = largest * 10 + 9;
    number[1]["maximum"] = largest;
  }
  auto& paths = doc["paths"];
  paths["/v1/jobs:batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
       ["numbers"]["maxItems"] = facts.max_batch;
  if (!facts.job_routes) { // a cluster worker answers 404 on them
    for (auto path :
         {"/v1/jobs", "/v1/jobs:batch", "/v1/jobs/{request_id}", "/compute", "/compute/{request_id}"})
      paths.erase(path);
    doc["x-websockets"].erase("/ws");
  }
  describe_access(doc, facts);
  return doc;
}

} // namespace

openapi_facts openapi_facts_of(const config::settings& settings, bool job_routes) {
  openapi_facts f;
  f.auth = settings.auth == config::auth_mode::on;
  f.console_token = !settings.console_token.empty();
  f.metrics_token = !settings.metrics_token.empty();
  f.job_routes = job_routes;
  f.max_digits = settings.max_digits;
  f.max_batch = settings.max_batch;
  return f;
}

std::string openapi_document(const openapi_facts& facts) { return tailor(facts).dump(); }

} // namespace factord::net
