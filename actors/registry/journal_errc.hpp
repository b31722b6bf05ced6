// Why a journal call failed (journal.hpp, journal_checkpointer.hpp). The message next to
// the code names the file and says what to do. Callers act on the failure, not on the code:
// a failed commit refuses its jobs with 503 `journal_unavailable`
// (registry/job_registry_ops.cpp refuse()), a failed open stops `factord serve` from
// starting (node/node.cpp start_node()). Most codes follow SQLite's primary result code:
// journal_setup.cpp errc_for(), beside the hint for each.
#pragma once

#include <cstdint>
#include <string_view>

namespace factord::actors {

enum class journal_errc : std::uint8_t {
  not_a_directory,  // --data-dir names something that is not a directory
  cannot_open,      // the directory or journal.db cannot be created or opened
  not_writable,     // no write permission, or SQLite opened journal.db read-only
  disk_full,        // the filesystem has no room
  corrupt,          // journal.db is damaged or not a SQLite database
  busy,             // another connection holds a lock longer than the busy timeout
  io_error,         // the disk or filesystem reported an I/O error
  wal_unavailable,  // SQLite would not switch to WAL mode (NFS, read-only mount)
  newer_schema,     // written by a newer factord
  transaction_lost, // SQLite rolled back the open transaction after an earlier error
  sqlite_error,     // any other SQLite failure (the message has SQLite's text)
};

// Stable snake_case name, for logs.
constexpr std::string_view to_string(journal_errc e) noexcept {
  switch (e) {
    case journal_errc::not_a_directory: return "not_a_directory";
    case journal_errc::cannot_open: return "cannot_open";
    case journal_errc::not_writable: return "not_writable";
    case journal_errc::disk_full: return "disk_full";
    case journal_errc::corrupt: return "corrupt";
    case journal_errc::busy: return "busy";
    case journal_errc::io_error: return "io_error";
    case journal_errc::wal_unavailable: return "wal_unavailable";
    case journal_errc::newer_schema: return "newer_schema";
    case journal_errc::transaction_lost: return "transaction_lost";
    case journal_errc::sqlite_error: return "sqlite_error";
  }
  return "unknown";
}

} // namespace factord::actors
