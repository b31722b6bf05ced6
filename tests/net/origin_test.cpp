#include "net/errors.hpp"
#include "net/origin.hpp"

#include <catch2/catch.hpp>

#include <string>

using factord::net::browser_policy;
using factord::net::check_browser_request;
using factord::net::errc;
using factord::net::request_head;
using factord::net::route;

namespace {

browser_policy policy_for(const std::string& host_option, const std::string& allowed = "") {
  factord::config::settings s;
  s.host = host_option;
  auto list = factord::config::parse_origin_list(allowed);
  REQUIRE(list.ok());
  s.allowed_origins = list.value();
  return factord::net::make_browser_policy(s);
}

request_head head(route which, const char* host, const char* origin = nullptr) {
  request_head h;
  h.which = which;
  if (host) {
    h.host_count = 1;
    h.host = host;
  }
  if (origin) {
    h.origin_count = 1;
    h.origin = origin;
  }
  return h;
}

} // namespace

TEST_CASE("loopback binds: localhost, 127/8 and ::1", "[net][origin]") {
  // --host is tested by config's is_loopback_host, the one test of a loopback address.
  auto is_loopback_bind = [](const char* host) { return factord::config::is_loopback_host(host); };
  for (const char* yes :
       {"127.0.0.1", "127.1.2.3", "localhost", "LocalHost", "::1", "[::1]", "0:0:0:0:0:0:0:1"}) {
    INFO(yes);
    CHECK(is_loopback_bind(yes));
  }
  for (const char* no : {"0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "localhost.example",
                         "128.0.0.1", "::2", "", "[::1", "127.0.0.1 "}) {
    INFO(no);
    CHECK_FALSE(is_loopback_bind(no));
  }
}

TEST_CASE("loopback Host headers: localhost, 127.x.y.z, [::1], any port", "[net][origin]") {
  using factord::net::is_loopback_host;
  for (const char* yes : {"localhost", "localhost:8080", "LOCALHOST:1", "127.0.0.1", "127.0.0.1:8080",
                          "127.255.0.9:65535", "[::1]", "[::1]:8080", "[0::1]:80"}) {
    INFO(yes);
    CHECK(is_loopback_host(yes));
  }
  // The names a rebinding attack uses, and spellings that only look like loopback.
  for (const char* no : {"", "evil.example", "evil.example:8080", "localhost.evil.example",
                         "127.0.0.1.evil.example", "127.evil.example", "localhost.", "127.1", "0x7f.0.0.1",
                         "2130706433", "[::ffff:127.0.0.1]", "0.0.0.0", "[::]", "user@localhost",
                         "localhost:8080/x", "localhost:0", "localhost:99999", "192.168.1.1:8080"}) {
    INFO(no);
    CHECK_FALSE(is_loopback_host(no));
  }
  CHECK_FALSE(is_loopback_host(std::string(10000, 'a')));
}

TEST_CASE("the server's own origin is the connection's scheme with the Host sent", "[net][origin]") {
  using factord::net::own_origin;
  auto o = own_origin("127.0.0.1:8080", false);
  REQUIRE(o.ok());
  CHECK(factord::config::format_origin(*o) == "http://127.0.0.1:8080");
  auto tls = own_origin("Factord.Example", true);
  REQUIRE(tls.ok());
  CHECK(factord::config::format_origin(*tls) == "https://factord.example");
  CHECK_FALSE(own_origin("", false).ok());
  CHECK_FALSE(own_origin("a/b", false).ok());
  CHECK_FALSE(own_origin(std::string(300, 'a'), false).ok());
}

TEST_CASE("Origin matches exactly: own origin, the allowed list, or any with a star", "[net][origin]") {
  using factord::net::origin_allowed;
  auto own_only = policy_for("127.0.0.1");
  CHECK(origin_allowed(own_only, "http://127.0.0.1:8080", "127.0.0.1:8080"));
  CHECK(origin_allowed(own_only, "HTTP://LOCALHOST:8080", "localhost:8080"));
  CHECK(origin_allowed(own_only, "http://example.com", "example.com:80"));
  CHECK_FALSE(origin_allowed(own_only, "http://127.0.0.1:8081", "127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed(own_only, "https://127.0.0.1:8080", "127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed(own_only, "http://localhost:8080", "127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed(own_only, "http://127.0.0.1:8080/", "127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed(own_only, "null", "127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed(own_only, "", "127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed(own_only, "http://127.0.0.1:8080", ""));
  CHECK_FALSE(origin_allowed(own_only, "http://evil.example", "evil.example/"));
  CHECK_FALSE(origin_allowed(own_only, "http://user@127.0.0.1:8080", "user@127.0.0.1:8080"));

  auto listed = policy_for("0.0.0.0", "https://app.example.com,http://localhost:3000");
  CHECK(origin_allowed(listed, "https://app.example.com", "factord.example:8080"));
  CHECK(origin_allowed(listed, "https://APP.example.com:443", "factord.example:8080"));
  CHECK(origin_allowed(listed, "http://localhost:3000", "factord.example:8080"));
  CHECK(origin_allowed(listed, "http://factord.example:8080", "factord.example:8080")); // own, still
  CHECK_FALSE(origin_allowed(listed, "http://app.example.com", "factord.example:8080"));
  CHECK_FALSE(origin_allowed(listed, "https://app.example.com:8443", "factord.example:8080"));
  CHECK_FALSE(origin_allowed(listed, "https://app.example.com.evil.example", "factord.example:8080"));
  CHECK_FALSE(origin_allowed(listed, "http://localhost:3001", "factord.example:8080"));
  CHECK_FALSE(origin_allowed(listed, "null", "factord.example:8080"));

  auto any = policy_for("127.0.0.1", "*");
  CHECK(origin_allowed(any, "https://anything.example", "127.0.0.1:8080"));
  CHECK(origin_allowed(any, "null", "127.0.0.1:8080"));
}

TEST_CASE("only the socket and console routes check Origin", "[net][origin]") {
  using factord::net::checks_origin;
  for (auto r :
       {route::websocket, route::actors_stream, route::actors, route::console, route::console_actions})
    CHECK(checks_origin(r));
  for (auto r : {route::jobs, route::jobs_batch, route::job_by_id, route::compute, route::compute_by_id,
                 route::healthz, route::readyz, route::metrics, route::openapi, route::unknown})
    CHECK_FALSE(checks_origin(r));
}

TEST_CASE("a request head is refused for its Host or its Origin", "[net][origin]") {
  auto loopback = policy_for("127.0.0.1");
  auto refused_with = [](const browser_policy& p, const request_head& h) {
    auto r = check_browser_request(p, h);
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(r.message().empty());
    return r.code();
  };
  // No Origin: a non-browser client; it passes wherever its Host is fine.
  CHECK(check_browser_request(loopback, head(route::websocket, "127.0.0.1:8080")).ok());
  CHECK(check_browser_request(loopback, head(route::console_actions, "localhost:8080")).ok());
  // Same origin passes, another origin is refused on the socket and console routes only.
  CHECK(check_browser_request(loopback, head(route::websocket, "127.0.0.1:8080", "http://127.0.0.1:8080"))
            .ok());
  CHECK(refused_with(loopback, head(route::websocket, "127.0.0.1:8080", "http://evil.example")) ==
        errc::origin_not_allowed);
  CHECK(refused_with(loopback, head(route::actors_stream, "127.0.0.1:8080", "null")) ==
        errc::origin_not_allowed);
  CHECK(refused_with(loopback, head(route::actors, "127.0.0.1:8080", "http://127.0.0.1:9999")) ==
        errc::origin_not_allowed);
  CHECK(refused_with(loopback, head(route::console, "127.0.0.1:8080", "http://evil.example")) ==
        errc::origin_not_allowed);
  CHECK(refused_with(loopback, head(route::console_actions, "127.0.0.1:8080", "http://evil.example")) ==
        errc::origin_not_allowed);
  CHECK(check_browser_request(loopback, head(route::jobs, "127.0.0.1:8080", "http://evil.example")).ok());
  // An Origin sent twice is no browser's.
  auto twice = head(route::websocket, "127.0.0.1:8080", "http://127.0.0.1:8080");
  twice.origin_count = 2;
  CHECK(refused_with(loopback, twice) == errc::origin_not_allowed);

  // DNS rebinding: on a loopback bind every route wants a loopback Host, Origin or not.
  CHECK(refused_with(loopback, head(route::jobs, "evil.example:8080")) == errc::host_not_allowed);
  CHECK(refused_with(loopback, head(route::metrics, "evil.example")) == errc::host_not_allowed);
  CHECK(refused_with(loopback, head(route::websocket, "evil.example:8080", "http://evil.example:8080")) ==
        errc::host_not_allowed);
  CHECK(refused_with(loopback, head(route::healthz, "")) == errc::host_not_allowed);
  auto wildcard = policy_for("0.0.0.0");
  CHECK(check_browser_request(wildcard, head(route::jobs, "factord.example:8080")).ok());
  CHECK(check_browser_request(wildcard,
                              head(route::websocket, "factord.example:8080", "http://factord.example:8080"))
            .ok());
  CHECK(refused_with(wildcard, head(route::websocket, "factord.example:8080", "http://evil.example")) ==
        errc::origin_not_allowed);

  // Host: exactly one on HTTP/1.1 (RFC 9112); HTTP/1.0 may omit it.
  auto no_host = head(route::jobs, nullptr);
  CHECK(refused_with(wildcard, no_host) == errc::malformed_request);
  no_host.version = 10;
  CHECK(check_browser_request(wildcard, no_host).ok());
  CHECK(check_browser_request(loopback, no_host).ok());
  auto two_hosts = head(route::jobs, "127.0.0.1:8080");
  two_hosts.host_count = 2;
  CHECK(refused_with(loopback, two_hosts) == errc::malformed_request);

  // --allowed-origins and *.
  auto listed = policy_for("127.0.0.1", "http://localhost:3000");
  CHECK(
      check_browser_request(listed, head(route::websocket, "127.0.0.1:8080", "http://localhost:3000")).ok());
  CHECK(refused_with(listed, head(route::websocket, "127.0.0.1:8080", "http://localhost:3001")) ==
        errc::origin_not_allowed);
  auto any = policy_for("127.0.0.1", "*");
  CHECK(check_browser_request(any, twice).ok());
  CHECK(refused_with(any, head(route::websocket, "evil.example", "http://evil.example")) ==
        errc::host_not_allowed);
}

TEST_CASE("refusals map to 403 and 421 with their own codes", "[net][origin]") {
  auto origin = factord::net::to_http_error(factord::fail(errc::origin_not_allowed, "x"));
  CHECK(origin.status == 403);
  CHECK(origin.code == "origin_not_allowed");
  auto host = factord::net::to_http_error(factord::fail(errc::host_not_allowed, "x"));
  CHECK(host.status == 421);
  CHECK(host.code == "host_not_allowed");
}
