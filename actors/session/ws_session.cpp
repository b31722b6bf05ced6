#include "actors/session/ws_session.hpp"

#include "actors/protocol/api.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/session/ws_protocol.hpp"
#include "config/limits.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include <unordered_map>

namespace factord::actors {

namespace {

struct ws_session_state {
  std::weak_ptr<ws_connection> connection;
  registry_api registry;
  ws_session_config config;
  std::unordered_map<std::string, ws_request> in_flight; // request id -> how to answer
  std::unordered_map<std::string, job> early;            // finished before the ack arrived
  std::size_t submitting = 0;                            // frames awaiting the registry
  caf::actor_clock::time_point deadline;
  std::uint64_t timer_generation = 0;
  bool timer_armed = false;
  bool closing = false;
  unsigned rate_refusals = 0; // rate_limited replies in a row
  probe counters;
  static inline const char* name = "ws-session";
};

using self_ptr = caf::stateful_actor<ws_session_state>*;

void send_text(self_ptr self, std::string text) {
  if (auto c = self->state.connection.lock()) c->send_text(std::move(text));
}

std::size_t pending(self_ptr self) { return self->state.submitting + self->state.in_flight.size(); }

// At most one tick is in flight; it re-arms itself from the stored deadline.
void arm(self_ptr self, caf::timespan delay) {
  self->state.timer_armed = true;
  self->delayed_send(self, delay, tick_atom::value, ++self->state.timer_generation);
}

void restart_idle_clock(self_ptr self) {
  auto& st = self->state;
  st.deadline = self->clock().now() + st.config.idle_timeout;
  if (!st.timer_armed && pending(self) == 0) arm(self, st.config.idle_timeout);
}

void answer(self_ptr self, const ws_request& req, const job& j) { send_text(self, format_ws_reply(req, j)); }

void on_accepted(self_ptr self, const ws_request& req, job_reply& reply) {
  auto& st = self->state;
  --st.submitting;
  st.rate_refusals = !reply.ok && reply.error.code == api_errc::rate_limited ? st.rate_refusals + 1 : 0;
  if (!reply.ok) {
    send_text(self, format_ws_error(req, reply.error.message));
    if (st.rate_refusals >= config::limits::ws_refusals_before_close && !st.closing) {
      // It is not reading its errors: end the socket rather than refuse it forever.
      st.closing = true;
      if (auto c = st.connection.lock())
        c->close(session_close::rate_limited);
      else
        self->quit();
      return;
    }
  } else if (reply.value.finished()) {
    answer(self, req, reply.value);
  } else if (auto early = st.early.find(reply.value.request_id); early != st.early.end()) {
    answer(self, req, early->second);
    st.early.erase(early);
  } else {
    st.in_flight.emplace(reply.value.request_id, req);
  }
  if (pending(self) == 0) restart_idle_clock(self);
}

void on_frame(self_ptr self, const std::string& text) {
  auto& st = self->state;
  if (st.closing) return;
  restart_idle_clock(self);
  ws_request req = parse_ws_frame(text);
  if (!req.error.empty()) {
    send_text(self, format_ws_error(req, req.error));
    return;
  }
  if (req.form == ws_request::kind::json && req.type == "client_message") {
    if (!st.config.push) {
      send_text(self, format_ws_error(
                          req, "client_message frames are relayed only in cluster mode (factord gateway)"));
      return;
    }
    ++st.submitting;
    self->request(st.config.push, caf::infinite, relay_atom::value, st.config.caller_id, text)
        .then(
            [=](std::string& err) {
              --self->state.submitting;
              send_text(self, err.empty() ? std::string(R"({"type":"ack","of":"client_message"})")
                                          : format_ws_error(req, "client_message not published: " + err));
              if (pending(self) == 0) restart_idle_clock(self);
            },
            [=](caf::error& err) {
              --self->state.submitting;
              send_text(self,
                        format_ws_error(req, "client_message not published: " + self->system().render(err)));
              if (pending(self) == 0) restart_idle_clock(self);
            });
    return;
  }
  ++st.submitting;
  submission s{st.config.caller_id, req.number, {}, caf::actor{self}, st.config.limits};
  self->request(st.registry, caf::infinite, submit_atom::value, std::move(s))
      .then([=](job_reply& reply) { on_accepted(self, req, reply); },
            [=](caf::error& err) {
              job_reply reply;
              reply.error.message = "internal error: " + self->system().render(err);
              on_accepted(self, req, reply);
            });
}

caf::behavior ws_session_actor(self_ptr self, std::weak_ptr<ws_connection> connection, registry_api registry,
                               ws_session_config config) {
  auto& st = self->state;
  st.connection = std::move(connection);
  st.registry = std::move(registry);
  st.config = std::move(config);
  st.deadline = self->clock().now() + st.config.idle_timeout;
  arm(self, st.config.idle_timeout);
  if (st.config.push) self->send(st.config.push, hello_atom::value, st.config.caller_id, caf::actor{self});
  return {
      [=](command_atom, const std::string& frame) {
        probe_scope scope(self->state.counters, "command");
        if (!self->state.closing) send_text(self, frame);
      },
      [=](frame_atom, const std::string& text) {
        probe_scope scope(self->state.counters, "frame");
        on_frame(self, text);
      },
      [=](jobdone_atom, const job& j) {
        auto& s = self->state;
        auto it = s.in_flight.find(j.request_id);
        if (it == s.in_flight.end()) {
          s.early.emplace(j.request_id, j);
          return;
        }
        answer(self, it->second, j);
        s.in_flight.erase(it);
        if (pending(self) == 0) restart_idle_clock(self);
      },
      [=](tick_atom, std::uint64_t generation) {
        auto& s = self->state;
        if (generation != s.timer_generation || s.closing) return; // stale
        s.timer_armed = false;
        if (pending(self) > 0) return; // suspended; re-armed when the last result is out
        auto now = self->clock().now();
        if (now < s.deadline) {
          arm(self, s.deadline - now);
          return;
        }
        s.closing = true;
        if (auto c = s.connection.lock())
          c->close(session_close::idle);
        else
          self->quit();
      },
      [=](closed_atom) { self->quit(); },
      [=](close_atom) {
        self->state.closing = true;
        if (auto c = self->state.connection.lock())
          c->close(session_close::by_operator);
        else
          self->quit();
      },
      [=](probe_atom) {
        auto& s = self->state;
        auto sample = make_sample(s.counters, self->mailbox().size());
        sample.text("caller", s.config.caller_id)
            .number("in_flight", static_cast<std::uint64_t>(pending(self)));
        if (pending(self) > 0 || s.closing)
          sample.null("idle_closes_in_ms");
        else
          sample.number(
              "idle_closes_in_ms",
              static_cast<double>(std::max<std::int64_t>(
                  0, std::chrono::duration_cast<std::chrono::milliseconds>(s.deadline - self->clock().now())
                         .count())));
        sample.fields.emplace_back("closing", s.closing ? "true" : "false");
        return sample;
      },
  };
}

} // namespace

caf::actor spawn_ws_session(caf::actor_system& sys, std::weak_ptr<ws_connection> connection,
                            registry_api registry, ws_session_config config) {
  caf::actor console = config.console;
  std::string caller = config.caller_id;
  auto session = sys.spawn(ws_session_actor, std::move(connection), std::move(registry), std::move(config));
  register_actor(console, session, "ws-session", 0, std::move(caller));
  return session;
}

void deliver_frame(const caf::actor& session, std::string text) {
  caf::anon_send(session, frame_atom::value, std::move(text));
}

void deliver_closed(const caf::actor& session) { caf::anon_send(session, closed_atom::value); }

} // namespace factord::actors
