// A whole HTTP request's bytes, as http_session reads them: Beast's parser with factord's
// limits, fed in two pieces (the split comes from the input), then what factord does before
// any actor sees the request: the Host and Origin checks, the route, the query, and the JSON
// body of a job submission. Every refusal maps to an HTTP error with a status and a code.
#include "fuzz_support.hpp"
#include "net/errors.hpp"
#include "net/json_codec.hpp"
#include "net/origin.hpp"
#include "net/query.hpp"
#include "net/routes.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>

namespace {

namespace http = boost::beast::http;
using namespace factord;

void check_error(const net::failure& f) {
  auto e = net::to_http_error(f);
  fuzz::require(e.status >= 400 && e.status < 600, "a refusal is a 4xx or 5xx");
  fuzz::require(!e.code.empty() && !e.message.empty(), "a refusal has a code and a message");
}

net::browser_policy policy() {
  config::settings s; // loopback bind: the Host check is on
  return net::make_browser_policy(s);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t split = std::min<std::size_t>(data[0], size - 1);
  const auto bytes = fuzz::as_text(data + 1, size - 1);
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = parser.put(boost::asio::buffer(bytes.data(), split), ec);
  if (ec == http::error::need_more) ec = {};
  if (!ec && !parser.is_done()) {
    std::string_view rest = bytes.substr(used);
    while (!ec && !parser.is_done() && !rest.empty()) {
      std::size_t n = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      if (ec == http::error::need_more) {
        ec = {};
        if (n == 0) break;
      }
      rest.remove_prefix(n);
    }
  }
  if (ec || !parser.is_header_done()) return 0;
  const auto& req = parser.get();
  net::request_head head;
  head.version = req.version();
  auto parts = net::split_target(req.target());
  auto match = net::match_route(req.method_string(), parts.path);
  head.which = match.which;
  head.host_count = req.count(http::field::host);
  if (head.host_count > 0) head.host = req.find(http::field::host)->value();
  head.origin_count = req.count(http::field::origin);
  if (head.origin_count > 0) head.origin = req.find(http::field::origin)->value();
  static const auto browser = policy();
  if (auto allowed = net::check_browser_request(browser, head); !allowed) check_error(allowed.error());
  auto query = net::parse_query(parts.query);
  if (!query) {
    check_error(query.error());
  } else {
    if (const auto* wait = net::find_param(*query, "wait"))
      if (auto w = net::parse_wait(*wait); !w) check_error(w.error());
    if (const auto* caller = net::find_param(*query, "caller_id"))
      if (auto c = net::validate_caller_id(*caller); !c) check_error(c.error());
  }
  if (parser.is_done() && req.method() == http::verb::post) {
    if (auto one = net::extract_number(req.body()); !one) check_error(one.error());
    if (auto many = net::extract_numbers(req.body(), 1000); !many) check_error(many.error());
  }
  return 0;
}
