// One keep-alive HTTP/1.1 client connection: at most one request in flight, connects
// lazily, reconnects on the next request after any error. Single-threaded: used only
// from the io_context thread that owns it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct http_result {
  std::string failure; // empty on success; else "connect", "write", "read", "timeout", "closed"
  unsigned status = 0;
  std::string body;
  std::string retry_after;
};

class http_connection : public std::enable_shared_from_this<http_connection> {
public:
  using done_fn = std::function<void(http_result)>;

  http_connection(asio::io_context& ioc, tcp::endpoint server, std::chrono::seconds timeout);

  // `token` non-empty: `Authorization: Bearer token` and no X-Caller-ID.
  void send(http::verb method, const std::string& target, std::string body, const std::string& caller,
            const std::string& token, done_fn done);
  // Connect from this source address (e.g. 127.0.0.2, to look like another client).
  void bind_to(asio::ip::address source) { source_ = source; }

private:
  void on_connect(beast::error_code ec);
  void write_request();
  void on_write(beast::error_code ec, std::size_t);
  void on_read(beast::error_code ec, std::size_t);
  void fail(const char* kind, beast::error_code ec);

  tcp::endpoint server_;
  std::optional<asio::ip::address> source_;
  std::chrono::seconds timeout_;
  beast::tcp_stream stream_;
  bool connected_ = false;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  done_fn done_;
};

} // namespace load
