#include "config/duration.hpp"
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

load_result load_args(std::vector<std::string> args, const fake_env& env = {}) {
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
  CHECK(r.cmd.command == "serve");
  CHECK(r.cmd.values.host == "127.0.0.1");
  CHECK(r.cmd.values.port == 8080);
  CHECK(r.cmd.values.data_dir == "./factord-data");
  CHECK(r.cmd.values.ws_idle_timeout == 5s);
  CHECK(r.cmd.values.max_digits == 300);
  CHECK(r.cmd.values.job_budget == 10min);
  CHECK(r.cmd.values.log == log_format::text);
  CHECK(r.cmd.values.scheduler == scheduler_policy::sharing);
  CHECK(r.cmd.values.scheduler_threads == 0);
  auto tuned = load_args({"worker", "--scheduler", "stealing", "--scheduler-threads", "3"});
  REQUIRE(tuned.ok());
  CHECK(tuned.cmd.values.scheduler == scheduler_policy::stealing);
  CHECK(tuned.cmd.values.scheduler_threads == 3);
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
  CHECK(r.cmd.values.port == 9200);             // CLI beats env and file
  CHECK(r.cmd.values.ws_idle_timeout == 250ms); // env beats default
  CHECK(r.cmd.values.max_digits == 50);         // file beats default
  CHECK(r.cmd.values.host == "0.0.0.0");
  CHECK(r.cmd.values.workers == 3);
}

TEST_CASE("positional arguments, -- and flags", "[config]") {
  auto r = load_args({"factor", "12", "--max-digits=5", "--", "-7", "--help"});
  REQUIRE(r.ok());
  CHECK(r.cmd.command == "factor");
  CHECK(r.cmd.args == std::vector<std::string>{"12", "-7", "--help"});
  CHECK(r.cmd.values.max_digits == 5);
  CHECK_FALSE(r.cmd.help);
  CHECK(load_args({"--help"}).cmd.help);
  CHECK(load_args({"--version"}).cmd.version);
  CHECK(load_args({"factor", "-"}).cmd.args == std::vector<std::string>{"-"});
}

TEST_CASE("KAFKA_BOOTSTRAP_SERVERS is honoured, FACTORD_KAFKA and --kafka win", "[config]") {
  fake_env env;
  env.vars["KAFKA_BOOTSTRAP_SERVERS"] = "k1:9092";
  CHECK(load_args({"worker"}, env).cmd.values.kafka == "k1:9092");
  env.vars["FACTORD_KAFKA"] = "k2:9092";
  CHECK(load_args({"worker"}, env).cmd.values.kafka == "k2:9092");
  CHECK(load_args({"worker", "--kafka", "k3:9092,k4:9092"}, env).cmd.values.kafka == "k3:9092,k4:9092");
}

TEST_CASE("bad options give an error that says what to do", "[config]") {
  auto expect_error = [](std::vector<std::string> args, const std::string& fragment,
                         const fake_env& env = {}) {
    auto r = load_args(std::move(args), env);
    CHECK_FALSE(r.ok());
    CHECK(r.error.find(fragment) != std::string::npos);
  };
  expect_error({"serve", "--bogus=1"}, "unknown option 'bogus'");
  expect_error({"serve", "--port=70000"}, "port number");
  expect_error({"serve", "--port=-1"}, "port number");
  expect_error({"serve", "--port="}, "port number");
  expect_error({"serve", "--port"}, "needs a value");
  expect_error({"serve", "-x"}, "unknown option '-x'");
  expect_error({"serve", "--ws-idle-timeout=soon"}, "duration");
  expect_error({"serve", "--ws-idle-timeout=0s"}, "at least 1ms");
  expect_error({"serve", "--max-digits=0"}, "digit limit");
  expect_error({"serve", "--max-digits=" + std::string(5000, '9')}, "digit limit");
  expect_error({"serve", "--log-format=xml"}, "'text' or 'json'");
  expect_error({"serve", "--scheduler=fifo"}, "'sharing' or 'stealing'");
  expect_error({"serve", "--scheduler="}, "'sharing' or 'stealing'");
  expect_error({"serve", "--scheduler-threads=-1"}, "whole number from 0 to 64");
  expect_error({"serve", "--scheduler-threads=65"}, "whole number from 0 to 64");
  expect_error({"serve", "--scheduler-threads=" + std::string(400, '9')}, "whole number");
  expect_error({"serve", "--kafka=localhost"}, "HOST:PORT");
  expect_error({"serve", "--config=/nonexistent/factord.ini"}, "cannot read config file");
  fake_env env;
  env.vars["FACTORD_WORKERS"] = "many";
  expect_error({"serve"}, "environment FACTORD_WORKERS", env);
}

TEST_CASE("config file errors name the line", "[config]") {
  settings s;
  CHECK(apply_config_text(s, "port = 1\nnonsense\n", "f.ini") ==
        "f.ini line 2: expected 'name = value', got 'nonsense'");
  CHECK(apply_config_text(s, "\n\nwho = me\n", "f.ini").find("f.ini line 3: unknown option 'who'") == 0);
  CHECK(apply_config_text(s, "", "f.ini").empty());
  CHECK(apply_config_text(s, std::string(100000, '#'), "f.ini").empty());
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
