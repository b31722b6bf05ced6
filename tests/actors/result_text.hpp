// Lets Catch print a factord::result and an errc: a failed REQUIRE(j->put(x)) then shows
// "busy: cannot run COMMIT on journal '...'" instead of "{?}", and a failed code check
// "corrupt == busy" instead of "4 == 5". Needs a to_string(Errc) beside the module's errc
// (found by argument-dependent lookup).
#pragma once

#include "config/result.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>
#include <utility>

namespace Catch {

template <class Errc>
struct StringMaker<
    Errc, std::enable_if_t<std::is_enum<Errc>::value, decltype(void(to_string(std::declval<Errc>())))>> {
  static std::string convert(Errc code) { return std::string(to_string(code)); }
};

template <class T, class Errc>
struct StringMaker<factord::result<T, Errc>> {
  static std::string convert(const factord::result<T, Errc>& r) {
    if (r.ok()) return "ok";
    return std::string(to_string(r.code())) + ": " + r.message();
  }
};

} // namespace Catch
