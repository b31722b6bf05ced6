#include "actors/registry/journal_checkpointer.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/registry/journal_setup.hpp"
#include "config/log.hpp"

#include <caf/event_based_actor.hpp>

#include <sqlite3.h>

#include <algorithm>

namespace factord::actors {

namespace {

// Without a connection handle (SQLite could not even allocate one) there is no code to ask.
journal_errc last_errc(sqlite3* db) {
  return db ? journal_setup::errc_for(sqlite3_extended_errcode(db) & 0xff) : journal_errc::sqlite_error;
}

} // namespace

result<std::unique_ptr<wal_checkpointer>, journal_errc> wal_checkpointer::open(const std::string& db_path) {
  std::unique_ptr<wal_checkpointer> cp(new wal_checkpointer);
  if (sqlite3_open_v2(db_path.c_str(), &cp->db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    return fail(last_errc(cp->db_), "cannot open journal '" + db_path + "' for checkpoints: " +
                                        (cp->db_ ? sqlite3_errmsg(cp->db_) : "out of memory"));
  sqlite3_busy_timeout(cp->db_, 2000); // a RESTART waits this long for the current commit
  // A connection opens the WAL only when it first reads; until then a checkpoint sees no
  // frames at all.
  if (sqlite3_exec(cp->db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(last_errc(cp->db_),
                "cannot read journal '" + db_path + "' for checkpoints: " + sqlite3_errmsg(cp->db_));
  return cp;
}

wal_checkpointer::~wal_checkpointer() { sqlite3_close(db_); }

result<void, journal_errc> wal_checkpointer::checkpoint() {
  // Under steady writes the WAL never empties by itself, so it would grow without bound.
  // Once it holds this many frames (~32 MiB), a RESTART checkpoint waits for the current
  // commit and makes the next one start the WAL from the top. PASSIVE has already copied
  // almost everything, so the registry waits only for the last few frames.
  constexpr int restart_frames = 8192;
  int frames = 0;
  int copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
  if (rc == SQLITE_OK && frames > restart_frames)
    rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_RESTART, &frames, &copied);
  // BUSY only means a commit or another checkpoint was in the way; the next tick catches up.
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    return fail(journal_setup::errc_for(rc & 0xff), sqlite3_errmsg(db_));
  ++checkpoints_;
  wal_frames_ = frames;
  copied_frames_ = copied;
  return {};
}

caf::behavior journal_checkpointer(caf::event_based_actor* self,
                                   const std::shared_ptr<wal_checkpointer>& checkpointer,
                                   caf::timespan interval) {
  self->delayed_send(self, interval, tick_atom::value);
  return {
      [=](tick_atom) {
        if (auto done = checkpointer->checkpoint(); !done)
          logging::error("journal_checkpoint_failed", {{"error", done.message()}});
        self->delayed_send(self, interval, tick_atom::value);
      },
      [=](probe_atom) {
        return make_sample(probe{}, self->mailbox().size())
            .number("checkpoints", checkpointer->checkpoints())
            .number("wal_frames", static_cast<std::uint64_t>(std::max(0, checkpointer->wal_frames())))
            .number("copied_frames", static_cast<std::uint64_t>(std::max(0, checkpointer->copied_frames())));
      },
  };
}

} // namespace factord::actors
