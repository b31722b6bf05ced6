#include "http_driver.hpp"

namespace load {

http_shard::http_shard(tcp::endpoint server, int connections, run_stats& s, std::uint64_t seed)
    : rng(seed), stats(s), ticker_(ioc) {
  for (int i = 0; i < connections; ++i)
    idle_.push_back(std::make_shared<http_connection>(ioc, server, std::chrono::seconds(15)));
}

void http_shard::bind_to(asio::ip::address source) {
  for (auto& c : idle_) c->bind_to(source);
}

void http_shard::open_loop(double calls_per_second, pull_fn pull, done_fn done) {
  pull_ = std::move(pull);
  done_ = std::move(done);
  open_loop_ = true;
  source_dry_ = false;
  rate_ = calls_per_second;
  issued_ = 0;
  started_ = clock_type::now();
  tick();
}

void http_shard::closed_loop(pull_fn pull, done_fn done) {
  pull_ = std::move(pull);
  done_ = std::move(done);
  open_loop_ = false;
  source_dry_ = false;
  auto conns = idle_;
  idle_.clear();
  for (auto& c : conns) {
    // post so that pull() runs on the shard thread
    asio::post(ioc, [this, c] { finished(c); });
  }
}

void http_shard::tick() {
  auto now = clock_type::now();
  double elapsed = std::chrono::duration<double>(now - started_).count();
  // Call k is due at started + k/rate: k = 0 at once, so floor(elapsed * rate) + 1 are due.
  auto due_total = static_cast<std::uint64_t>(elapsed * rate_) + 1;
  while (!source_dry_ && issued_ < due_total) {
    auto call = pull_(*this);
    if (!call) {
      source_dry_ = true;
      break;
    }
    // The due time of call k is started + k/rate, not "now": a late tick must not hide delay.
    call->due = started_ + std::chrono::duration_cast<clock_type::duration>(
                               std::chrono::duration<double>(static_cast<double>(issued_) / rate_));
    ++issued_;
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      start(std::move(c), std::move(*call));
    } else {
      backlog_.push_back(std::move(*call));
    }
  }
  if (source_dry_) return;
  ticker_.expires_after(std::chrono::microseconds(500));
  ticker_.async_wait([this](beast::error_code ec) {
    if (!ec) tick();
  });
}

void http_shard::start(std::shared_ptr<http_connection> conn, http_call call) {
  stats.sent.fetch_add(1, std::memory_order_relaxed);
  stats.in_flight.fetch_add(1, std::memory_order_relaxed);
  auto shared_call = std::make_shared<http_call>(std::move(call));
  auto method = shared_call->method;
  auto target = shared_call->target;
  auto caller = shared_call->caller;
  static const std::string no_token;
  const std::string* token = &no_token;
  if (tokens && !tokens->empty()) token = &(*tokens)[std::hash<std::string>{}(caller) % tokens->size()];
  conn->send(method, target, std::move(shared_call->body), caller, *token,
             [this, conn, shared_call](http_result result) {
               stats.in_flight.fetch_sub(1, std::memory_order_relaxed);
               if (!result.failure.empty()) stats.failures.add(result.failure);
               done_(*this, *shared_call, result);
               finished(conn);
             });
}

void http_shard::submit(http_call call) {
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    start(std::move(c), std::move(call));
  } else {
    backlog_.push_back(std::move(call));
  }
}

void http_shard::finished(std::shared_ptr<http_connection> conn) {
  if (!backlog_.empty()) { // follow-ups, and open-loop calls that found no connection
    auto call = std::move(backlog_.front());
    backlog_.pop_front();
    start(std::move(conn), std::move(call));
    return;
  }
  if (!open_loop_) {
    if (auto call = pull_(*this)) {
      call->due = clock_type::now();
      start(std::move(conn), std::move(*call));
      return;
    }
    // A dry source may refill (a verify call re-queues its id), so only this
    // connection parks; the one that re-queues picks the id up itself.
  }
  idle_.push_back(std::move(conn));
}

} // namespace load
