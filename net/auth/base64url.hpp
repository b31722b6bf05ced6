// base64url without padding (RFC 4648 section 5, as RFC 7515 uses it for JWS parts).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace factord::auth {

// The bytes `text` encodes, or nothing unless `text` is canonical unpadded base64url:
// only A-Z a-z 0-9 - _, no '=', a length that is not 1 more than a multiple of 4, and
// zero in the bits the last character carries beyond the data. Canonical only, so one
// byte string has one encoding: a signature cannot be altered into another text that
// decodes to the same bytes.
std::optional<std::string> base64url_decode(std::string_view text);

} // namespace factord::auth
