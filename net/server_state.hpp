// What every connection of one server shares: the actor handles, the settings, the HTTP
// probe, readiness, and the set of open connections (so a shutdown can close them all).
// Held by shared_ptr from each session and each pending actor callback.
#pragma once

#include "actors/node/node.hpp"
#include "config/options.hpp"
#include "net/auth/authenticator.hpp"
#include "net/http_probe.hpp"
#include "net/openapi.hpp"
#include "net/origin.hpp"

#include <caf/fwd.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace factord::net {

// A connection the server can close during shutdown. shut_down() is thread-safe: it
// posts to the connection's strand.
class closable {
public:
  virtual ~closable() = default;
  virtual void shut_down() = 0;
  // --auth on, after the keys were reloaded: close if the connection's credential is gone.
  // Thread-safe like shut_down(). Plain HTTP connections check per request instead.
  virtual void recheck_credential() {}
};

struct server_state {
  server_state(caf::actor_system& system, actors::node n, config::settings s,
               std::shared_ptr<auth::authenticator> a)
      : sys(system), node(std::move(n)), settings(std::move(s)), auth(std::move(a)),
        browser(make_browser_policy(settings)),
        openapi(openapi_document(openapi_facts_of(settings, node.role != actors::node_role::worker))) {}

  caf::actor_system& sys;
  const actors::node node;
  const config::settings settings;
  // --auth on: checks every credential (net/access.hpp). Null with --auth off.
  const std::shared_ptr<auth::authenticator> auth;
  const browser_policy browser; // Host and Origin checks (net/origin.hpp), from settings
  const std::string openapi;    // GET /openapi.json, for these settings (net/openapi.hpp)
  http_probe probe;
  std::atomic<bool> ready{false};               // /readyz; false before start and once stopping
  std::atomic<std::uint64_t> next_ws_caller{0}; // generated ids: ws-1, ws-2, ...

  // Connection tracking takes a lock only when a connection opens or closes.
  std::uint64_t track(std::weak_ptr<closable> c) {
    std::lock_guard<std::mutex> guard{mu_};
    auto id = ++next_connection_;
    connections_.emplace(id, std::move(c));
    return id;
  }
  void untrack(std::uint64_t id) {
    std::lock_guard<std::mutex> guard{mu_};
    connections_.erase(id);
  }
  // --max-connections-per-ip: a slot for one more connection from `address`, held by the
  // connection (its HTTP session, then its WebSocket) and given back when the last holder
  // lets go; null when `address` already has `limit` open. The map holds only addresses
  // with open connections.
  std::shared_ptr<void> acquire_ip_slot(const std::string& address, std::size_t limit) {
    std::lock_guard<std::mutex> guard{mu_};
    auto& open = per_ip_[address];
    if (open >= limit) {
      if (open == 0) per_ip_.erase(address);
      return nullptr;
    }
    ++open;
    return std::make_shared<ip_slot>(*this, address);
  }

  // A console stream's slot (config::limits::max_console_viewers), held by its socket and
  // given back when it closes; null when all are taken.
  std::shared_ptr<void> acquire_viewer_slot(std::size_t limit) {
    if (viewers_.fetch_add(1) >= limit) {
      viewers_.fetch_sub(1);
      return nullptr;
    }
    return {this, [](server_state* s) { s->viewers_.fetch_sub(1); }};
  }

  std::vector<std::shared_ptr<closable>> open_connections() {
    std::vector<std::shared_ptr<closable>> out;
    std::lock_guard<std::mutex> guard{mu_};
    for (auto& [id, weak] : connections_)
      if (auto c = weak.lock()) out.push_back(std::move(c));
    return out;
  }

private:
  // Gives its address's slot back when the last holder lets go, on whichever thread that
  // is. Holders (the connection objects) also hold the server_state, and drop the slot first.
  class ip_slot {
  public:
    ip_slot(server_state& state, std::string address) : state_(state), address_(std::move(address)) {}
    ~ip_slot() {
      std::lock_guard<std::mutex> guard{state_.mu_};
      auto it = state_.per_ip_.find(address_);
      if (it != state_.per_ip_.end() && --it->second == 0) state_.per_ip_.erase(it);
    }
    ip_slot(const ip_slot&) = delete;
    ip_slot& operator=(const ip_slot&) = delete;

  private:
    server_state& state_;
    std::string address_;
  };

  std::atomic<std::size_t> viewers_{0};
  std::mutex mu_;
  std::uint64_t next_connection_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<closable>> connections_;
  std::unordered_map<std::string, std::size_t> per_ip_;
};

} // namespace factord::net
