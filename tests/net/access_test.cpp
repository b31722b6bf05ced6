// Who may do what: net/access.hpp with --auth off and on, against a real keys file.
#include "net/access.hpp"
#include "net/auth/authenticator.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

using namespace factord::net;
using factord::auth::authenticator;
using factord::config::auth_mode;
using factord::config::settings;

namespace {

const auto now = std::chrono::system_clock::now();

credentials header(const std::string& value) { return {value, std::nullopt}; }

// A keys file with alice (a caller) and ops (an admin); removed at the end.
struct keyed {
  std::string path;
  std::string alice, ops;
  std::unique_ptr<authenticator> auth;
  settings s;
  keyed() {
    char name[] = "/tmp/factord-access-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    ::unlink(name);
    path = name;
    alice = factord::auth::add_key(path, "alice", false).value();
    ops = factord::auth::add_key(path, "ops", true).value();
    s.auth = auth_mode::on;
    s.auth_keys = path;
    s.console_token = "console-token-0123456789";
    auth = authenticator::create(s).value();
  }
  ~keyed() { ::unlink(path.c_str()); }
};

} // namespace

TEST_CASE("with auth off every route is open and every requester sees every job", "[net][auth]") {
  settings s;
  for (auto r : {route::jobs, route::job_by_id, route::websocket, route::actors, route::actors_stream}) {
    auto a = check_access(s, nullptr, r, header(""), now);
    REQUIRE(a.ok());
    CHECK(a->admin);
    CHECK_FALSE(a->who);
  }
  auto named = acting_caller(grant{std::nullopt, true, false}, std::string{"bob"});
  REQUIRE(named.ok());
  CHECK(*named == std::optional<std::string>{"bob"});
  CHECK(*acting_caller(grant{}, std::nullopt) == std::nullopt);
}

TEST_CASE("with auth off a metrics token still guards /metrics", "[net][auth]") {
  settings s;
  s.metrics_token = "metrics-token-0123456789";
  CHECK(check_access(s, nullptr, route::metrics, header(""), now).code() == errc::unauthorized);
  CHECK(check_access(s, nullptr, route::metrics, header("Bearer wrong"), now).code() == errc::unauthorized);
  CHECK(check_access(s, nullptr, route::metrics, header("Bearer metrics-token-0123456789"), now).ok());
  CHECK(check_access(s, nullptr, route::jobs, header(""), now).ok());
}

TEST_CASE("with auth on job routes need a credential and get its caller", "[net][auth]") {
  keyed k;
  for (auto r : {route::jobs, route::jobs_batch, route::job_by_id, route::compute, route::compute_by_id,
                 route::websocket}) {
    CHECK(check_access(k.s, k.auth.get(), r, header(""), now).code() == errc::unauthorized);
    auto a = check_access(k.s, k.auth.get(), r, header("Bearer " + k.alice), now);
    REQUIRE(a.ok());
    CHECK(a->who->caller_id == "alice");
    CHECK_FALSE(a->admin);
  }
  // ?token= counts only where the caller allows it (WebSocket upgrades pass it).
  auto by_param = check_access(k.s, k.auth.get(), route::websocket, {"", std::string_view{k.alice}}, now);
  REQUIRE(by_param.ok());
  CHECK(by_param->who->caller_id == "alice");
  // The console token is not a caller's credential.
  CHECK(check_access(k.s, k.auth.get(), route::jobs, header("Bearer console-token-0123456789"), now).code() ==
        errc::unauthorized);
}

TEST_CASE("with auth on a named caller must be the credential's", "[net][auth]") {
  keyed k;
  auto a = check_access(k.s, k.auth.get(), route::jobs, header("Bearer " + k.alice), now).value();
  CHECK(**acting_caller(a, std::nullopt) == "alice");
  CHECK(**acting_caller(a, std::string{"alice"}) == "alice");
  auto forged = acting_caller(a, std::string{"mallory"});
  REQUIRE_FALSE(forged.ok());
  CHECK(forged.code() == errc::caller_mismatch);
}

TEST_CASE("with auth on the console's data needs an admin or the console token, and its page is open",
          "[net][auth]") {
  keyed k;
  for (auto r : {route::actors, route::actors_stream, route::console_actions}) {
    CHECK(check_access(k.s, k.auth.get(), r, header(""), now).code() == errc::unauthorized);
    CHECK(check_access(k.s, k.auth.get(), r, header("Bearer " + k.alice), now).code() ==
          errc::admin_required);
    CHECK(check_access(k.s, k.auth.get(), r, header("Bearer " + k.ops), now)->admin);
    CHECK(check_access(k.s, k.auth.get(), r, header("Bearer console-token-0123456789"), now)->admin);
  }
  for (auto r : {route::console, route::healthz, route::readyz, route::openapi})
    CHECK(check_access(k.s, k.auth.get(), r, header(""), now).ok());
}

TEST_CASE("with auth on /metrics is open unless a metrics token is set, then it or an admin", "[net][auth]") {
  keyed k;
  CHECK(check_access(k.s, k.auth.get(), route::metrics, header(""), now).ok());
  k.s.metrics_token = "metrics-token-0123456789";
  CHECK(check_access(k.s, k.auth.get(), route::metrics, header(""), now).code() == errc::unauthorized);
  CHECK(check_access(k.s, k.auth.get(), route::metrics, header("Bearer " + k.alice), now).code() ==
        errc::admin_required);
  CHECK(check_access(k.s, k.auth.get(), route::metrics, header("Bearer metrics-token-0123456789"), now).ok());
  CHECK(check_access(k.s, k.auth.get(), route::metrics, header("Bearer " + k.ops), now).ok());
}

TEST_CASE("a submission's limits: the credential's where set, else the options", "[net][access][rate]") {
  settings s; // defaults: no rate limit, max(1, rate) burst
  auto open = submit_limits_for(s, nullptr, "alice", "192.0.2.1");
  CHECK(open.rate == 0);
  CHECK(open.burst == 1U);
  CHECK(open.max_queued == 0U);           // --max-queued-per-caller
  CHECK(open.max_digits == 0U);           // --max-digits
  CHECK(open.weight == 0U);               // none: the dispatcher's default (1)
  CHECK(open.rate_key == "ip:192.0.2.1"); // auth off: the address, not the self-asserted id

  s.rate_per_caller = 2.5;
  auto rated = submit_limits_for(s, nullptr, "alice", "192.0.2.1");
  CHECK(rated.rate == 2.5);
  CHECK(rated.burst == 3U); // max(1, rate), rounded up
  s.burst_per_caller = 7;
  CHECK(submit_limits_for(s, nullptr, "alice", "192.0.2.1").burst == 7U);

  factord::auth::caller_limits own;
  own.rate = 0.5;
  own.max_queued = 4;
  own.max_digits = 20;
  own.weight = 3;
  auto keyed = submit_limits_for(s, &own, "alice", "192.0.2.1");
  CHECK(keyed.weight == 3U);
  CHECK(keyed.rate == 0.5);
  CHECK(keyed.burst == 7U); // the option, as the credential sets none
  CHECK(keyed.max_queued == 4U);
  CHECK(keyed.max_digits == 20U);
  CHECK(keyed.rate_key == "caller:alice"); // auth on: the caller, wherever it connects from
  own.burst = 2;
  CHECK(submit_limits_for(s, &own, "alice", "198.51.100.9").burst == 2U);
  CHECK(submit_limits_for(s, &own, "alice", "198.51.100.9").rate_key == "caller:alice");

  settings huge;
  huge.rate_per_caller = 1e6;
  CHECK(submit_limits_for(huge, nullptr, "a", "").burst == 1000000U);
  factord::auth::caller_limits jwt_rate; // a JWT's rate has no upper bound
  jwt_rate.rate = 1e300;
  CHECK(submit_limits_for(settings{}, &jwt_rate, "a", "").burst == 1000000U);
}
