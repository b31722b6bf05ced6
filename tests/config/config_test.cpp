#include "config/auth_choice.hpp"
#include "config/duration.hpp"
#include "config/exit_codes.hpp"
#include "config/load.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <map>

using namespace factord::config;
using namespace std::chrono_literals;

namespace {

struct fake_env {
  std::map<std::string, std::string> vars;
  env_lookup lookup() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

factord::result<command_line, errc> load_args(const std::vector<std::string>& args,
                                              const fake_env& env = {}) {
  return load(args, env.lookup());
}

} // namespace

TEST_CASE("durations parse the way people write them", "[config]") {
  CHECK(parse_duration("5s") == 5000ms);
  CHECK(parse_duration("250ms") == 250ms);
  CHECK(parse_duration("10min") == 600000ms);
  CHECK(parse_duration("2m") == 120000ms);
  CHECK(parse_duration("1h") == 3600000ms);
  CHECK(parse_duration(" 3 ") == 3000ms);
  CHECK(parse_duration("0ms") == 0ms);
  for (const char* bad :
       {"", "s", "-5s", "5 s", "1.5s", "5sec", "99999999999999999999s", "9223372036854775807h", "\x01"})
    CHECK_FALSE(parse_duration(bad).has_value());
  CHECK(format_duration(5000ms) == "5s");
  CHECK(format_duration(600000ms) == "10min");
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(0ms) == "0ms");
}

TEST_CASE("defaults match API.md", "[config]") {
  auto r = load_args({"serve"});
  REQUIRE(r.ok());
  CHECK(r->command == "serve");
  CHECK(r->values.host == "127.0.0.1");
  CHECK(r->values.port == 8080);
  CHECK(r->values.data_dir == "./factord-data");
  CHECK(r->values.ws_idle_timeout == 5s);
  CHECK(r->values.max_digits == 300);
  CHECK(r->values.job_budget == 10min);
  CHECK(r->values.log == log_format::text);
  CHECK(r->values.scheduler == scheduler_policy::sharing);
  CHECK(r->values.scheduler_threads == 0);
  auto tuned = load_args({"worker", "--scheduler", "stealing", "--scheduler-threads", "3"});
  REQUIRE(tuned.ok());
  CHECK(tuned->values.scheduler == scheduler_policy::stealing);
  CHECK(tuned->values.scheduler_threads == 3);
}

TEST_CASE("command line, environment and file combine with the right precedence", "[config]") {
  std::string path = "factord-test-config.ini";
  {
    std::ofstream f(path);
    f << "# a comment\nport = 9000\nmax-digits = \"50\" ; trailing comment\n\nhost=0.0.0.0\n";
  }
  fake_env env;
  env.vars["FACTORD_PORT"] = "9100";
  env.vars["FACTORD_WS_IDLE_TIMEOUT"] = "250ms";
  auto r = load_args({"serve", "--config", path, "--port=9200", "--workers", "3"}, env);
  std::remove(path.c_str());
  REQUIRE(r.ok());
  CHECK(r->values.port == 9200);             // CLI beats env and file
  CHECK(r->values.ws_idle_timeout == 250ms); // env beats default
  CHECK(r->values.max_digits == 50);         // file beats default
  CHECK(r->values.host == "0.0.0.0");
  CHECK(r->values.workers == 3);
}

TEST_CASE("positional arguments, -- and flags", "[config]") {
  auto r = load_args({"factor", "12", "--max-digits=5", "--", "-7", "--help"});
  REQUIRE(r.ok());
  CHECK(r->command == "factor");
  CHECK(r->args == std::vector<std::string>{"12", "-7", "--help"});
  CHECK(r->values.max_digits == 5);
  CHECK_FALSE(r->help);
  CHECK(load_args({"--help"})->help);
  CHECK(load_args({"--version"})->version);
  CHECK(load_args({"factor", "-"})->args == std::vector<std::string>{"-"});
}

TEST_CASE("KAFKA_BOOTSTRAP_SERVERS is honoured, FACTORD_KAFKA and --kafka win", "[config]") {
  fake_env env;
  env.vars["KAFKA_BOOTSTRAP_SERVERS"] = "k1:9092";
  CHECK(load_args({"worker"}, env)->values.kafka == "k1:9092");
  env.vars["FACTORD_KAFKA"] = "k2:9092";
  CHECK(load_args({"worker"}, env)->values.kafka == "k2:9092");
  CHECK(load_args({"worker", "--kafka", "k3:9092,k4:9092"}, env)->values.kafka == "k3:9092,k4:9092");
}

TEST_CASE("bad options give an error that says what to do", "[config]") {
  auto expect_error = [](std::vector<std::string> args, errc code, const std::string& fragment,
                         const fake_env& env = {}) {
    auto r = load_args(args, env);
    INFO(args.back());
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == code);
    CHECK(r.message().find(fragment) != std::string::npos);
  };
  expect_error({"serve", "--bogus=1"}, errc::unknown_option, "unknown option 'bogus'");
  expect_error({"serve", "--port=70000"}, errc::bad_value, "port number");
  expect_error({"serve", "--port=-1"}, errc::bad_value, "port number");
  expect_error({"serve", "--port="}, errc::bad_value, "port number");
  expect_error({"serve", "--port"}, errc::missing_value, "needs a value");
  expect_error({"serve", "-x"}, errc::unknown_option, "unknown option '-x'");
  expect_error({"serve", "--ws-idle-timeout=soon"}, errc::bad_value, "duration");
  expect_error({"serve", "--ws-idle-timeout=0s"}, errc::bad_value, "at least 1ms");
  expect_error({"serve", "--max-digits=0"}, errc::bad_value, "digit limit");
  expect_error({"serve", "--max-digits=" + std::string(5000, '9')}, errc::bad_value, "digit limit");
  expect_error({"serve", "--log-format=xml"}, errc::bad_value, "'text' or 'json'");
  expect_error({"serve", "--scheduler=fifo"}, errc::bad_value, "'sharing' or 'stealing'");
  expect_error({"serve", "--scheduler="}, errc::bad_value, "'sharing' or 'stealing'");
  expect_error({"serve", "--scheduler-threads=-1"}, errc::bad_value, "whole number from 0 to 64");
  expect_error({"serve", "--scheduler-threads=65"}, errc::bad_value, "whole number from 0 to 64");
  expect_error({"serve", "--scheduler-threads=" + std::string(400, '9')}, errc::bad_value, "whole number");
  expect_error({"serve", "--kafka=localhost"}, errc::bad_value, "HOST:PORT");
  expect_error({"serve", "--config=/nonexistent/factord.ini"}, errc::unreadable_file,
               "cannot read config file");
  fake_env env;
  env.vars["FACTORD_WORKERS"] = "many";
  expect_error({"serve"}, errc::bad_value, "environment FACTORD_WORKERS: bad value for workers", env);
}

TEST_CASE("a bad config file stops loading with the file's error", "[config]") {
  std::string path = "factord-test-bad-config.ini";
  {
    std::ofstream f(path);
    f << "port = 9000\nmax-digits 50\n";
  }
  auto r = load_args({"serve", "--config", path});
  std::remove(path.c_str());
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == errc::malformed_line);
  CHECK(r.message() == path + " line 2: expected 'name = value', got 'max-digits 50'");
}

TEST_CASE("config file errors name the line", "[config]") {
  settings s;
  auto malformed = apply_config_text(s, "port = 1\nnonsense\n", "f.ini");
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.code() == errc::malformed_line);
  CHECK(malformed.message() == "f.ini line 2: expected 'name = value', got 'nonsense'");
  auto unknown = apply_config_text(s, "\n\nwho = me\n", "f.ini");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.code() == errc::unknown_option);
  CHECK(unknown.message().find("f.ini line 3: unknown option 'who'") == 0);
  auto bad = apply_config_text(s, "port = 99999\n", "f.ini");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.code() == errc::bad_value);
  CHECK(bad.message().find("f.ini line 1: bad value for port: expected a port number") == 0);
  CHECK(apply_config_text(s, "", "f.ini").ok());
  CHECK(apply_config_text(s, std::string(100000, '#'), "f.ini").ok());
}

TEST_CASE("every option refuses a bad value the same way", "[config]") {
  // One shape for all of them: errc::bad_value and a message that is not empty.
  settings s;
  for (const auto& spec : option_table()) {
    INFO(spec.name);
    auto refused = spec.assign(s, std::string(300, '\x01'));
    if (refused.ok()) continue; // free text, such as console-token
    CHECK(refused.code() == errc::bad_value);
    CHECK_FALSE(refused.message().empty());
  }
  CHECK(find_option("port")->assign(s, "8081").ok());
  CHECK(s.port == 8081);
}

TEST_CASE("help lists every option with its default and environment name", "[config]") {
  std::string help = help_text();
  for (const auto& spec : option_table()) {
    CHECK(help.find("--" + std::string(spec.name)) != std::string::npos);
    CHECK(help.find(env_name(spec.name)) != std::string::npos);
  }
  CHECK(env_name("ws-idle-timeout") == "FACTORD_WS_IDLE_TIMEOUT");
}

#include "config/log.hpp"

TEST_CASE("log lines are parseable in both formats", "[config][log]") {
  using factord::logging::format_line;
  using factord::logging::level;
  auto text =
      format_line(log_format::text, level::info, "job_done",
                  {{"request_id", "r1"}, {"caller", "a b"}, {"note", "x=\"y\""}}, "2026-11-23T00:00:00.000Z");
  CHECK(text == "2026-11-23T00:00:00.000Z info job_done request_id=r1 caller=\"a b\" "
                "note=\"x=\\\"y\\\"\"\n");
  auto json =
      format_line(log_format::json, level::warn, "bad\nframe", {{"k", "\x01"}}, "2026-11-23T00:00:00.000Z");
  CHECK(json == "{\"ts\":\"2026-11-23T00:00:00.000Z\",\"level\":\"warn\",\"event\":"
                "\"bad\\nframe\",\"k\":\"\\u0001\"}\n");
}

#include "config/text.hpp"
#include "config/rate.hpp"

TEST_CASE("JSON string literals are always valid, whatever the bytes", "[config][text]") {
  using factord::config::json_quote;
  CHECK(json_quote("plain") == "\"plain\"");
  CHECK(json_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_quote("line\nnext\t\r\x01") == "\"line\\nnext\\t\\r\\u0001\"");
  CHECK(json_quote("caf\xc3\xa9 \xe2\x82\xac") == "\"caf\xc3\xa9 \xe2\x82\xac\""); // kept
  CHECK(json_quote("bad \xff\xc3") == "\"bad \xef\xbf\xbd\xef\xbf\xbd\"");         // replaced
  CHECK(json_quote("") == "\"\"");
}

TEST_CASE("RFC 3339 timestamps in UTC with milliseconds", "[config][text]") {
  CHECK(factord::config::rfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(factord::config::rfc3339(1795435200123) == "2026-11-23T12:00:00.123Z");
}

TEST_CASE("the auth option takes on or off, and the credential options are bounded", "[config][auth]") {
  auto on = load_args({"serve", "--auth", "on", "--auth-keys", "/etc/factord/keys"});
  REQUIRE(on.ok());
  CHECK(on->values.auth == auth_mode::on);
  CHECK(on->values.auth_keys == "/etc/factord/keys");
  CHECK(load_args({"serve"})->values.auth == auth_mode::unset);
  CHECK(load_args({"serve", "--auth", "off"})->values.auth == auth_mode::off);
  for (const char* bad : {"yes", "ON", "", "true", "1"})
    CHECK(load_args({"serve", "--auth", bad}).code() == errc::bad_value);
  CHECK(load_args({"serve", "--auth-jwt-secret", "short"}).code() == errc::bad_value);
  CHECK(load_args({"serve", "--auth-jwt-secret", std::string(32, 's')}).ok());
  CHECK(load_args({"serve", "--auth-keys", std::string(5000, 'k')}).code() == errc::bad_value);
  CHECK(load_args({"serve", "--metrics-token", "short"}).code() == errc::bad_value);
  CHECK(load_args({"serve", "--max-connections-per-ip", "4"})->values.max_connections_per_ip == 4);
  CHECK(load_args({"serve"})->values.max_connections_per_ip == 0);
  CHECK(load_args({"serve", "--max-connections-per-ip", "-1"}).code() == errc::bad_value);
  CHECK(load_args({"serve", "--max-connections-per-ip", "2000000"}).code() == errc::bad_value);
  CHECK(load_args({"serve", "--metrics-token", std::string(16, 'm')})->values.metrics_token.size() == 16);
  fake_env env;
  env.vars["FACTORD_AUTH"] = "on";
  CHECK(load_args({"serve"}, env)->values.auth == auth_mode::on);
}

TEST_CASE("loopback hosts are 127.0.0.0/8, ::1 and localhost, nothing else", "[config][auth]") {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "[::1]", "localhost"})
    CHECK(is_loopback_host(host));
  for (const char* host :
       {"0.0.0.0", "::", "10.0.0.1", "127.0.0", "127.0.0.1.2", "127.0.0.256", "127..0.1", "127.0.0.1 ",
        "128.0.0.1", "localhost.example.com", "", "127.0.0.0001", "1270.0.0.1"})
    CHECK_FALSE(is_loopback_host(host));
}

TEST_CASE("a network host needs an --auth choice, and --auth on needs a credential source",
          "[config][auth]") {
  settings s;
  CHECK(check_auth_choice(s).ok()); // loopback, unset: off
  s.host = "0.0.0.0";
  auto refused = check_auth_choice(s);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == errc::unsafe_choice);
  CHECK(refused.message().find("--auth on") != std::string::npos);
  CHECK(refused.message().find("--auth off") != std::string::npos);
  CHECK(exit_code_for(refused.code()) == exit_code::usage);
  s.auth = auth_mode::off;
  CHECK(check_auth_choice(s).ok());
  s.auth = auth_mode::on;
  CHECK(check_auth_choice(s).code() == errc::unsafe_choice);
  s.auth_keys = "keys";
  CHECK(check_auth_choice(s).ok());
  s.auth_keys.clear();
  s.auth_jwt_secret = std::string(32, 's');
  CHECK(check_auth_choice(s).ok());
}

TEST_CASE("rate limit options: off by default, bounded, plain decimals only", "[config][rate]") {
  auto defaults = load_args({"serve"});
  REQUIRE(defaults.ok());
  CHECK(defaults->values.rate_per_caller == 0);  // unlimited: behaviour as before
  CHECK(defaults->values.burst_per_caller == 0); // max(1, rate)
  auto set = load_args({"serve", "--rate-per-caller", "2.5", "--burst-per-caller", "10"});
  REQUIRE(set.ok());
  CHECK(set->values.rate_per_caller == 2.5);
  CHECK(set->values.burst_per_caller == 10);
  fake_env env;
  env.vars["FACTORD_RATE_PER_CALLER"] = "0.5";
  CHECK(load_args({"serve"}, env)->values.rate_per_caller == 0.5);
  CHECK(load_args({"serve", "--rate-per-caller", "1000000"}).ok());
  CHECK(load_args({"serve", "--burst-per-caller", "1000000"}).ok());
  for (const char* bad :
       {"-1", "1e3", "nan", "inf", "1000000.5", "", ".5", "5.", "1.2.3", "+5", "0x10", "five"}) {
    INFO(bad);
    auto refused = load_args({"serve", "--rate-per-caller", bad});
    CHECK(refused.code() == errc::bad_value);
  }
  for (const char* bad : {"-1", "1.5", "1000001", "", "many"}) {
    INFO(bad);
    CHECK(load_args({"serve", "--burst-per-caller", bad}).code() == errc::bad_value);
  }
  CHECK_THAT(load_args({"serve", "--rate-per-caller", "fast"}).message(),
             Catch::Matchers::Contains("submissions per second"));
}

TEST_CASE("parse_rate and format_rate round-trip", "[config][rate]") {
  for (double r : {0.0, 0.001, 0.25, 1.0, 2.5, 1000.0, 1e6}) {
    INFO(r);
    auto back = parse_rate(format_rate(r));
    REQUIRE(back);
    CHECK(*back == r);
  }
  CHECK(format_rate(5) == "5");
  CHECK_FALSE(parse_rate(std::string(30, '1')));
}

TEST_CASE("time slices and the per-caller cap: defaults, values, refusals", "[config][slices]") {
  using namespace std::chrono_literals;
  auto defaults = load_args({"serve"});
  REQUIRE(defaults);
  CHECK(defaults->values.time_slice == 100ms);
  CHECK(defaults->values.max_suspended == 8U);
  CHECK(defaults->values.max_running_per_caller == 0U);
  auto set =
      load_args({"serve", "--time-slice", "250ms", "--max-suspended", "0", "--max-running-per-caller", "3"});
  REQUIRE(set);
  CHECK(set->values.time_slice == 250ms);
  CHECK(set->values.max_suspended == 0U);
  CHECK(set->values.max_running_per_caller == 3U);
  CHECK(load_args({"serve", "--time-slice", "0"})->values.time_slice == 0ms);
  for (const char* bad : {"", "-1s", "soon", "1e3ms", "5 parsecs", "99999999999999999999h"})
    CHECK(load_args({"serve", "--time-slice", bad}).code() == errc::bad_value);
  for (const char* bad : {"", "-1", "4097", "x", "1.5"})
    CHECK(load_args({"serve", "--max-suspended", bad}).code() == errc::bad_value);
  for (const char* bad : {"", "-1", "1025", "all", "18446744073709551616"})
    CHECK(load_args({"serve", "--max-running-per-caller", bad}).code() == errc::bad_value);
}
