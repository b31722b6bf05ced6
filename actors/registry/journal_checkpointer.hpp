// journal-checkpointer: keeps the journal's WAL checkpoints (with synchronous=NORMAL the
// only fsyncs) off the job-registry's thread. SQLite would otherwise run one inside a
// commit every ~1000 pages and stall every request behind the fsync; measured, that cost
// about a fifth of the server's request throughput. A second connection to the journal,
// on its own detached actor, checkpoints once a second instead (PASSIVE: it never blocks
// the registry's writes).
//
// Messages in: (tick_atom) its own timer; (probe_atom) -> probe_sample.
#pragma once

#include "actors/registry/journal_errc.hpp"
#include "config/result.hpp"

#include <caf/behavior.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include <cstdint>
#include <memory>
#include <string>

struct sqlite3;

namespace factord::actors {

class wal_checkpointer {
public:
  // Opens a second connection to the journal database (which journal::open created).
  static result<std::unique_ptr<wal_checkpointer>, journal_errc> open(const std::string& db_path);
  ~wal_checkpointer();
  wal_checkpointer(const wal_checkpointer&) = delete;
  wal_checkpointer& operator=(const wal_checkpointer&) = delete;

  // Copies committed WAL frames into the database. A commit or another checkpoint in the
  // way is not a failure (the next tick catches up); the message is SQLite's text alone.
  result<void, journal_errc> checkpoint();
  std::uint64_t checkpoints() const { return checkpoints_; }
  int wal_frames() const { return wal_frames_; } // at the last checkpoint
  int copied_frames() const { return copied_frames_; }

private:
  wal_checkpointer() = default;
  sqlite3* db_ = nullptr;
  std::uint64_t checkpoints_ = 0;
  int wal_frames_ = 0;
  int copied_frames_ = 0;
};

caf::behavior journal_checkpointer(caf::event_based_actor* self,
                                   const std::shared_ptr<wal_checkpointer>& checkpointer,
                                   caf::timespan interval);

} // namespace factord::actors
