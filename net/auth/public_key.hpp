// The --auth-jwt-public-key file, read with OpenSSL: which JWT algorithm a PEM public key
// is for, and the key re-encoded alone. Used by jwt.cpp only (at startup, and per token to
// pick the algorithm from the configured key rather than from the token).
#pragma once

#include "config/errc.hpp"
#include "config/result.hpp"

#include <string>
#include <string_view>

namespace factord::auth {

enum class public_key_algorithm { rs256, es256 };

struct public_key {
  public_key_algorithm algorithm;
  std::string pem; // the key alone, as OpenSSL writes it (SubjectPublicKeyInfo PEM)
};

// bad_value with what to do when `pem_text` holds no PEM public key (a private key, a
// certificate, PKCS#1 "RSA PUBLIC KEY" each get their own hint), or one of a kind or size
// JWTs are not accepted with: RSA under config::limits::min_rsa_key_bits, EC not on P-256,
// anything else.
factord::result<public_key, config::errc> read_public_key(std::string_view pem_text);

// "RS256" or "ES256".
const char* algorithm_name(public_key_algorithm algorithm);

} // namespace factord::auth
