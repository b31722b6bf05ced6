// Parsing a JSON object that other programs write (WebSocket frames, Kafka records): a key
// named twice at the top level would leave it to the parser which value counts, so such an
// object is refused like malformed JSON. Header-only; include it where nlohmann/json is used.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace factord::actors {

struct json_object_read {
  nlohmann::json value;       // discarded when `text` is not valid JSON
  bool duplicate_key = false; // a top-level key appears twice
  bool ok() const { return !value.is_discarded() && value.is_object() && !duplicate_key; }
};

inline json_object_read read_json_object(std::string_view text) {
  json_object_read out;
  std::vector<std::string> keys;
  auto watch = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1) {
      const auto& k = parsed.get_ref<const std::string&>();
      out.duplicate_key = out.duplicate_key || std::find(keys.begin(), keys.end(), k) != keys.end();
      keys.push_back(k);
    }
    return true;
  };
  out.value = nlohmann::json::parse(text, watch, false);
  return out;
}

} // namespace factord::actors
