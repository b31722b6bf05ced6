#include "actors/registry/journal_setup.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace factord::actors::journal_setup {

namespace fs = std::filesystem;

namespace {

// Bump when the table layout changes, and teach ensure_schema to migrate from the old one.
constexpr int schema_version = 1;

// How long a statement waits for a lock held by another connection (an operator's sqlite3
// shell, a backup tool) before it fails with SQLITE_BUSY. Not user-tunable: a factord
// instance is the only writer of its --data-dir.
constexpr int busy_timeout_ms = 5000;

constexpr const char* create_schema_sql = R"sql(
CREATE TABLE jobs (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- acceptance order, never reused
  request_id      TEXT    NOT NULL UNIQUE,
  caller_id       TEXT    NOT NULL,
  number          TEXT    NOT NULL,
  status          TEXT    NOT NULL
                  CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  factors         TEXT    NOT NULL DEFAULT '',        -- space-separated decimal primes
  error_code      TEXT    NOT NULL DEFAULT '',
  error_message   TEXT    NOT NULL DEFAULT '',
  queued_at       INTEGER NOT NULL DEFAULT 0,         -- Unix ms, 0 = not yet
  started_at      INTEGER NOT NULL DEFAULT 0,
  finished_at     INTEGER NOT NULL DEFAULT 0,
  idempotency_key TEXT    NOT NULL DEFAULT '',
  attempts        INTEGER NOT NULL DEFAULT 0,
  method          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX jobs_by_status ON jobs (status);
CREATE INDEX jobs_by_finished_at ON jobs (finished_at);
PRAGMA user_version = 1;
)sql";

} // namespace

// What the operator should do about a failed SQLite call, by primary result code.
const char* hint_for(int primary_code) {
  switch (primary_code) {
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return "make the directory and journal.db writable by the user running factord, or "
             "pass --data-dir to a writable directory";
    case SQLITE_FULL: return "free space on that filesystem, or pass --data-dir to one with room";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "the file is damaged or not a factord journal; move journal.db (and any "
             "journal.db-wal, journal.db-shm) aside to start empty, or pass --data-dir to "
             "another directory";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another process holds the journal; stop the other factord (or sqlite3 shell) "
             "using this --data-dir";
    case SQLITE_IOERR: return "the disk or filesystem reported an I/O error; check the kernel log (dmesg)";
    default: return "check the journal file and the --data-dir directory";
  }
}

journal_errc errc_for(int primary_code) {
  switch (primary_code) {
    case SQLITE_CANTOPEN: return journal_errc::cannot_open;
    case SQLITE_READONLY:
    case SQLITE_PERM: return journal_errc::not_writable;
    case SQLITE_FULL: return journal_errc::disk_full;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return journal_errc::corrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return journal_errc::busy;
    case SQLITE_IOERR: return journal_errc::io_error;
    default: return journal_errc::sqlite_error;
  }
}

// "<what> '<path>': <SQLite's reason> (<OS reason>). Hint: <fix>" for the last failed call.
failure<journal_errc> sqlite_failure(sqlite3* db, std::string_view what, const std::string& path) {
  std::string message{what};
  message += " '" + path + "': ";
  if (db == nullptr) return fail(journal_errc::sqlite_error, message + "out of memory");
  const int primary = sqlite3_extended_errcode(db) & 0xff;
  message += sqlite3_errmsg(db);
  // SQLite's text for these is generic ("unable to open database file"); errno says why.
  const int os_errno = sqlite3_system_errno(db);
  if (os_errno != 0 && (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR))
    message += std::string(" (") + std::strerror(os_errno) + ")";
  return fail(errc_for(primary), message + ". Hint: " + hint_for(primary));
}

namespace {

// The code for a directory that could not be created or is not usable, by errno.
journal_errc errc_for_errno(int os_errno) {
  switch (os_errno) {
    case EACCES:
    case EPERM:
    case EROFS: return journal_errc::not_writable;
    case ENOSPC:
    case EDQUOT: return journal_errc::disk_full;
    case ENOTDIR: return journal_errc::not_a_directory; // a parent is a file
    case EIO: return journal_errc::io_error;
    default: return journal_errc::cannot_open;
  }
}

} // namespace

// Creates the directory with its parents.
result<void, journal_errc> prepare_directory(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    return fail(journal_errc::not_a_directory, "data directory '" + dir.string() +
                                                   "' exists but is not a directory. Hint: "
                                                   "rename that file, or pass --data-dir to a directory");
  fs::create_directories(dir, ec);
  if (ec)
    return fail(errc_for_errno(ec.value()), "cannot create data directory '" + dir.string() +
                                                "': " + ec.message() +
                                                ". Hint: pass --data-dir to a writable directory");
  // WAL mode creates journal.db-wal and -shm beside the database, so the directory itself
  // must be writable. Checked here because SQLite's own report of this is a vague
  // "unable to open database file".
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    const int os_errno = errno;
    return fail(errc_for_errno(os_errno),
                "data directory '" + dir.string() + "' is not writable: " + std::strerror(os_errno) +
                    ". Hint: make it writable by the user running factord, or pass --data-dir to a "
                    "writable directory");
  }
  return {};
}

bool run(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

namespace {

// Runs a one-row PRAGMA and returns its value as text ("" if it returned nothing).
bool pragma_value(sqlite3* db, const char* sql, std::string& value) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) return false;
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    value = text != nullptr ? reinterpret_cast<const char*>(text) : "";
  }
  sqlite3_finalize(stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

} // namespace

// Connection settings. WAL lets a commit be a single append (cheap group commit);
// NORMAL syncs at checkpoints only, which survives kill -9 but not power loss.
result<void, journal_errc> configure(sqlite3* db, const std::string& path, bool sync_full) {
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // The first statement that reads the file: a corrupt or foreign file fails here.
  std::string mode;
  if (!pragma_value(db, "PRAGMA journal_mode = WAL", mode))
    return sqlite_failure(db, "cannot read journal", path);
  if (mode != "wal")
    return fail(journal_errc::wal_unavailable,
                "cannot switch journal '" + path + "' to WAL mode (SQLite kept '" + mode +
                    "'). Hint: put --data-dir on a local filesystem (not NFS or a read-only mount)");
  if (!run(db, sync_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"))
    return sqlite_failure(db, "cannot set synchronous mode of journal", path);
  return {};
}

// Creates the tables on first use; refuses a journal written by a newer factord. Runs in an
// IMMEDIATE transaction so two processes racing on a fresh directory cannot both create.
result<void, journal_errc> ensure_schema(sqlite3* db, const std::string& path) {
  if (!run(db, "BEGIN IMMEDIATE")) return sqlite_failure(db, "cannot lock journal", path);
  std::string version_text;
  if (!pragma_value(db, "PRAGMA user_version", version_text)) {
    auto error = sqlite_failure(db, "cannot read schema version of journal", path);
    run(db, "ROLLBACK");
    return error;
  }
  const int version = std::atoi(version_text.c_str());
  if (version > schema_version) {
    run(db, "ROLLBACK");
    return fail(journal_errc::newer_schema,
                "journal '" + path + "' has schema version " + version_text +
                    ", newer than this factord understands (" + std::to_string(schema_version) +
                    "). Hint: run the newer factord, or pass --data-dir to another directory");
  }
  // Plain CREATE (not IF NOT EXISTS): a foreign database with its own `jobs` table fails
  // loudly here instead of being half-used.
  if (version == 0 && !run(db, create_schema_sql)) {
    auto error = sqlite_failure(db, "cannot create tables in journal", path);
    run(db, "ROLLBACK");
    return error;
  }
  if (!run(db, "COMMIT")) return sqlite_failure(db, "cannot commit schema of journal", path);
  return {};
}

result<void, journal_errc> prepare(sqlite3* db, const std::string& path, const char* sql,
                                   sqlite3_stmt*& stmt) {
  // PERSISTENT: these statements live as long as the connection.
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
    return sqlite_failure(db, "cannot prepare statements for journal", path);
  return {};
}

} // namespace factord::actors::journal_setup
