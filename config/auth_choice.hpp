// Whether --host serves the network, and the --auth choices that only make sense together
// (README "Security"). main checks them before a node starts; net/ asks is_loopback_host for
// its DNS-rebinding check.
#pragma once

#include "config/errc.hpp"
#include "config/options.hpp"
#include "config/result.hpp"

#include <string_view>

namespace factord::config {

// True for the addresses only this machine can reach: 127.0.0.0/8, ::1 (any spelling, with
// or without brackets) and localhost (any case). Any other --host (0.0.0.0, a LAN address, a
// name) serves the network. The one test of it: protected mode and net/'s DNS-rebinding
// check both ask here.
bool is_loopback_host(std::string_view host);

// The choices that only make sense together: --auth on needs a credential source, a
// non-loopback --host needs an --auth choice (like Redis' protected mode). The message
// names the options that fix it.
result<void, errc> check_auth_choice(const settings& s);

} // namespace factord::config
