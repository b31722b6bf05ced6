// echo-server: the ceiling for factord's network edge. Same stack as net/ (Beast, one
// io_context run by --io-threads threads, a strand per connection) but no actors, no
// journal, no factoring: every HTTP request gets a small fixed JSON answer (keep-alive),
// and a WebSocket upgrade on any path echoes every text frame back.
//
//   echo-server --port P [--io-threads N]
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

const std::string fixed_body = R"({"request_id":"0123456789abcdef0123456789abcdef","status":"queued"})";

class ws_echo : public std::enable_shared_from_this<ws_echo> {
public:
  explicit ws_echo(tcp::socket socket) : ws_(std::move(socket)) {}

  void run(http::request<http::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->do_read();
    });
  }

private:
  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->outbox_.push_back(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      if (self->outbox_.size() == 1) self->do_write();
      self->do_read();
    });
  }
  void do_write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(outbox_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return;
                      self->outbox_.pop_front();
                      if (!self->outbox_.empty()) self->do_write();
                    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
};

class http_echo : public std::enable_shared_from_this<http_echo> {
public:
  explicit http_echo(tcp::socket socket) : stream_(std::move(socket)) {}
  void run() { do_read(); }

private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(1 << 20);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }
  void on_read(beast::error_code ec) {
    if (ec) return;
    if (websocket::is_upgrade(parser_->get())) {
      stream_.expires_never();
      std::make_shared<ws_echo>(stream_.release_socket())->run(parser_->release());
      return;
    }
    auto& req = parser_->get();
    res_ = {};
    res_.version(req.version());
    res_.keep_alive(req.keep_alive());
    res_.result(req.method() == http::verb::post ? http::status::accepted : http::status::ok);
    res_.set(http::field::content_type, "application/json");
    res_.body() = fixed_body;
    res_.prepare_payload();
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code wec, std::size_t) {
      if (wec) return;
      if (!self->res_.keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->do_read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
};

class listener : public std::enable_shared_from_this<listener> {
public:
  listener(asio::io_context& ioc, tcp::endpoint ep) : ioc_(ioc), acceptor_(ioc, ep) {}
  void run() { do_accept(); }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
  void do_accept() {
    acceptor_.async_accept(asio::make_strand(ioc_),
                           [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
                             if (!ec) {
                               s.set_option(tcp::no_delay(true));
                               std::make_shared<http_echo>(std::move(s))->run();
                             }
                             self->do_accept();
                           });
  }
  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
};

} // namespace

int main(int argc, char** argv) {
  unsigned short port = 8081;
  int threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--port")
      port = static_cast<unsigned short>(std::stoi(argv[i + 1]));
    else if (a == "--io-threads")
      threads = std::stoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: echo-server --port P [--io-threads N]\n");
      return 2;
    }
  }
  asio::io_context ioc(threads);
  auto l = std::make_shared<listener>(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  l->run();
  std::fprintf(stderr, "echo-server listening on 127.0.0.1:%u with %d io thread(s)\n", l->port(), threads);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
