#include "actors/journal.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace factord::actors {

namespace {

namespace fs = std::filesystem;

// Bump when the table layout changes, and teach ensure_schema to migrate from the old one.
constexpr int schema_version = 1;

// How long a statement waits for a lock held by another connection (an operator's sqlite3
// shell, a backup tool) before it fails with SQLITE_BUSY. Not user-tunable: a factord
// instance is the only writer of its --data-dir.
constexpr int busy_timeout_ms = 5000;

// SQLITE_STATIC, spelled without the C-style cast of the macro: the bound string outlives
// the statement's step, so SQLite need not copy it.
constexpr sqlite3_destructor_type bound_text_outlives_step = nullptr;

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

// Parameters ?1..?13 and the SELECTs below share this column order (see bind_job/read_job).
// On conflict every column but seq is replaced, so an updated job keeps its queue place.
constexpr const char* put_sql = R"sql(
INSERT INTO jobs (request_id, caller_id, number, status, factors, error_code, error_message,
                  queued_at, started_at, finished_at, idempotency_key, attempts, method)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (request_id) DO UPDATE SET
  caller_id = excluded.caller_id, number = excluded.number, status = excluded.status,
  factors = excluded.factors, error_code = excluded.error_code,
  error_message = excluded.error_message, queued_at = excluded.queued_at,
  started_at = excluded.started_at, finished_at = excluded.finished_at,
  idempotency_key = excluded.idempotency_key, attempts = excluded.attempts,
  method = excluded.method
)sql";

#define FACTORD_JOB_COLUMNS                                                                  \
  "request_id, caller_id, number, status, factors, error_code, error_message, queued_at, "  \
  "started_at, finished_at, idempotency_key, attempts, method"

constexpr const char* unfinished_sql =
    "SELECT " FACTORD_JOB_COLUMNS " FROM jobs WHERE status IN ('queued', 'running') "
    "ORDER BY seq";
constexpr const char* finished_since_sql =
    "SELECT " FACTORD_JOB_COLUMNS " FROM jobs WHERE status IN ('done', 'failed', 'cancelled') "
    "AND finished_at >= ?1 ORDER BY seq";
#undef FACTORD_JOB_COLUMNS

// Unfinished jobs keep finished_at = 0, hence the status filter.
constexpr const char* purge_sql =
    "DELETE FROM jobs WHERE status IN ('done', 'failed', 'cancelled') AND finished_at < ?1";

// What the operator should do about a failed SQLite call, by primary result code.
const char* hint_for(int primary_code) {
  switch (primary_code) {
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return "make the directory and journal.db writable by the user running factord, or "
             "pass --data-dir to a writable directory";
    case SQLITE_FULL:
      return "free space on that filesystem, or pass --data-dir to one with room";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "the file is damaged or not a factord journal; move journal.db (and any "
             "journal.db-wal, journal.db-shm) aside to start empty, or pass --data-dir to "
             "another directory";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another process holds the journal; stop the other factord (or sqlite3 shell) "
             "using this --data-dir";
    case SQLITE_IOERR:
      return "the disk or filesystem reported an I/O error; check the kernel log (dmesg)";
    default:
      return "check the journal file and the --data-dir directory";
  }
}

// "<what> '<path>': <SQLite's reason> (<OS reason>). Hint: <fix>" for the last failed call.
std::string failure(sqlite3* db, std::string_view what, const std::string& path) {
  std::string message{what};
  message += " '" + path + "': ";
  if (db == nullptr) return message + "out of memory";
  const int primary = sqlite3_extended_errcode(db) & 0xff;
  message += sqlite3_errmsg(db);
  // SQLite's text for these is generic ("unable to open database file"); errno says why.
  const int os_errno = sqlite3_system_errno(db);
  if (os_errno != 0 && (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR))
    message += std::string(" (") + std::strerror(os_errno) + ")";
  return message + ". Hint: " + hint_for(primary);
}

// Creates the directory with its parents; an empty string means it is ready.
std::string prepare_directory(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    return "data directory '" + dir.string() + "' exists but is not a directory. Hint: "
           "rename that file, or pass --data-dir to a directory";
  fs::create_directories(dir, ec);
  if (ec)
    return "cannot create data directory '" + dir.string() + "': " + ec.message() +
           ". Hint: pass --data-dir to a writable directory";
  // WAL mode creates journal.db-wal and -shm beside the database, so the directory itself
  // must be writable. Checked here because SQLite's own report of this is a vague
  // "unable to open database file".
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return "data directory '" + dir.string() + "' is not writable: " + std::strerror(errno) +
           ". Hint: make it writable by the user running factord, or pass --data-dir to a "
           "writable directory";
  return {};
}

bool run(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

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

// Connection settings. WAL lets a commit be a single append (cheap group commit);
// NORMAL syncs at checkpoints only, which survives kill -9 but not power loss.
std::string configure(sqlite3* db, const std::string& path, bool sync_full) {
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // The first statement that reads the file: a corrupt or foreign file fails here.
  std::string mode;
  if (!pragma_value(db, "PRAGMA journal_mode = WAL", mode))
    return failure(db, "cannot read journal", path);
  if (mode != "wal")
    return "cannot switch journal '" + path + "' to WAL mode (SQLite kept '" + mode +
           "'). Hint: put --data-dir on a local filesystem (not NFS or a read-only mount)";
  if (!run(db, sync_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"))
    return failure(db, "cannot set synchronous mode of journal", path);
  return {};
}

// Creates the tables on first use; refuses a journal written by a newer factord. Runs in an
// IMMEDIATE transaction so two processes racing on a fresh directory cannot both create.
std::string ensure_schema(sqlite3* db, const std::string& path) {
  if (!run(db, "BEGIN IMMEDIATE")) return failure(db, "cannot lock journal", path);
  std::string version_text;
  if (!pragma_value(db, "PRAGMA user_version", version_text)) {
    std::string error = failure(db, "cannot read schema version of journal", path);
    run(db, "ROLLBACK");
    return error;
  }
  const int version = std::atoi(version_text.c_str());
  if (version > schema_version) {
    run(db, "ROLLBACK");
    return "journal '" + path + "' has schema version " + version_text +
           ", newer than this factord understands (" + std::to_string(schema_version) +
           "). Hint: run the newer factord, or pass --data-dir to another directory";
  }
  // Plain CREATE (not IF NOT EXISTS): a foreign database with its own `jobs` table fails
  // loudly here instead of being half-used.
  if (version == 0 && !run(db, create_schema_sql)) {
    std::string error = failure(db, "cannot create tables in journal", path);
    run(db, "ROLLBACK");
    return error;
  }
  if (!run(db, "COMMIT")) return failure(db, "cannot commit schema of journal", path);
  return {};
}

std::string prepare(sqlite3* db, const std::string& path, const char* sql,
                    sqlite3_stmt*& stmt) {
  // PERSISTENT: these statements live as long as the connection.
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
    return failure(db, "cannot prepare statements for journal", path);
  return {};
}

// Leaves a shared statement ready for its next use, however the caller returns.
struct statement_reset {
  sqlite3_stmt* stmt;
  ~statement_reset() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

void bind_text(sqlite3_stmt* stmt, int index, std::string_view text) {
  sqlite3_bind_text64(stmt, index, text.data(), text.size(), bound_text_outlives_step,
                      SQLITE_UTF8);
}

std::string join_factors(const std::vector<std::string>& factors) {
  std::string joined;
  for (const auto& factor : factors) {
    if (!joined.empty()) joined += ' ';
    joined += factor;
  }
  return joined;
}

std::vector<std::string> split_factors(std::string_view joined) {
  std::vector<std::string> factors;
  while (!joined.empty()) {
    const auto space = joined.find(' ');
    if (space != 0) factors.emplace_back(joined.substr(0, space));
    if (space == std::string_view::npos) break;
    joined.remove_prefix(space + 1);
  }
  return factors;
}

void bind_job(sqlite3_stmt* stmt, const job& j, const std::string& factors) {
  bind_text(stmt, 1, j.request_id);
  bind_text(stmt, 2, j.caller_id);
  bind_text(stmt, 3, j.number);
  bind_text(stmt, 4, to_string(j.status));
  bind_text(stmt, 5, factors);
  bind_text(stmt, 6, j.error_code);
  bind_text(stmt, 7, j.error_message);
  sqlite3_bind_int64(stmt, 8, j.queued_at);
  sqlite3_bind_int64(stmt, 9, j.started_at);
  sqlite3_bind_int64(stmt, 10, j.finished_at);
  bind_text(stmt, 11, j.idempotency_key);
  sqlite3_bind_int64(stmt, 12, static_cast<sqlite3_int64>(j.attempts));
  bind_text(stmt, 13, j.method);
}

// Uses the byte count, not strlen, so text with an embedded NUL comes back whole.
std::string column_text(sqlite3_stmt* stmt, int column) {
  const unsigned char* text = sqlite3_column_text(stmt, column);
  const int size = sqlite3_column_bytes(stmt, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

// False only for a status text this build does not know (the CHECK constraint forbids it).
bool read_job(sqlite3_stmt* stmt, job& j) {
  j.request_id = column_text(stmt, 0);
  j.caller_id = column_text(stmt, 1);
  j.number = column_text(stmt, 2);
  const bool known_status = parse_job_status(column_text(stmt, 3), j.status);
  j.factors = split_factors(column_text(stmt, 4));
  j.error_code = column_text(stmt, 5);
  j.error_message = column_text(stmt, 6);
  j.queued_at = sqlite3_column_int64(stmt, 7);
  j.started_at = sqlite3_column_int64(stmt, 8);
  j.finished_at = sqlite3_column_int64(stmt, 9);
  j.idempotency_key = column_text(stmt, 10);
  j.attempts = static_cast<std::uint32_t>(sqlite3_column_int64(stmt, 11));
  j.method = column_text(stmt, 12);
  return known_status;
}

// True when SQLite rolled back our open transaction on its own (disk full, I/O error):
// the puts in it are gone even though nobody called commit() yet.
bool transaction_lost(sqlite3* db, bool in_transaction) {
  return in_transaction && sqlite3_get_autocommit(db) != 0;
}

} // namespace

journal::open_result journal::open(const std::string& data_dir, bool sync_full) {
  open_result result;
  if (auto error = prepare_directory(data_dir); !error.empty()) {
    result.error = std::move(error);
    return result;
  }
  std::unique_ptr<journal> j{new journal()};
  j->path_ = (fs::path(data_dir) / "journal.db").string();
  // On failure SQLite still hands out a handle (for the message); ~journal closes it.
  if (sqlite3_open_v2(j->path_.c_str(), &j->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    result.error = failure(j->db_, "cannot open journal", j->path_);
    return result;
  }
  // With a write-protected file SQLite quietly opens read-only; every put would then fail.
  if (sqlite3_db_readonly(j->db_, "main") == 1) {
    result.error = "journal '" + j->path_ + "' is read-only. Hint: " + hint_for(SQLITE_READONLY);
    return result;
  }
  std::string error = configure(j->db_, j->path_, sync_full);
  if (error.empty()) error = ensure_schema(j->db_, j->path_);
  if (error.empty()) error = prepare(j->db_, j->path_, put_sql, j->put_);
  if (error.empty()) error = prepare(j->db_, j->path_, unfinished_sql, j->unfinished_);
  if (error.empty()) error = prepare(j->db_, j->path_, finished_since_sql, j->finished_since_);
  if (error.empty()) error = prepare(j->db_, j->path_, purge_sql, j->purge_);
  if (!error.empty()) {
    result.error = std::move(error);
    return result;
  }
  result.value = std::move(j);
  return result;
}

// Commits rather than rolls back: every put the registry made is a state it meant to keep,
// and a job acknowledged after a failed commit is impossible (commit() reports it first).
journal::~journal() {
  if (in_transaction_ && sqlite3_get_autocommit(db_) == 0) run(db_, "COMMIT");
  for (sqlite3_stmt* stmt : {put_, unfinished_, finished_since_, purge_})
    sqlite3_finalize(stmt); // null is a no-op
  sqlite3_close(db_);       // null is a no-op; fails only with live statements
}

bool journal::exec(const char* sql) {
  if (run(db_, sql)) return true;
  last_error_ = failure(db_, std::string("cannot run ") + sql + " on journal", path_);
  return false;
}

bool journal::put(const job& j) {
  last_error_.clear();
  if (transaction_lost(db_, in_transaction_)) {
    // Refuse until commit() has reported the loss, so the registry re-puts those jobs.
    last_error_ = "journal '" + path_ + "': an earlier error rolled back the open "
                  "transaction; call commit() to acknowledge the loss before new puts";
    return false;
  }
  if (!in_transaction_) {
    if (!exec("BEGIN")) return false;
    in_transaction_ = true;
  }
  const std::string factors = join_factors(j.factors);
  statement_reset reset{put_};
  bind_job(put_, j, factors);
  if (sqlite3_step(put_) == SQLITE_DONE) return true;
  last_error_ = failure(db_, "cannot write job " + j.request_id + " to journal", path_);
  return false;
}

bool journal::commit() {
  last_error_.clear();
  if (!in_transaction_) return true;
  if (transaction_lost(db_, in_transaction_)) {
    in_transaction_ = false;
    last_error_ = "journal '" + path_ + "': the open transaction was rolled back by an "
                  "earlier write error; its puts are lost and must be repeated";
    return false;
  }
  // On SQLITE_BUSY the transaction stays open and a later commit() may succeed; on other
  // errors SQLite may roll back, which the autocommit flag tells us.
  const bool committed = exec("COMMIT");
  in_transaction_ = sqlite3_get_autocommit(db_) == 0;
  return committed;
}

std::vector<job> journal::query(sqlite3_stmt* stmt) {
  last_error_.clear();
  statement_reset reset{stmt};
  std::vector<job> jobs;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    job j;
    if (read_job(stmt, j)) {
      jobs.push_back(std::move(j));
    } else {
      last_error_ = "journal '" + path_ + "': job " + j.request_id +
                    " has an unknown status and was skipped";
    }
  }
  if (rc != SQLITE_DONE) last_error_ = failure(db_, "cannot read jobs from journal", path_);
  return jobs;
}

std::vector<job> journal::unfinished() {
  return query(unfinished_);
}

std::vector<job> journal::finished_since(std::int64_t since_unix_millis) {
  sqlite3_bind_int64(finished_since_, 1, since_unix_millis);
  return query(finished_since_);
}

// Joins the open transaction if there is one (and becomes durable with it); otherwise it
// commits on its own. Losing a purge in a crash is harmless: the next one redoes it.
std::int64_t journal::purge_finished_before(std::int64_t cutoff_unix_millis) {
  last_error_.clear();
  statement_reset reset{purge_};
  sqlite3_bind_int64(purge_, 1, cutoff_unix_millis);
  if (sqlite3_step(purge_) != SQLITE_DONE) {
    last_error_ = failure(db_, "cannot purge finished jobs from journal", path_);
    return 0;
  }
  return sqlite3_changes64(db_);
}

} // namespace factord::actors
