#include "config/load.hpp"
#include "config/origin.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace factord::config;

namespace {

web_origin origin_of(const std::string& text) {
  auto o = parse_origin(text);
  INFO(text);
  REQUIRE(o.ok());
  return o.value();
}

void refused(const std::string& text, const std::string& fragment) {
  auto o = parse_origin(text);
  INFO(text);
  REQUIRE_FALSE(o.ok());
  CHECK(o.code() == errc::bad_value);
  CHECK(o.message().find(fragment) != std::string::npos);
}

} // namespace

TEST_CASE("origins parse into scheme, host and port", "[config][origin]") {
  auto o = origin_of("https://app.example.com");
  CHECK(o.scheme == "https");
  CHECK(o.host == "app.example.com");
  CHECK(o.port == 443);
  CHECK(origin_of("http://127.0.0.1:8080").port == 8080);
  CHECK(origin_of("http://127.0.0.1:8080").host == "127.0.0.1");
  CHECK(origin_of("http://localhost").port == 80);
  // Scheme and host are case-insensitive; default ports are the same origin as none.
  CHECK(origin_of("HTTPS://App.Example.COM") == origin_of("https://app.example.com"));
  CHECK(origin_of("https://app.example.com:443") == origin_of("https://app.example.com"));
  CHECK(origin_of("http://app.example.com:80") == origin_of("http://app.example.com"));
  CHECK(origin_of("http://app.example.com:0080") == origin_of("http://app.example.com"));
  CHECK(format_origin(origin_of("HTTPS://App.Example.COM:443")) == "https://app.example.com");
  CHECK(format_origin(origin_of("http://a.example:8443")) == "http://a.example:8443");
  CHECK(origin_of("http://xn--bcher-kva.example").host == "xn--bcher-kva.example");
}

TEST_CASE("different scheme, host or port is a different origin", "[config][origin]") {
  auto base = origin_of("https://app.example.com");
  CHECK(base != origin_of("http://app.example.com"));
  CHECK(base != origin_of("https://app.example.com:8443"));
  CHECK(base != origin_of("https://app.example.co"));
  CHECK(base != origin_of("https://evil-app.example.com"));
  CHECK(base != origin_of("https://app.example.com.evil.example"));
  CHECK(origin_of("http://localhost:8080") != origin_of("http://127.0.0.1:8080"));
}

TEST_CASE("IPv6 hosts are bracketed and compared in one canonical spelling", "[config][origin]") {
  CHECK(origin_of("http://[::1]:8080").host == "[::1]");
  CHECK(origin_of("http://[0:0:0:0:0:0:0:1]:8080") == origin_of("http://[::1]:8080"));
  CHECK(origin_of("http://[2001:DB8:0:0:1:0:0:1]").host == "[2001:db8::1:0:0:1]");
  CHECK(origin_of("http://[::ffff:127.0.0.1]").host == "[::ffff:7f00:1]");
  CHECK(origin_of("http://[1:0:0:2:0:0:0:3]").host == "[1:0:0:2::3]");
  refused("http://[::1", "'[' without ']'");
  refused("http://[::1]x", "after ']'");
  refused("http://[::1]:", "without a port");
  refused("http://[fe80::1%25eth0]", "no zone id");
  refused("http://[::g]", "IPv6");
  refused("http://[1:2:3:4:5:6:7:8:9]", "not valid");
  refused("http://[]", "not valid");
}

TEST_CASE("garbage, hostile and ambiguous origins are refused with a reason", "[config][origin]") {
  refused("", "no scheme://");
  refused("null", "no scheme://");
  refused("app.example.com", "no scheme://");
  refused("file:///etc/passwd", "http or https");
  refused("ftp://app.example.com", "http or https");
  refused("ws://app.example.com", "http or https");
  refused("javascript://app.example.com", "http or https");
  refused("https://", "host is empty");
  refused("https://:8080", "host is empty");
  refused("https://app.example.com/", "no path");
  refused("https://app.example.com/path", "no path");
  refused("https://app.example.com?x=1", "no path");
  refused("https://app.example.com#top", "no path");
  refused("https://app.example.com\\", "no path");
  refused("https://user:pass@app.example.com", "user:password@");
  refused("https://evil.example@app.example.com", "user:password@");
  refused("https://app.example.com.", "no empty label");
  refused("https://.app.example.com", "no empty label");
  refused("https://app..example.com", "no empty label");
  refused("https://b\xc3\xbc"
          "cher.example",
          "punycode");
  refused(std::string("https://app.example.com") + '\0', "only letters");
  refused("https://app example.com", "only letters");
  refused("https://*.example.com", "only letters");
  refused("https://app.example.com:", "without a port");
  refused("https://app.example.com:0", "1-65535");
  refused("https://app.example.com:65536", "1-65535");
  refused("https://app.example.com:99999999999999999999", "1-65535");
  refused("https://app.example.com:+80", "1-65535");
  refused("https://app.example.com:80:80", "1-65535");
  refused("https://127.1", "IPv4");
  refused("https://0x7f.0.0.1", "IPv4");
  refused("https://127.0.0.01", "IPv4");
  refused("https://256.0.0.1", "IPv4");
  refused("https://1.2.3.4.5", "IPv4");
  refused("https://" + std::string(64, 'a') + ".example", "63 characters");
  refused("https://" + std::string(250, 'a'), "longer than 256");
  std::string huge = "https://" + std::string(100000, 'a');
  refused(huge, "longer than 256");
  // What is echoed in the message is short and printable.
  auto hostile = parse_origin("https://\x1b[31m" + std::string(200, 'x'));
  REQUIRE_FALSE(hostile.ok());
  CHECK(hostile.message().find('\x1b') == std::string::npos);
  CHECK(hostile.message().size() < 300);
}

TEST_CASE("allowed-origins is a bounded comma-separated list or a lone star", "[config][origin]") {
  auto empty = parse_origin_list("");
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->any);
  CHECK(empty->origins.empty());
  auto any = parse_origin_list(" * ");
  REQUIRE(any.ok());
  CHECK(any->any);
  CHECK(format_origin_list(*any) == "*");
  auto two = parse_origin_list("https://app.example.com, http://localhost:3000");
  REQUIRE(two.ok());
  REQUIRE(two->origins.size() == 2);
  CHECK(two->origins[1] == origin_of("http://localhost:3000"));
  CHECK(format_origin_list(*two) == "https://app.example.com,http://localhost:3000");

  for (const char* bad : {"https://a.example,", ",https://a.example", "https://a.example,,https://b.example",
                          "*,https://a.example", "https://a.example,*", "https://a.example/", "null"}) {
    INFO(bad);
    auto r = parse_origin_list(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == errc::bad_value);
    CHECK_FALSE(r.message().empty());
  }
  std::string many;
  for (std::size_t i = 0; i < max_allowed_origins; ++i)
    many += (i ? "," : "") + std::string("https://h") + std::to_string(i) + ".example";
  CHECK(parse_origin_list(many).ok());
  auto too_many = parse_origin_list(many + ",https://one-more.example");
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.message().find("at most 64 origins") != std::string::npos);
}

TEST_CASE("allowed-origins comes from the command line, environment and config file", "[config][origin]") {
  auto defaults = load({"serve"}, [](const char*) -> const char* { return nullptr; });
  REQUIRE(defaults.ok());
  CHECK_FALSE(defaults->values.allowed_origins.any);
  CHECK(defaults->values.allowed_origins.origins.empty());

  auto cli = load({"serve", "--allowed-origins", "https://app.example.com"},
                  [](const char*) -> const char* { return nullptr; });
  REQUIRE(cli.ok());
  REQUIRE(cli->values.allowed_origins.origins.size() == 1);
  CHECK(cli->values.allowed_origins.origins[0].host == "app.example.com");

  auto env = load({"serve"}, [](const char* name) -> const char* {
    return std::string(name) == "FACTORD_ALLOWED_ORIGINS" ? "*" : nullptr;
  });
  REQUIRE(env.ok());
  CHECK(env->values.allowed_origins.any);

  settings s;
  REQUIRE(apply_config_text(s, "allowed-origins = http://a.example:8080,https://b.example\n", "f.ini").ok());
  CHECK(s.allowed_origins.origins.size() == 2);

  auto bad = load({"serve", "--allowed-origins=app.example.com"},
                  [](const char*) -> const char* { return nullptr; });
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.code() == errc::bad_value);
  CHECK(bad.message().find("bad value for allowed-origins") != std::string::npos);
  CHECK(bad.message().find("scheme://host[:port]") != std::string::npos);

  auto bad_env = load({"serve"}, [](const char* name) -> const char* {
    return std::string(name) == "FACTORD_ALLOWED_ORIGINS" ? "https://a.example/path" : nullptr;
  });
  REQUIRE_FALSE(bad_env.ok());
  CHECK(bad_env.message().find("environment FACTORD_ALLOWED_ORIGINS") != std::string::npos);
  CHECK(bad_env.message().find("no path") != std::string::npos);
}
