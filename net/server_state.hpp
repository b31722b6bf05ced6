// What every connection of one server shares: the actor handles, the settings, the HTTP
// probe, readiness, and the set of open connections (so a shutdown can close them all).
// Held by shared_ptr from each session and each pending actor callback.
#pragma once

#include "actors/node/node.hpp"
#include "config/options.hpp"
#include "net/http_probe.hpp"
#include "net/origin.hpp"

#include <caf/fwd.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace factord::net {

// A connection the server can close during shutdown. shut_down() is thread-safe: it
// posts to the connection's strand.
class closable {
public:
  virtual ~closable() = default;
  virtual void shut_down() = 0;
};

struct server_state {
  server_state(caf::actor_system& system, actors::node n, config::settings s)
      : sys(system), node(std::move(n)), settings(std::move(s)), browser(make_browser_policy(settings)) {}

  caf::actor_system& sys;
  const actors::node node;
  const config::settings settings;
  const browser_policy browser; // Host and Origin checks (net/origin.hpp), from settings
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
  std::vector<std::shared_ptr<closable>> open_connections() {
    std::vector<std::shared_ptr<closable>> out;
    std::lock_guard<std::mutex> guard{mu_};
    for (auto& [id, weak] : connections_)
      if (auto c = weak.lock()) out.push_back(std::move(c));
    return out;
  }

private:
  std::mutex mu_;
  std::uint64_t next_connection_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<closable>> connections_;
};

} // namespace factord::net
