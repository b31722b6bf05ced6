// Linked into every executable of a sanitized build (-DFACTORD_SANITIZE=..., build-asan/ of
// scripts/test). The sanitizer runtimes read these defaults before ASAN_OPTIONS,
// UBSAN_OPTIONS and LSAN_OPTIONS (which still override them), so every run of such a binary
// -- under ctest, started by the black-box harness, or by hand -- treats a report as fatal.
//
// abort_on_error: a report ends the process with SIGABRT, which no factord exit status can be
// mistaken for (factord itself exits 1 and 2 on bad input; ASan's default exit status is 1).
// detect_leaks: LeakSanitizer runs when a process exits normally (a server after SIGTERM).
// ubsan.supp: proven third-party UBSan findings, each with its reason. LeakSanitizer has no
// suppressions file: the one third-party leak found (GMP-ECM, factor/ecm.cpp) is excluded
// where it is made, since Debian's libraries have no frame pointers for a file to match on.

#ifndef FACTORD_UBSAN_SUPPRESSIONS
#error "FACTORD_UBSAN_SUPPRESSIONS: the path of tests/sanitizers/ubsan.supp (set by CMake)"
#endif

// NOLINTBEGIN(bugprone-reserved-identifier,readability-identifier-naming): the runtimes' names.
extern "C" {
const char* __asan_default_options();
const char* __ubsan_default_options();

const char* __asan_default_options() {
  return "abort_on_error=1:halt_on_error=1:detect_leaks=1:check_initialization_order=1:"
         "strict_init_order=1:detect_stack_use_after_return=1";
}

const char* __ubsan_default_options() {
  return "abort_on_error=1:halt_on_error=1:print_stacktrace=1:"
         "suppressions=" FACTORD_UBSAN_SUPPRESSIONS;
}
}
// NOLINTEND(bugprone-reserved-identifier,readability-identifier-naming)
