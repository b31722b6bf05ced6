// A stream layer below Beast's WebSocket stream that reports every read of the socket.
// Beast reads a frame header (2-14 bytes) and control frames without completing any read
// of ours, so without this a peer that sends a header a byte at a time is invisible until
// its first payload byte, and the message deadline (config/limits.hpp) cannot start at
// the message's first byte. Only for net/ws_connection.cpp (it includes Beast).
#pragma once

#include <boost/asio/compose.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <cstddef>
#include <utility>

namespace factord::net {

// Next: an AsyncStream (beast::tcp_stream). Watcher: has `void bytes_read()`, called on
// the stream's executor after each read of the socket that returned bytes, before
// Beast sees them; it must outlive every read.
template <class Next, class Watcher>
class read_watch {
public:
  using executor_type = typename Next::executor_type;

  explicit read_watch(Next next) : next_(std::move(next)) {}

  void watch(Watcher* watcher) noexcept { watcher_ = watcher; }

  executor_type get_executor() noexcept { return next_.get_executor(); }
  Next& next_layer() noexcept { return next_; }
  const Next& next_layer() const noexcept { return next_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    // async_compose keeps the final handler's executor, allocator and cancellation slot,
    // which Beast's operations rely on.
    return boost::asio::async_compose<Token, void(boost::beast::error_code, std::size_t)>(
        [this, buffers, started = false](auto& self, boost::beast::error_code ec = {},
                                         std::size_t n = 0) mutable {
          if (!started) {
            started = true;
            next_.async_read_some(buffers, std::move(self));
            return;
          }
          if (n > 0 && watcher_ != nullptr) watcher_->bytes_read();
          self.complete(ec, n);
        },
        token, next_);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return next_.async_write_some(buffers, std::forward<Token>(token));
  }

private:
  Next next_;
  Watcher* watcher_ = nullptr;
};

// The WebSocket closing handshake tears the connection down through the layer below.
template <class Next, class Watcher>
void teardown(boost::beast::role_type role, read_watch<Next, Watcher>& stream, boost::beast::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

template <class Next, class Watcher, class Handler>
void async_teardown(boost::beast::role_type role, read_watch<Next, Watcher>& stream, Handler&& handler) {
  using boost::beast::websocket::async_teardown;
  async_teardown(role, stream.next_layer(), std::forward<Handler>(handler));
}

} // namespace factord::net
