// Why loading the settings failed. Every one is a usage error: the command line, the
// environment or the --config file asks for something factord does not accept; the
// message says which and what a valid one looks like. Mapped to the exit status in
// config/exit_codes.hpp, nowhere else.
#pragma once

namespace factord::config {

enum class errc {
  unknown_option,  // no option has that name (--bogus, -x, or a key in the --config file)
  missing_value,   // --name last on the command line, without its value
  bad_value,       // the option does not accept the value (port 70000, duration "soon")
  unreadable_file, // the --config file cannot be opened
  malformed_line,  // a --config file line that is not `name = value`
  unsafe_choice,   // options that cannot work together (--auth on without credentials,
                   // a network --host without an --auth choice)
};

} // namespace factord::config
