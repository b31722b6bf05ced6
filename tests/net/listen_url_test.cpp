#include "net/listen_url.hpp"

#include <catch2/catch.hpp>

using factord::net::listen_url;

TEST_CASE("listen_url names an address a browser on this machine can open", "[net]") {
  CHECK(listen_url("127.0.0.1", 8080) == "http://127.0.0.1:8080");
  CHECK(listen_url("localhost", 9000) == "http://localhost:9000");
  CHECK(listen_url("::1", 8080) == "http://[::1]:8080");
  CHECK(listen_url("0.0.0.0", 8080) == "http://127.0.0.1:8080");
  CHECK(listen_url("::", 8080) == "http://[::1]:8080");
}
