#include "net/console_assets.hpp"

#include <array>
#include <vector>

namespace factord::net {

namespace {

// Our own files change with every build, so the browser revalidates them; uPlot's URL
// carries its version (index.html asks for uplot.js?v=1.6.x), so it may be kept a year.
constexpr std::string_view revalidate = "no-cache";
constexpr std::string_view immutable = "public, max-age=31536000, immutable";
constexpr std::array<std::string_view, 2> versioned{"uplot.js", "uplot.css"};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// By extension, so a file added to `console_files` in net/CMakeLists.txt is served with
// no second list to keep in step. Browsers refuse a module script (`import`) that does not
// come as JavaScript, and we send nosniff.
std::string_view content_type_of(std::string_view file) {
  if (ends_with(file, ".html")) return "text/html; charset=utf-8";
  if (ends_with(file, ".js")) return "text/javascript; charset=utf-8";
  if (ends_with(file, ".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

struct named_asset {
  std::string_view file;
  console_asset asset;
};

std::vector<named_asset> build_table() {
  std::vector<named_asset> out;
  for (std::size_t i = 0; i < embedded::file_count; ++i) {
    const auto& f = embedded::files[i];
    bool is_versioned = false;
    for (auto v : versioned) is_versioned = is_versioned || f.name == v;
    out.push_back({f.name, {content_type_of(f.name), is_versioned ? immutable : revalidate, f.bytes}});
  }
  return out;
}

} // namespace

const console_asset* find_console_asset(std::string_view name) {
  static const auto table = build_table();
  if (name.empty()) name = "index.html";
  for (const auto& entry : table)
    if (entry.file == name) return &entry.asset;
  return nullptr;
}

} // namespace factord::net
