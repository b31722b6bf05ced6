// Kept as one literal so the served document is exactly what is reviewed here; when a
// route or field changes in API.md, change it here too (tests/net checks the paths).
#include "net/openapi.hpp"

namespace factord::net {

namespace {
constexpr std::string_view document = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "factord",
    "version": "0.1.0",
    "description": "Prime factorization job server. Jobs are scheduled round-robin across callers. Any request whose line and headers do not arrive within 10 s of their first byte, or whose body falls below 1024 bytes a second after a 10 s grace, is answered 408 request_timeout and its connection closed; a connection that sends nothing for --http-idle-timeout is closed without an answer."
  },
  "paths": {
    "/v1/jobs": {
      "post": {
        "summary": "Submit a number to factor",
        "operationId": "submitJob",
        "parameters": [
          {"$ref": "#/components/parameters/CallerHeader"},
          {"$ref": "#/components/parameters/CallerQuery"},
          {"$ref": "#/components/parameters/Wait"},
          {"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 256, "pattern": "^[ -~]*$"},
           "description": "The same key from the same caller returns the same request_id and never creates a second job. At most 256 printable ASCII characters (else 400 invalid_idempotency_key)."}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
        "responses": {
          "202": {"description": "Accepted (durable)", "headers": {"Location": {"schema": {"type": "string"}}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
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
          {"name": "request_id", "in": "query", "required": true, "schema": {"type": "string"}},
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
          {"$ref": "#/components/parameters/CallerHeader"},
          {"$ref": "#/components/parameters/CallerQuery"}
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
        "responses": {"200": {"$ref": "#/components/responses/Job"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
                      "429": {"$ref": "#/components/responses/TooManyWaiters"}}
      },
      "delete": {
        "summary": "Cancel a queued or running job",
        "operationId": "cancelJob",
        "responses": {"200": {"$ref": "#/components/responses/Job"}, "404": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/compute": {
      "post": {
        "summary": "Older name of POST /v1/jobs",
        "operationId": "computeSubmit",
        "deprecated": true,
        "parameters": [
          {"$ref": "#/components/parameters/CallerHeader"},
          {"$ref": "#/components/parameters/CallerQuery"},
          {"$ref": "#/components/parameters/Wait"}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
        "responses": {
          "202": {"description": "Accepted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
          "200": {"$ref": "#/components/responses/Job"},
          "400": {"$ref": "#/components/responses/Error"},
          "422": {"$ref": "#/components/responses/Error"}
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
        "responses": {"200": {"$ref": "#/components/responses/Job"}, "404": {"$ref": "#/components/responses/Error"},
                      "429": {"$ref": "#/components/responses/TooManyWaiters"}}
      },
      "delete": {
        "summary": "Older name of DELETE /v1/jobs/{request_id}",
        "operationId": "computeCancel",
        "deprecated": true,
        "responses": {"200": {"$ref": "#/components/responses/Job"}, "404": {"$ref": "#/components/responses/Error"}}
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
    "/v1/actors/stream": {"get": {"summary": "WebSocket: a snapshot frame, then a delta frame every interval",
      "description": "Upgrade to WebSocket. Server frames: {\"type\":\"snapshot\",...} (as GET /v1/actors) then {\"type\":\"delta\",\"upserted\",\"removed\",\"exited\",\"jobs\",\"workers\",\"fairness\",\"history_point\"}. A client frame {\"interval_ms\":N} changes the interval.",
      "operationId": "actorStream",
      "parameters": [{"name": "interval_ms", "in": "query", "required": false,
                      "schema": {"type": "integer", "minimum": 250, "maximum": 10000, "default": 1000}}],
      "responses": {"101": {"description": "Switching to WebSocket"}, "400": {"$ref": "#/components/responses/Error"},
                    "426": {"$ref": "#/components/responses/Error"},
                    "503": {"description": "code too_many_viewers: 32 console streams are open on this node (Retry-After); or not_ready", "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
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
        "401": {"$ref": "#/components/responses/Error"},
        "403": {"$ref": "#/components/responses/Error"},
        "415": {"$ref": "#/components/responses/Error"},
        "422": {"$ref": "#/components/responses/Error"}
      }}}
  },
  "components": {
    "securitySchemes": {
      "ConsoleToken": {"type": "http", "scheme": "bearer",
                       "description": "The value of --console-token; without it the actions answer 403 actions_disabled."}
    },
    "parameters": {
      "CallerHeader": {"name": "X-Caller-ID", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 128},
                       "description": "Names the caller; wins over ?caller_id. One of the two is required."},
      "CallerQuery": {"name": "caller_id", "in": "query", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 128}},
      "Wait": {"name": "wait", "in": "query", "required": false, "schema": {"type": "number", "minimum": 0, "maximum": 2},
               "description": "Seconds to hold the answer until the job finishes."},
      "RequestId": {"name": "request_id", "in": "path", "required": true, "schema": {"type": "string"}}
    },
    "schemas": {
      "Number": {"oneOf": [{"type": "string", "pattern": "^\\s*\\+?[0-9]+\\s*$"}, {"type": "integer", "minimum": 1}],
                 "description": "A positive decimal integer; a JSON integer of any size is kept exact."},
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
      "ConsoleAction": {"type": "object", "required": ["action"], "properties": {
        "action": {"type": "string", "enum": ["close_session", "cancel_job", "pause_caller", "resume_caller", "set_weight"]},
        "actor": {"type": "integer", "description": "close_session: the ws-session's id"},
        "request_id": {"type": "string", "description": "cancel_job"},
        "caller": {"type": "string", "description": "pause_caller, resume_caller, set_weight"},
        "weight": {"type": "integer", "minimum": 1, "maximum": 100, "description": "set_weight"}}},
      "ErrorDetail": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "index": {"type": "integer"}}},
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}}}
    },
    "responses": {
      "Job": {"description": "The job; header Retry-After while it is not finished",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
      "Error": {"description": "An error; 429 and 503 carry Retry-After",
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
} // namespace

std::string_view openapi_document() { return document; }

} // namespace factord::net
