#include "net/console_assets.hpp"

#include <array>

namespace factord::net {

namespace {

// Our own files change with every build, so the browser revalidates them; uPlot's URL
// carries its version (index.html asks for uplot.js?v=1.6.x), so it may be kept a year.
constexpr std::string_view revalidate = "no-cache";
constexpr std::string_view immutable = "public, max-age=31536000, immutable";

struct route_file {
  std::string_view url_name;
  std::string_view file;
  std::string_view content_type;
  std::string_view cache_control;
};

constexpr std::array<route_file, 5> served{{
    {"", "index.html", "text/html; charset=utf-8", revalidate},
    {"console.js", "console.js", "text/javascript; charset=utf-8", revalidate},
    {"console.css", "console.css", "text/css; charset=utf-8", revalidate},
    {"uplot.js", "uplot.js", "text/javascript; charset=utf-8", immutable},
    {"uplot.css", "uplot.css", "text/css; charset=utf-8", immutable},
}};

std::string_view bytes_of(std::string_view file) {
  for (std::size_t i = 0; i < embedded::file_count; ++i)
    if (embedded::files[i].name == file)
      return embedded::files[i].bytes;
  return {};
}

std::array<console_asset, served.size()> build_table() {
  std::array<console_asset, served.size()> out{};
  for (std::size_t i = 0; i < served.size(); ++i)
    out[i] = {served[i].content_type, served[i].cache_control, bytes_of(served[i].file)};
  return out;
}

} // namespace

const console_asset* find_console_asset(std::string_view name) {
  static const auto table = build_table();
  if (name == "index.html")
    name = "";
  for (std::size_t i = 0; i < served.size(); ++i)
    if (served[i].url_name == name)
      return &table[i];
  return nullptr;
}

} // namespace factord::net
