#include "net/access.hpp"

#include "net/auth/authenticator.hpp"
#include "net/console_routes.hpp"
#include "net/query.hpp"

#include <algorithm>
#include <cmath>

namespace factord::net {

namespace {

enum class need { open, caller, admin, metrics, console_actions };

constexpr need need_of(route which) {
  switch (which) {
    case route::jobs:
    case route::jobs_batch:
    case route::job_by_id:
    case route::compute:
    case route::compute_by_id:
    case route::websocket: return need::caller;
    case route::actors:
    case route::actors_stream: return need::admin;
    case route::metrics: return need::metrics;
    case route::console_actions: return need::console_actions;
    // The console's files hold no data (the page asks for a credential before it reads
    // any); health, readiness and the OpenAPI document are for anyone.
    case route::console:
    case route::healthz:
    case route::readyz:
    case route::openapi:
    case route::unknown: return need::open;
  }
  return need::open;
}

// The bearer token of the header, else ?token= where it is allowed.
std::string_view token_of(const credentials& given) {
  if (auto bearer = auth::bearer_token(given.authorization)) return *bearer;
  return given.token_param.value_or(std::string_view{});
}

failure admin_required() {
  return fail(errc::admin_required, "this needs an admin credential: an API key added with `factord keys add "
                                    "CALLER admin`, a JWT whose factord claim has admin: true, or the "
                                    "console token");
}

} // namespace

actors::submit_limits submit_limits_for(const config::settings& settings, const auth::caller_limits* own,
                                        std::string_view caller_id, std::string_view peer_ip) {
  actors::submit_limits l;
  l.rate = own && own->rate ? *own->rate : settings.rate_per_caller;
  if (own && own->burst)
    l.burst = *own->burst;
  else if (settings.burst_per_caller != 0)
    l.burst = settings.burst_per_caller;
  else // rate is at most 1e6 (options, key files, JWT claims): the cast cannot overflow
    l.burst = std::max(1U, static_cast<std::uint32_t>(std::ceil(std::min(l.rate, 1e6))));
  if (own && own->max_queued) l.max_queued = *own->max_queued;
  if (own && own->max_digits) l.max_digits = *own->max_digits;
  if (own && own->weight) l.weight = *own->weight;
  l.rate_key = own ? "caller:" + std::string{caller_id} : "ip:" + std::string{peer_ip};
  return l;
}

failure unauthorized(const factord::failure<auth::auth_errc>& refused) {
  return fail(errc::unauthorized, refused.message);
}

result<grant> check_access(const config::settings& s, const auth::authenticator* auth, route which,
                           const credentials& given, std::chrono::system_clock::time_point now) {
  grant a;
  a.console_token = !s.console_token.empty() && bearer_token_matches(given.authorization, s.console_token);
  auto wanted = need_of(which);
  if (!auth) { // --auth off: as API.md has it without authentication
    a.admin = true;
    if (wanted == need::metrics && !s.metrics_token.empty() &&
        !bearer_token_matches(given.authorization, s.metrics_token))
      return fail(errc::unauthorized,
                  "GET /metrics needs header Authorization: Bearer <the --metrics-token>");
    return a;
  }
  if (wanted == need::open) return a;
  if (wanted == need::metrics) {
    if (s.metrics_token.empty() || bearer_token_matches(given.authorization, s.metrics_token) ||
        a.console_token) {
      a.admin = a.console_token;
      return a;
    }
  }
  if ((wanted == need::admin || wanted == need::console_actions) && a.console_token) {
    a.admin = true;
    return a;
  }
  auto token = token_of(given);
  auto who = auth->authenticate(token, now);
  if (!who) return unauthorized(who.error());
  a.admin = who->admin;
  a.who = std::move(who).value();
  if ((wanted == need::admin || wanted == need::metrics || wanted == need::console_actions) && !a.admin)
    return admin_required();
  return a;
}

result<std::optional<std::string>> acting_caller(const grant& a, const std::optional<std::string>& named) {
  if (!a.who) return named;
  if (named && *named != a.who->caller_id)
    return fail(errc::caller_mismatch,
                "the credential is for caller '" + a.who->caller_id +
                    "'; drop X-Caller-ID / caller_id / userid, or send that caller's own");
  return std::optional<std::string>{a.who->caller_id};
}

} // namespace factord::net
