// factord: one command, several roles (API.md "Processes"). main only wires: it loads the
// settings and hands them to the command. Compiled twice: `factord` (factor, serve) and,
// with FACTORD_CLUSTER_ROLES, `factord-cluster` (gateway, worker), the only binary that
// links librdkafka; `factord gateway|worker` runs the one beside it.
#include "actors/node/node.hpp"
#include "config/auth_choice.hpp"
#include "config/exit_codes.hpp"
#include "config/load.hpp"
#include "config/log.hpp"
#include "factor/factor_command.hpp"
#include "net/auth/authenticator.hpp"
#include "net/listen_url.hpp"
#include "net/server.hpp"

#ifdef FACTORD_CLUSTER_ROLES
#include "actors/cluster/cluster_node.hpp"
#endif

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using factord::config::exit_code;

constexpr const char* version = "factord 0.1.0";

static_assert(factord::factor::factor_command_options{}.max_digits == factord::config::default_max_digits,
              "factor/'s --max-digits default must be config/'s");

exit_code run_factor(const factord::config::command_line& cmd) {
  factord::factor::factor_command_options opts;
  opts.max_digits = cmd.values.max_digits;
  opts.budget = cmd.values.job_budget;
  std::ios::sync_with_stdio(false);
  auto summary = factord::factor::run_factor_command(cmd.args, std::cin, std::cout, std::cerr, opts);
  return factord::config::exit_code_for_factor(summary.failed);
}

// The line a person starting factord waits for. Text logs are read by people: they get the
// URLs to open (net.listening above it keeps host= and port=); JSON stays host and port.
void announce_listening(const factord::config::settings& settings, std::uint16_t port) {
  using namespace factord;
  if (settings.log == config::log_format::json) {
    logging::info("listening", {{"host", settings.host}, {"port", std::to_string(port)}});
    return;
  }
  auto url = net::listen_url(settings.host, port);
  logging::info("listening", {{"url", url}, {"console", url + "/console"}});
}

using starter = factord::result<factord::actors::node, factord::actors::node_errc> (*)(
    caf::actor_system&, const factord::config::settings&);
using stopper = void (*)(caf::actor_system&, factord::actors::node&);

// serve: the embedded default (gateway, scheduler, workers and journal in one process);
// gateway and worker: the cluster roles over Kafka. Same wiring, different node.
// keys add CALLER [admin] [rate=R ...]: a new API key, its hash and settings appended to
// --auth-keys, the key printed once on stdout (nothing else goes there, so
// `KEY=$(factord keys add ...)` works). The settings are checked as the server reads them.
exit_code run_keys(const factord::config::command_line& cmd) {
  using namespace factord;
  const auto& args = cmd.args;
  constexpr const char* usage = "factord: usage: factord keys add CALLER [admin] [rate=R] [burst=N] "
                                "[max_queued=N] [max_digits=N] [weight=N] --auth-keys FILE\n";
  if (args.size() < 2 || args[0] != "add") {
    std::cerr << usage;
    return exit_code::usage;
  }
  auth::key_table::entry settings{args[1], false, {}};
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (auto ok = auth::apply_key_setting(args[i], settings); !ok) {
      std::cerr << "factord: keys add: " << ok.message() << "\n" << usage;
      return exit_code::usage;
    }
  }
  if (cmd.values.auth_keys.empty()) {
    std::cerr << "factord: keys add needs the keys file: pass --auth-keys FILE (created if missing)\n";
    return exit_code::usage;
  }
  auto key = auth::add_key(cmd.values.auth_keys, args[1], settings.admin, settings.limits);
  if (!key) {
    std::cerr << "factord: " << key.message() << "\n";
    return key.code() == auth::key_file_errc::invalid_caller ? exit_code::usage : exit_code::failure;
  }
  std::cout << *key << "\n";
  std::cerr << "factord: added a key for '" << args[1] << "'" << auth::key_settings(settings) << " to "
            << cmd.values.auth_keys << "; it is shown only this once. A running server picks it up "
            << "within a second (or at once on SIGHUP).\n";
  return exit_code::ok;
}

exit_code run_node(const factord::config::command_line& cmd, starter start, stopper stop) {
  using namespace factord;
  const config::settings& settings = cmd.values;
  logging::init(settings.log, settings.min_log_level);
  if (auto choice = config::check_auth_choice(settings); !choice) {
    logging::error("start_failed", {{"error", choice.message()}});
    return config::exit_code_for(choice.code());
  }
  std::shared_ptr<auth::authenticator> authenticator;
  if (settings.auth == config::auth_mode::on) {
    auto made = auth::authenticator::create(settings);
    if (!made) {
      logging::error("start_failed", {{"error", made.message()}});
      return exit_code::failure;
    }
    authenticator = std::move(made).value();
    auto keys = authenticator->keys() ? authenticator->keys()->current()->size() : 0;
    logging::info("auth.on", {{"keys", std::to_string(keys)}, {"jwt", authenticator->jwt_algorithms()}});
  }
  caf::actor_system_config cfg;
  // Factor workers, the registry and the Kafka clients are detached (own threads); the
  // scheduler only runs short message handlers. Measured on 2 cores (bench/RESULTS.md,
  // "Scheduler"): one thread on CAF's sharing queue beats 2-4 stealing threads, whose
  // idle polling competes with everything else for the cores.
  auto cores = std::max(1u, std::thread::hardware_concurrency());
  auto threads = settings.scheduler_threads != 0 ? settings.scheduler_threads
                                                 : (cores <= 2 ? 1u : std::min(cores / 2, 4u));
  bool stealing = settings.scheduler == config::scheduler_policy::stealing;
  cfg.set("scheduler.policy", stealing ? caf::atom("stealing") : caf::atom("sharing"));
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(threads));
  caf::actor_system sys{cfg};
  auto started = start(sys, settings);
  if (!started) {
    logging::error("start_failed", {{"error", started.message()}});
    return config::exit_code_for(started.code());
  }
  exit_code status = exit_code::ok;
  {
    net::server server(sys, *started, settings, authenticator);
    if (auto listening = server.start(); !listening) {
      logging::error("start_failed", {{"error", listening.message()}});
      status = config::exit_code_for(listening.code());
    } else {
      announce_listening(settings, server.port());
      server.wait_for_signal();
      logging::info("shutting_down");
    }
    // Order matters (CAF notes, shutdown): sockets first, then actors, then Asio.
    server.stop_accepting();
    stop(sys, *started);
    sys.registry().await_running_count_equal(0);
    server.stop_io();
  }
  return status;
}

#ifndef FACTORD_CLUSTER_ROLES
// The cluster roles live in factord-cluster, next to this binary: exec it with the same
// arguments, so `factord gateway ...` works as API.md says. Without it, the command is one
// this installation does not have: a usage error, like an unknown command.
exit_code run_cluster_binary(char** argv) {
  std::string self(4096, '\0');
  auto n = readlink("/proc/self/exe", self.data(), self.size() - 1);
  std::string dir = n > 0 ? self.substr(0, self.rfind('/', static_cast<std::size_t>(n))) : ".";
  std::string cluster = dir + "/factord-cluster";
  execv(cluster.c_str(), argv);
  std::cerr << "factord: cannot run " << cluster << " (" << std::strerror(errno)
            << "). Hint: the cluster roles need the factord-cluster binary beside factord "
               "(scripts/build builds both)\n";
  return exit_code::usage;
}
#endif

exit_code run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto loaded = factord::config::load(args, [](const char* name) { return std::getenv(name); });
  if (!loaded) {
    std::cerr << "factord: " << loaded.message() << "\n";
    return factord::config::exit_code_for(loaded.code());
  }
  const auto& cmd = *loaded;
  if (cmd.version) {
    std::cout << version << "\n";
    return exit_code::ok;
  }
  if (cmd.help || cmd.command.empty() || cmd.command == "help") {
    (cmd.help ? std::cout : std::cerr) << factord::config::help_text();
    return cmd.help ? exit_code::ok : exit_code::usage;
  }
  using namespace factord::actors;
  if (cmd.command == "factor") return run_factor(cmd);
  if (cmd.command == "keys") return run_keys(cmd);
  if (cmd.command == "serve") return run_node(cmd, start_node, stop_node);
#ifdef FACTORD_CLUSTER_ROLES
  if (cmd.command == "gateway") return run_node(cmd, start_gateway, stop_cluster_node);
  if (cmd.command == "worker") return run_node(cmd, start_worker, stop_cluster_node);
#else
  if (cmd.command == "gateway" || cmd.command == "worker") return run_cluster_binary(argv);
#endif
  std::cerr << "factord: unknown command '" << cmd.command
            << "'. Hint: factord --help lists the commands this build has\n";
  return exit_code::usage;
}

} // namespace

int main(int argc, char** argv) {
  // Nothing the commands do is meant to throw out of them; if something does (no memory,
  // say), say what and exit 1 rather than abort without a word.
  try {
    return static_cast<int>(run(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "factord: fatal: %s\n", e.what());
  } catch (...) {
    std::fputs("factord: fatal: an unknown exception\n", stderr);
  }
  return static_cast<int>(factord::config::exit_code::failure);
}
