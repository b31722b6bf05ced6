// The inspection console's static files (net/console/), embedded in the binary at build
// time by net/console/embed.cmake: the page works offline and needs no file on disk.
#pragma once

#include <cstddef>
#include <string_view>

namespace factord::net {

struct console_asset {
  std::string_view content_type;
  std::string_view cache_control;
  std::string_view body;
};

// `name` is the path below /console/: "" or "index.html" (the page), or any other file
// listed in `console_files` (net/CMakeLists.txt), e.g. "console.js", "uplot.css". The
// content type follows the extension. nullptr for anything else.
const console_asset* find_console_asset(std::string_view name);

namespace embedded { // defined in the generated console_assets_data.cpp
struct embedded_file {
  std::string_view name; // as listed in net/CMakeLists.txt: "index.html", "uplot.js", ...
  std::string_view bytes;
};
extern const embedded_file files[];
extern const std::size_t file_count;
extern const std::string_view uplot_version;
} // namespace embedded

} // namespace factord::net
