#include "net/console_routes.hpp"

#include "net/console_assets.hpp"
#include "net/json_codec.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <limits>

namespace factord::net {

namespace {

using json = nlohmann::json;

constexpr unsigned max_weight = 100;
constexpr std::string_view action_example =
    R"({"action":"pause_caller","caller":"alice"}; actions: close_session (actor), )"
    R"(cancel_job (request_id), pause_caller, resume_caller (caller), set_weight (caller, weight 1..100))";

// A required non-empty string field; empty result means "missing or wrong type".
std::string string_field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

} // namespace

result<std::chrono::milliseconds> parse_stream_interval(const query_params& params) {
  const auto* text = find_param(params, "interval_ms");
  if (!text) return default_stream_interval;
  long long ms = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
  if (ec != std::errc{} || end != text->data() + text->size() || ms < min_stream_interval.count() ||
      ms > max_stream_interval.count())
    return fail(errc::invalid_interval, "interval_ms must be an integer from " +
                                            std::to_string(min_stream_interval.count()) + " to " +
                                            std::to_string(max_stream_interval.count()) + " (milliseconds)");
  return std::chrono::milliseconds{ms};
}

result<actors::console_action> parse_console_action(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded())
    return fail(errc::malformed_json,
                "the request body is not valid JSON; send " + std::string{action_example});
  if (!j.is_object())
    return fail(errc::expected_object,
                "the request body must be a JSON object: " + std::string{action_example});
  actors::console_action a;
  a.action = string_field(j, "action");
  if (a.action.empty()) return fail(errc::missing_action, "name the action: " + std::string{action_example});
  if (a.action == "close_session") {
    auto it = j.find("actor");
    if (it == j.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() == 0)
      return fail(errc::invalid_actor, "close_session needs \"actor\": the ws-session's id "
                                       "(a positive integer, as listed by GET /v1/actors)");
    a.actor = it->get<std::uint64_t>();
  } else if (a.action == "cancel_job") {
    a.request_id = string_field(j, "request_id");
    if (a.request_id.empty())
      return fail(errc::invalid_request_id, "cancel_job needs \"request_id\": the job's id");
  } else if (a.action == "pause_caller" || a.action == "resume_caller" || a.action == "set_weight") {
    a.caller = string_field(j, "caller");
    if (a.caller.empty())
      return fail(errc::invalid_action_caller, a.action + " needs \"caller\": the caller's id");
    if (auto valid = validate_caller_id(a.caller); !valid)
      return fail(errc::invalid_action_caller, "caller: " + valid.message());
    if (a.action == "set_weight") {
      auto it = j.find("weight");
      if (it == j.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() < 1 ||
          it->get<std::uint64_t>() > max_weight)
        return fail(errc::invalid_weight,
                    "set_weight needs \"weight\": an integer from 1 to " + std::to_string(max_weight));
      a.weight = static_cast<unsigned>(it->get<std::uint64_t>());
    }
  } else {
    return fail(errc::unknown_action,
                "unknown action \"" + a.action + "\"; use " + std::string{action_example});
  }
  return a;
}

bool bearer_token_matches(std::string_view authorization, std::string_view expected) {
  constexpr std::string_view scheme = "bearer ";
  if (expected.empty() || authorization.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i])
      return false; // the scheme is public; only the token must not leak timing
  }
  auto given = authorization.substr(scheme.size());
  while (!given.empty() && (given.back() == ' ' || given.back() == '\t')) given.remove_suffix(1);
  // Touch every byte of the longer of the two, so the time depends on lengths only.
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  std::size_t n = std::max(given.size(), expected.size());
  for (std::size_t i = 0; i < n; ++i) {
    auto g = static_cast<unsigned char>(i < given.size() ? given[i] : 0);
    auto e = static_cast<unsigned char>(i < expected.size() ? expected[i] : 0);
    diff |= static_cast<unsigned>(g ^ e);
  }
  return diff == 0;
}

void serve_actor_snapshot(const std::shared_ptr<server_state>& state, const responder& respond) {
  actors::console_snapshot(state->sys, state->node.console, [respond](std::string snapshot) {
    if (snapshot.empty()) // the console actor is gone (shutting down)
      return respond(error_response(route::actors, to_http_error(not_ready("the console is not running"))));
    auto res = json_response(route::actors, 200, std::move(snapshot));
    res.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(res));
  });
}

void serve_console_asset(std::string_view name, const responder& respond) {
  const auto* asset = find_console_asset(name);
  if (!asset)
    return respond(error_response(
        route::console, to_http_error(fail(errc::not_found, "no such console file: /console/" +
                                                                std::string{name} + "; open /console"))));
  http_response res;
  res.which = route::console;
  res.content_type = std::string{asset->content_type};
  res.body = std::string{asset->body};
  res.headers.emplace_back("Cache-Control", std::string{asset->cache_control});
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (name.empty() || name == "index.html") {
    // Everything the page loads comes from here; the stream is same-origin too.
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
                             "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
    res.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  respond(std::move(res));
}

void serve_console_action(const std::shared_ptr<server_state>& state, const http_request& req,
                          const grant& granted, const responder& respond) {
  constexpr auto which = route::console_actions;
  const auto& token = state->settings.console_token;
  bool admin_credential = granted.who && granted.admin;
  if (token.empty() && !admin_credential)
    return respond(error_response(
        which, to_http_error(fail(errc::actions_disabled,
                                  "start factord with --console-token to enable console actions"))));
  if (!granted.console_token && !admin_credential) {
    return respond(error_response(
        which, to_http_error(fail(errc::unauthorized,
                                  "send the console token as header Authorization: Bearer <token> "
                                  "(the value of --console-token)"))));
  }
  if (auto json_body = check_json_content_type(req.content_type); !json_body)
    return respond(error_response(which, to_http_error(json_body.error())));
  auto parsed = parse_console_action(req.body);
  if (!parsed) return respond(error_response(which, to_http_error(parsed.error())));
  actors::console_act(
      state->sys, state->node.console, std::move(parsed).value(), [respond](actors::action_result r) {
        if (!r.ok)
          return respond(error_response(
              which, to_http_error(fail(r.not_found ? errc::not_found : errc::action_failed, r.message))));
        json body = {{"ok", true}, {"message", r.message}};
        respond(json_response(which, 200, body.dump(-1, ' ', false, json::error_handler_t::replace)));
      });
}

} // namespace factord::net
