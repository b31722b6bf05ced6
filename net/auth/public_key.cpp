#include "net/auth/public_key.hpp"

#include "config/limits.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <climits>
#include <memory>

namespace factord::auth {

namespace {

struct bio_free {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
struct pkey_free {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
using bio_ptr = std::unique_ptr<BIO, bio_free>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

failure<config::errc> not_a_public_key(std::string_view pem_text) {
  // The commonest mistakes, each with the command that fixes it.
  if (contains(pem_text, "PRIVATE KEY-----"))
    return fail(config::errc::bad_value, "this is a private key; give factord only the public key, which "
                                         "`openssl pkey -in KEY.pem -pubout -out public.pem` writes");
  if (contains(pem_text, "-----BEGIN CERTIFICATE-----"))
    return fail(config::errc::bad_value, "this is a certificate; give its public key, which "
                                         "`openssl x509 -in CERT.pem -pubkey -noout > public.pem` writes");
  if (contains(pem_text, "-----BEGIN RSA PUBLIC KEY-----"))
    return fail(config::errc::bad_value,
                "this is a PKCS#1 RSA key; convert it to a \"BEGIN PUBLIC KEY\" one with "
                "`openssl rsa -RSAPublicKey_in -in KEY.pem -pubout -out public.pem`");
  return fail(config::errc::bad_value,
              "not a PEM public key: expected a \"-----BEGIN PUBLIC KEY-----\" block (RSA for "
              "RS256, EC P-256 for ES256), as `openssl pkey -pubout` writes");
}

std::string group_name(EVP_PKEY* key) {
  char name[80] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &length) != 1)
    return {};
  return std::string(name, length);
}

factord::result<public_key_algorithm, config::errc> algorithm_for(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: {
      auto bits = EVP_PKEY_get_bits(key);
      if (bits < static_cast<int>(config::limits::min_rsa_key_bits))
        return fail(config::errc::bad_value, "this RSA key has " + std::to_string(bits) +
                                                 " bits; RS256 needs at least " +
                                                 std::to_string(config::limits::min_rsa_key_bits) +
                                                 " (a shorter one can be factored): make a new key pair");
      return public_key_algorithm::rs256;
    }
    case EVP_PKEY_EC: {
      auto group = group_name(key);
      if (group == "prime256v1" || group == "P-256") return public_key_algorithm::es256;
      return fail(config::errc::bad_value,
                  "this EC key is on curve " + (group.empty() ? std::string("(unknown)") : group) +
                      "; only P-256 (ES256) is accepted: make a key with "
                      "`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`");
    }
    default: {
      const char* type = EVP_PKEY_get0_type_name(key);
      return fail(config::errc::bad_value,
                  std::string("this is a ") + (type != nullptr ? type : "unknown") +
                      " key; JWTs are accepted with RSA (RS256) or EC P-256 (ES256) keys only");
    }
  }
}

} // namespace

factord::result<public_key, config::errc> read_public_key(std::string_view pem_text) {
  if (pem_text.size() > static_cast<std::size_t>(INT_MAX)) return not_a_public_key({});
  bio_ptr in{BIO_new_mem_buf(pem_text.data(), static_cast<int>(pem_text.size()))};
  pkey_ptr key{in ? PEM_read_bio_PUBKEY(in.get(), nullptr, nullptr, nullptr) : nullptr};
  ERR_clear_error(); // a failed read leaves errors in this thread's queue; we report our own
  if (!key) return not_a_public_key(pem_text);
  auto algorithm = algorithm_for(key.get());
  if (!algorithm) return algorithm.error();

  bio_ptr out{BIO_new(BIO_s_mem())};
  if (!out || PEM_write_bio_PUBKEY(out.get(), key.get()) != 1) {
    ERR_clear_error();
    return fail(config::errc::bad_value, "OpenSSL could not re-encode this public key");
  }
  char* data = nullptr;
  auto length = BIO_get_mem_data(out.get(), &data);
  return public_key{*algorithm, std::string(data, static_cast<std::size_t>(length))};
}

const char* algorithm_name(public_key_algorithm algorithm) {
  return algorithm == public_key_algorithm::rs256 ? "RS256" : "ES256";
}

} // namespace factord::auth
