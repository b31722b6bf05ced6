#include "http_connection.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace load {

http_connection::http_connection(asio::io_context& ioc, tcp::endpoint server, std::chrono::seconds timeout)
    : server_(server), timeout_(timeout), stream_(ioc) {}

void http_connection::send(http::verb method, const std::string& target, std::string body,
                           const std::string& caller, const std::string& token, done_fn done) {
  done_ = std::move(done);
  request_ = {};
  request_.version(11);
  request_.method(method);
  request_.target(target);
  request_.set(http::field::host, "127.0.0.1");
  request_.keep_alive(true);
  if (!token.empty())
    request_.set(http::field::authorization, "Bearer " + token);
  else if (!caller.empty())
    request_.set("X-Caller-ID", caller);
  if (method == http::verb::post) {
    request_.set(http::field::content_type, "application/json");
    request_.body() = std::move(body);
  }
  request_.prepare_payload();
  stream_.expires_after(timeout_);
  if (connected_) {
    write_request();
    return;
  }
  if (source_) {
    beast::error_code ec;
    auto& socket = stream_.socket();
    socket.open(server_.protocol(), ec);
    if (!ec) socket.bind(tcp::endpoint(*source_, 0), ec);
    if (ec) {
      asio::post(stream_.get_executor(), [self = shared_from_this(), ec] { self->fail("bind", ec); });
      return;
    }
  }
  stream_.async_connect(server_, beast::bind_front_handler(&http_connection::on_connect, shared_from_this()));
}

void http_connection::on_connect(beast::error_code ec) {
  if (ec) return fail("connect", ec);
  connected_ = true;
  stream_.socket().set_option(tcp::no_delay(true));
  write_request();
}

void http_connection::write_request() {
  http::async_write(stream_, request_,
                    beast::bind_front_handler(&http_connection::on_write, shared_from_this()));
}

void http_connection::on_write(beast::error_code ec, std::size_t) {
  if (ec) return fail("write", ec);
  parser_.emplace();
  parser_->body_limit(16 * 1024 * 1024);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_connection::on_read, shared_from_this()));
}

void http_connection::on_read(beast::error_code ec, std::size_t) {
  if (ec) return fail("read", ec);
  auto& res = parser_->get();
  http_result result;
  result.status = res.result_int();
  result.body = std::move(res.body());
  if (auto it = res.find(http::field::retry_after); it != res.end())
    result.retry_after = std::string(it->value());
  if (!res.keep_alive()) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    connected_ = false;
    buffer_.clear();
  }
  auto done = std::move(done_);
  done(std::move(result));
}

void http_connection::fail(const char* kind, beast::error_code ec) {
  http_result result;
  if (ec == beast::error::timeout)
    result.failure = "timeout";
  else if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset)
    result.failure = std::string(kind) + "_closed";
  else
    result.failure = kind;
  stream_.close();
  connected_ = false;
  buffer_.clear();
  auto done = std::move(done_);
  done(std::move(result));
}

} // namespace load
