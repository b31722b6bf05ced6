// Debian's GMP-ECM 7.0.5 never frees the curve coefficients it allocates in each
// ecm_factor call (256 bytes; README "Known limits"), and nothing outside it can. In a
// build with LeakSanitizer (build-asan/, the fuzz build), a gmp_ecm_leak_scope held around
// the call makes LSan ignore what the call allocates and check everything else; elsewhere
// it is nothing. (A suppressions file cannot name the leak: libgmp and libecm have no frame
// pointers, so its stack ends in __gmp_default_allocate, shared by every mpz of factord.)
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define FACTORD_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FACTORD_LSAN 1
#endif
#endif

#ifdef FACTORD_LSAN
#include <sanitizer/lsan_interface.h>
#endif

namespace factord::factor {

#ifdef FACTORD_LSAN
using gmp_ecm_leak_scope = __lsan::ScopedDisabler;
#else
struct gmp_ecm_leak_scope {
  gmp_ecm_leak_scope() {} // user-provided: holding one is not an unused variable
};
#endif

} // namespace factord::factor
