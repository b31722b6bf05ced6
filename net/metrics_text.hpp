// GET /metrics: the Prometheus text exposition format (version 0.0.4) of the node's
// stats and net/'s http_probe. Pure formatting, tested without a server.
#pragma once

#include "actors/registry/client.hpp"
#include "net/http_probe.hpp"

#include <string>
#include <string_view>

namespace factord::net {

inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Label values: backslash, double quote and line feed are escaped (\\, \", \n).
std::string escape_label_value(std::string_view value);

// Sample values: shortest round-trip decimal; "+Inf", "-Inf", "NaN" as Prometheus spells them.
std::string format_sample(double value);

std::string render_metrics(const actors::node_stats& node, const http_probe::snapshot& http);

} // namespace factord::net
