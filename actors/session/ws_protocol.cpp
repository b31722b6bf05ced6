#include "actors/session/ws_protocol.hpp"

#include "actors/protocol/json_integers.hpp"
#include "actors/protocol/json_object.hpp"

#include <nlohmann/json.hpp>

namespace factord::actors {

namespace {

using json = nlohmann::json;

// Long integers arrive here as strings (quote_long_json_integers); a JSON number left is a
// short integer or a fraction/exponent, which parse_number rejects with its own message.
std::string number_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

} // namespace

ws_request parse_ws_frame(std::string_view text) {
  ws_request req;
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{') {
    req.number = std::string(text);
    return req;
  }
  req.form = ws_request::kind::json;
  const std::string quoted = quote_long_json_integers(text);
  text = quoted;
  bool duplicate_key = false;
  const json doc = read_json_object(text, duplicate_key);
  if (doc.is_discarded() || !doc.is_object()) {
    req.error = "malformed JSON frame: send {\"type\":\"message\",\"content\":\"<number>\"} or a bare number";
    return req;
  }
  if (duplicate_key) {
    req.error = "a JSON frame names a field twice: send each of \"type\", \"content\" and \"userid\" once";
    return req;
  }
  if (auto u = doc.find("userid"); u != doc.end() && u->is_string()) req.userid = u->get<std::string>();
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) {
    req.error = "JSON frame without a string \"type\": use \"message\"";
    return req;
  }
  req.type = type->get<std::string>();
  if (req.type != "message") {
    if (req.type != "client_message")
      req.error = "unknown frame type '" + req.type.substr(0, 32) + "': use \"message\"";
    return req;
  }
  auto content = doc.find("content");
  if (content == doc.end() || !(content->is_string() || content->is_number())) {
    req.error = "a \"message\" frame needs \"content\": the number as a string";
    return req;
  }
  // A number-valued content is the only number in a well-formed frame.
  req.number = number_text(*content);
  return req;
}

std::string reply_content(const job& j) {
  std::string out = j.number + " : [";
  for (std::size_t i = 0; i < j.factors.size(); ++i) {
    if (i > 0) out += ' ';
    out += j.factors[i];
  }
  return out + "]";
}

std::string format_ws_reply(const ws_request& request, const job& j) {
  if (j.status != job_status::done) return format_ws_error(request, j.error_message, j.request_id);
  if (request.form == ws_request::kind::bare) return reply_content(j);
  json out = {{"type", "response"},
              {"content", reply_content(j)},
              {"number", j.number},
              {"factors", j.factors},
              {"request_id", j.request_id},
              {"userid", request.userid.empty() ? j.caller_id : request.userid},
              {"timestamp", rfc3339(j.finished_at)}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string format_ws_error(const ws_request& request, std::string_view message,
                            std::string_view request_id) {
  if (request.form == ws_request::kind::bare) return "error: " + std::string(message);
  json out = {{"type", "error"}, {"message", message}, {"userid", request.userid}};
  if (!request_id.empty()) out["request_id"] = request_id;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace factord::actors
