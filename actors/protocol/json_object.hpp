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

// The parsed text (discarded when it is not valid JSON); `duplicate_key` says whether a
// top-level key appears twice.
inline nlohmann::json read_json_object(std::string_view text, bool& duplicate_key) {
  duplicate_key = false;
  std::vector<std::string> keys;
  auto watch = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1) {
      const auto& k = parsed.get_ref<const std::string&>();
      duplicate_key = duplicate_key || std::find(keys.begin(), keys.end(), k) != keys.end();
      keys.push_back(k);
    }
    return true;
  };
  return nlohmann::json::parse(text, watch, false);
}

} // namespace factord::actors
