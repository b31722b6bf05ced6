// Opening the journal's SQLite database: directory, pragmas, schema and statements, with
// error messages that say what to fix. Used by journal.cpp (and errc_for() by
// journal_checkpointer.cpp).
#pragma once

#include "actors/registry/journal_errc.hpp"
#include "config/result.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace factord::actors::journal_setup {

// Parameters ?1..?13 and the SELECTs below share one column order (see bind_job/read_job).
// On conflict every column but seq is replaced, so an updated job keeps its queue place.
inline constexpr const char* put_sql = R"sql(
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

// The column order read_job() expects. Unfinished jobs keep finished_at = 0, hence the
// status filters.
#define FACTORD_JOB_COLUMNS                                                                                  \
  "request_id, caller_id, number, status, factors, error_code, error_message, queued_at, "                   \
  "started_at, finished_at, idempotency_key, attempts, method"

inline constexpr const char* unfinished_sql =
    "SELECT " FACTORD_JOB_COLUMNS " FROM jobs WHERE status IN ('queued', 'running') "
    "ORDER BY seq";

inline constexpr const char* finished_since_sql =
    "SELECT " FACTORD_JOB_COLUMNS " FROM jobs WHERE status IN ('done', 'failed', 'cancelled') "
    "AND finished_at >= ?1 ORDER BY seq";

#undef FACTORD_JOB_COLUMNS

inline constexpr const char* purge_sql =
    "DELETE FROM jobs WHERE status IN ('done', 'failed', 'cancelled') AND finished_at < ?1";

// One finished job, trimmed by --retention-max-jobs or --retention-max-bytes.
inline constexpr const char* remove_sql =
    "DELETE FROM jobs WHERE request_id = ?1 AND status IN ('done', 'failed', 'cancelled')";

// SQLITE_STATIC, spelled without the C-style cast of the macro: the bound string outlives
// the statement's step, so SQLite need not copy it.
inline constexpr sqlite3_destructor_type bound_text_outlives_step = nullptr;

// "<what> '<path>': <sqlite message>. Hint: <what to do>", coded by errc_for().
failure<journal_errc> sqlite_failure(sqlite3* db, std::string_view what, const std::string& path);
// Creates the directory (with parents) and checks that it is writable.
result<void, journal_errc> prepare_directory(const std::filesystem::path& dir);
bool run(sqlite3* db, const char* sql);
// WAL, synchronous mode, busy timeout.
result<void, journal_errc> configure(sqlite3* db, const std::string& path, bool sync_full);
// Creates the schema if missing, refuses a newer one.
result<void, journal_errc> ensure_schema(sqlite3* db, const std::string& path);
result<void, journal_errc> prepare(sqlite3* db, const std::string& path, const char* sql,
                                   sqlite3_stmt*& stmt);
// What the operator should do about a failed SQLite call, by primary result code.
const char* hint_for(int primary_code);
// The journal_errc for a failed SQLite call, by primary result code (the same cases as
// hint_for).
journal_errc errc_for(int primary_code);

} // namespace factord::actors::journal_setup
