#include "net/json_codec.hpp"

#include "actors/protocol/json_integers.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>

namespace factord::net {

namespace {

using json = nlohmann::ordered_json; // keys in API.md order, not sorted

json timestamp(std::int64_t millis) { return millis == 0 ? json(nullptr) : json(actors::rfc3339(millis)); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Reads the top-level object and keeps the original text of the values of one field:
// a scalar (`number`) or an array of scalars (`numbers`). Deeper values are skipped.
// Kinds are recorded, not judged, so the caller can say exactly what was wrong.
class field_reader {
public:
  enum class kind { string, number, other };
  struct value {
    kind what = kind::other;
    std::string text;
  };

  // Keeps at most `cap` values: the rest are counted as over_cap, not stored (--max-batch is
  // enforced while parsing).
  explicit field_reader(std::string_view field, std::size_t cap = std::numeric_limits<std::size_t>::max())
      : field_(field), cap_(cap) {}

  bool top_is_object = false;
  bool found = false;
  bool duplicate = false;
  bool is_array = false;     // the field's value is an array
  std::vector<value> values; // the scalar, or the array's elements (at most cap)
  bool over_cap = false;     // more values than cap were seen
  std::string parse_error_text;

  // SAX interface (nlohmann::json::sax_parse calls these by name).
  bool null() { return scalar(kind::other, {}); }
  bool boolean(bool) { return scalar(kind::other, {}); }
  bool number_integer(json::number_integer_t v) { return scalar(kind::number, std::to_string(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(kind::number, std::to_string(v)); }
  bool number_float(json::number_float_t, const std::string& raw) { return scalar(kind::number, raw); }
  bool string(std::string& s) { return scalar(kind::string, std::move(s)); }
  bool binary(json::binary_t&) { return scalar(kind::other, {}); }
  bool key(std::string& k) {
    if (depth_ != 1) return true; // a key inside a nested value
    in_field_ = k == field_;
    if (in_field_) {
      duplicate = duplicate || found;
      found = true;
      is_array = false;
      over_cap = false;
      values.clear();
    }
    return true;
  }
  bool start_object(std::size_t) { return open(false); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(true); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    parse_error_text = e.what();
    return false;
  }

private:
  // depth_ 1: inside the top-level object; the field's value sits at depth 1 (scalar) or
  // opens depth 2 (array); its elements sit at depth 2.
  bool open(bool array) {
    if (depth_ == 0)
      top_is_object = !array;
    else if (depth_ == 1 && in_field_) {
      if (array)
        is_array = true;
      else
        keep({kind::other, {}}); // an object where a number belongs
    } else if (depth_ == 2 && in_field_ && is_array) {
      keep({kind::other, {}}); // nested array or object element
    }
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    if (depth_ == 1) in_field_ = false;
    return true;
  }
  bool scalar(kind what, std::string text) {
    if (in_field_ && ((depth_ == 1 && !is_array) || (depth_ == 2 && is_array))) keep({what, std::move(text)});
    if (depth_ == 1) in_field_ = false;
    return true;
  }
  void keep(value v) {
    if (values.size() < cap_)
      values.push_back(std::move(v));
    else
      over_cap = true;
  }

  std::string_view field_;
  std::size_t cap_;
  int depth_ = 0;
  bool in_field_ = false;
};

// Parses the body; OK when it is a JSON object naming the field once.
result<void> read_field(std::string_view body, field_reader& reader, std::string_view example) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return fail(errc::malformed_json, "the request body is empty; send " + std::string{example});
  // Integers past a double's range would fail to parse; as strings they keep every digit.
  const std::string quoted = actors::quote_long_json_integers(body);
  if (!json::sax_parse(quoted, &reader))
    return fail(errc::malformed_json, "the request body is not valid JSON (" + reader.parse_error_text +
                                          "); send " + std::string{example});
  if (!reader.top_is_object)
    return fail(errc::expected_object, "the request body must be a JSON object: " + std::string{example});
  if (reader.duplicate)
    return fail(errc::duplicate_field,
                "the body names the field twice; send it once: " + std::string{example});
  return {};
}

failure wrong_type(const std::string& what) {
  return fail(errc::not_a_number, what + " must be a decimal integer as a JSON string, e.g. \"91\"");
}

} // namespace

std::string job_to_json(const actors::job& j) {
  json out = {{"request_id", j.request_id},
              {"caller_id", j.caller_id},
              {"number", j.number},
              {"status", std::string{actors::to_string(j.status)}}};
  if (j.status == actors::job_status::done) out["factors"] = j.factors;
  if (j.status == actors::job_status::failed || j.status == actors::job_status::cancelled) {
    bool cancelled = j.status == actors::job_status::cancelled;
    std::string code = !j.error_code.empty() ? j.error_code : cancelled ? "cancelled" : "failed";
    std::string message = !j.error_message.empty() ? j.error_message
                          : cancelled              ? "the job was cancelled before it finished"
                                                   : "the job failed";
    out["error"] = {{"code", code}, {"message", message}};
  }
  out["queued_at"] = timestamp(j.queued_at);
  out["started_at"] = timestamp(j.started_at);
  out["finished_at"] = timestamp(j.finished_at);
  return dump(out);
}

std::string accepted_to_json(const actors::job& j, std::string_view status_url) {
  return dump({{"request_id", j.request_id},
               {"status", std::string{actors::to_string(j.status)}},
               {"status_url", std::string{status_url}}});
}

std::string batch_accepted_to_json(const std::vector<actors::job>& jobs) {
  json ids = json::array();
  for (const auto& j : jobs) ids.push_back(j.request_id);
  return dump({{"request_ids", std::move(ids)}});
}

result<std::string> extract_number(std::string_view body) {
  static constexpr std::string_view example = R"({"number": "91"})";
  field_reader reader{"number"};
  if (auto read = read_field(body, reader, example); !read) return read.error();
  if (!reader.found)
    return fail(errc::missing_number, "the body has no \"number\" field; send " + std::string{example});
  if (reader.is_array || reader.values.size() != 1 || reader.values[0].what == field_reader::kind::other)
    return wrong_type("\"number\"");
  return std::move(reader.values[0].text);
}

result<std::vector<batch_element>> extract_numbers(std::string_view body, std::size_t max_numbers) {
  static constexpr std::string_view example = R"({"numbers": ["91", "97"]})";
  field_reader reader{"numbers", max_numbers};
  if (auto read = read_field(body, reader, example); !read) return read.error();
  if (!reader.found)
    return fail(errc::missing_numbers, "the body has no \"numbers\" field; send " + std::string{example});
  if (!reader.is_array)
    return fail(errc::not_an_array, "\"numbers\" must be a JSON array: " + std::string{example});
  if (reader.values.empty())
    return fail(errc::empty_batch,
                "\"numbers\" is empty; send 1 to " + std::to_string(max_numbers) + " numbers");
  if (reader.over_cap)
    return fail(errc::batch_too_large, "a batch holds at most " + std::to_string(max_numbers) +
                                           " numbers; split it into several requests");
  std::vector<batch_element> elements;
  elements.reserve(reader.values.size());
  for (std::size_t i = 0; i < reader.values.size(); ++i) {
    auto& v = reader.values[i];
    if (v.what == field_reader::kind::other)
      elements.emplace_back(wrong_type("numbers[" + std::to_string(i) + "]"));
    else
      elements.emplace_back(std::move(v.text));
  }
  return elements;
}

bool is_json_content_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  auto media = content_type.substr(0, semi);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  std::string lower(media);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "application/json") return true;
  return lower.rfind("application/", 0) == 0 && lower.size() > 17 &&
         lower.compare(lower.size() - 5, 5, "+json") == 0;
}

result<void> check_json_content_type(std::string_view content_type) {
  if (is_json_content_type(content_type)) return {};
  return fail(errc::unsupported_media_type,
              content_type.empty() ? "the request has no Content-Type; send the body as JSON with header "
                                     "Content-Type: application/json"
                                   : "send the body as JSON with header Content-Type: application/json");
}

result<std::string> parse_auth_frame(std::string_view text) {
  constexpr std::string_view shape = R"(authenticate first: send {"type":"auth","token":"<API key or JWT>"})";
  if (text.size() > 16384)
    return fail(errc::malformed_json, std::string{shape} + " (this frame is too long)");
  auto body = json::parse(text.begin(), text.end(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) return fail(errc::malformed_json, std::string{shape});
  auto type = body.find("type");
  auto token = body.find("token");
  if (type == body.end() || !type->is_string() || type->get_ref<const std::string&>() != "auth" ||
      token == body.end() || !token->is_string() || token->get_ref<const std::string&>().empty())
    return fail(errc::malformed_json, std::string{shape});
  return token->get<std::string>();
}

std::string auth_ok_frame(const std::string& caller_id) {
  json frame = {{"type", "auth"}, {"ok", true}, {"caller_id", caller_id}};
  return frame.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace factord::net
