#include "net/listen_url.hpp"

namespace factord::net {

std::string listen_url(std::string_view host, std::uint16_t port) {
  std::string shown{host};
  if (host.empty() || host == "0.0.0.0")
    shown = "127.0.0.1";
  else if (host == "::")
    shown = "::1";
  if (shown.find(':') != std::string::npos) shown = "[" + shown + "]";
  return "http://" + shown + ":" + std::to_string(port);
}

} // namespace factord::net
