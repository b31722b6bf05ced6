#include "actors/node/node.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/console/console.hpp"
#include "actors/scheduling/dispatcher.hpp"
#include "actors/registry/job_registry.hpp"
#include "actors/registry/journal.hpp"
#include "actors/registry/journal_checkpointer.hpp"
#include "actors/scheduling/worker_pool.hpp"
#include "config/limits.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/spawn_options.hpp>

namespace factord::actors {

result<node, node_errc> start_node(caf::actor_system& sys, const config::settings& settings) {
  auto opened = journal::open(settings.data_dir, settings.journal_sync_full);
  if (!opened) return fail(node_errc::journal_unavailable, opened.message());
  std::shared_ptr<journal> store = std::move(opened).value();
  // A journal that cannot be read back would start without its queued jobs: refuse.
  auto unfinished = store->unfinished();
  if (!unfinished) return fail(node_errc::journal_unavailable, unfinished.message());
  auto finished_recently = store->finished_since(unix_millis_now() - settings.retention.count());
  if (!finished_recently) return fail(node_errc::journal_unavailable, finished_recently.message());
  std::vector<job> recovered = std::move(unfinished).value();
  std::vector<job> finished = std::move(finished_recently).value();

  worker_limits limits{settings.max_digits, settings.job_budget};
  unsigned workers = config::effective_workers(settings);
  logging::info("node_starting", {{"journal", store->path()},
                                  {"recovered_jobs", std::to_string(recovered.size())},
                                  {"finished_jobs", std::to_string(finished.size())},
                                  {"workers", std::to_string(workers)}});
  node n;
  n.console = spawn_console(sys);
  auto cp = wal_checkpointer::open(store->path());
  auto offloaded = cp ? store->set_auto_checkpoint(false) : result<void, journal_errc>(cp.error());
  if (offloaded) {
    n.checkpointer = sys.spawn<caf::detached>(journal_checkpointer,
                                              std::shared_ptr<wal_checkpointer>(std::move(cp).value()),
                                              caf::timespan{config::limits::journal_checkpoint_interval});
    register_actor(n.console, n.checkpointer, "journal-checkpointer", 0, "");
  } else {
    logging::warn("journal_checkpoints_inline", {{"error", offloaded.message()}});
  }
  n.dispatcher = sys.spawn(dispatcher, n.console, scheduling_from(settings));
  // Detached: the registry does the (short, blocking) journal I/O on its own thread.
  auto registry = sys.spawn<caf::detached>(job_registry, n.dispatcher, store, settings, std::move(recovered),
                                           std::move(finished));
  n.jobs = registry;
  n.pool = sys.spawn(worker_pool, n.dispatcher, registry, workers, settings.max_suspended, limits, n.console);
  register_actor(n.console, n.dispatcher, "dispatcher", 0, "");
  register_actor(n.console, n.jobs, "job-registry", 0, "");
  register_actor(n.console, n.pool, "worker-pool", 0, "");
  attach_console(n.console, n.jobs, n.dispatcher);
  return n;
}

void stop_node(caf::actor_system& sys, node& n) {
  {
    caf::scoped_actor self{sys};
    // 1. The registry refuses new work, raises the shutdown flag of running jobs (they
    //    stay journalled as running and run again after a restart) and commits.
    self->request(n.jobs, config::limits::drain_reply_wait, drain_atom::value)
        .receive([](bool) {},
                 [](caf::error& err) {
                   logging::error("drain_failed", {{"error", caf::to_string(err)}});
                 });
    // 2. Workers finish their (now stopping) computations and exit.
    self->send(n.pool, drain_atom::value);
    self->wait_for(n.pool);
    // 3. Registry and dispatcher (with its linked caller-queues) exit.
    self->send_exit(n.jobs, caf::exit_reason::user_shutdown);
    self->send_exit(n.dispatcher, caf::exit_reason::user_shutdown);
    self->send_exit(n.console, caf::exit_reason::user_shutdown);
    self->wait_for(n.jobs, n.dispatcher, n.console);
    // 4. Last: the registry's connection is closed, so this final checkpoint is complete.
    if (n.checkpointer) {
      self->send_exit(n.checkpointer, caf::exit_reason::user_shutdown);
      self->wait_for(n.checkpointer);
    }
  }
  n = node{};
  logging::info("node_stopped");
}

} // namespace factord::actors
