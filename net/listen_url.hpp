// The URL a person on this machine opens to reach a listening address: what the
// `listening` log line shows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace factord::net {

// "127.0.0.1", 8080 -> "http://127.0.0.1:8080"; IPv6 gets brackets ("::1" ->
// "http://[::1]:8080"). A wildcard bind ("0.0.0.0", "::") listens on loopback too, and
// a browser cannot open the wildcard itself, so the URL names loopback instead.
std::string listen_url(std::string_view host, std::uint16_t port);

} // namespace factord::net
