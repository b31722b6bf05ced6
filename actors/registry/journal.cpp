#include "actors/registry/journal.hpp"

#include "actors/registry/journal_setup.hpp"
#include "config/log.hpp"

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

using namespace journal_setup;
namespace fs = std::filesystem;

// Leaves a shared statement ready for its next use, however the caller returns.
struct statement_reset {
  sqlite3_stmt* stmt;
  ~statement_reset() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

void bind_text(sqlite3_stmt* stmt, int index, std::string_view text) {
  sqlite3_bind_text64(stmt, index, text.data(), text.size(), bound_text_outlives_step, SQLITE_UTF8);
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

result<std::unique_ptr<journal>, journal_errc> journal::open(const std::string& data_dir, bool sync_full) {
  if (auto ready = prepare_directory(data_dir); !ready) return ready.error();
  std::unique_ptr<journal> j{new journal()};
  j->path_ = (fs::path(data_dir) / "journal.db").string();
  // On failure SQLite still hands out a handle (for the message); ~journal closes it.
  if (sqlite3_open_v2(j->path_.c_str(), &j->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK)
    return sqlite_failure(j->db_, "cannot open journal", j->path_);
  // With a write-protected file SQLite quietly opens read-only; every put would then fail.
  if (sqlite3_db_readonly(j->db_, "main") == 1)
    return fail(journal_errc::not_writable,
                "journal '" + j->path_ + "' is read-only. Hint: " + hint_for(SQLITE_READONLY));
  auto ready = configure(j->db_, j->path_, sync_full);
  if (ready) ready = ensure_schema(j->db_, j->path_);
  if (ready) ready = prepare(j->db_, j->path_, put_sql, j->put_);
  if (ready) ready = prepare(j->db_, j->path_, unfinished_sql, j->unfinished_);
  if (ready) ready = prepare(j->db_, j->path_, finished_since_sql, j->finished_since_);
  if (ready) ready = prepare(j->db_, j->path_, purge_sql, j->purge_);
  if (ready) ready = prepare(j->db_, j->path_, remove_sql, j->remove_);
  if (!ready) return ready.error();
  return j;
}

// Commits rather than rolls back: every put the registry made is a state it meant to keep,
// and a job acknowledged after a failed commit is impossible (commit() reports it first).
journal::~journal() {
  if (in_transaction_ && sqlite3_get_autocommit(db_) == 0) run(db_, "COMMIT");
  for (sqlite3_stmt* stmt : {put_, unfinished_, finished_since_, purge_, remove_})
    sqlite3_finalize(stmt); // null is a no-op
  sqlite3_close(db_);       // null is a no-op; fails only with live statements
}

result<void, journal_errc> journal::exec(const char* sql) {
  if (run(db_, sql)) return {};
  return sqlite_failure(db_, std::string("cannot run ") + sql + " on journal", path_);
}

result<void, journal_errc> journal::begin() {
  // Refuse until commit() has reported the loss, so the registry re-puts those jobs.
  if (transaction_lost(db_, in_transaction_))
    return fail(journal_errc::transaction_lost, "journal '" + path_ +
                                                    "': an earlier error rolled back the open "
                                                    "transaction; call commit() to acknowledge the loss "
                                                    "before new puts");
  if (!in_transaction_) {
    if (auto begun = exec("BEGIN"); !begun) return begun;
    in_transaction_ = true;
  }
  return {};
}

result<void, journal_errc> journal::remove_finished(const std::string& request_id) {
  if (auto begun = begin(); !begun) return begun;
  statement_reset reset{remove_};
  bind_text(remove_, 1, request_id);
  if (sqlite3_step(remove_) == SQLITE_DONE) return {};
  return sqlite_failure(db_, "cannot remove job " + request_id + " from journal", path_);
}

result<void, journal_errc> journal::put(const job& j) {
  if (auto begun = begin(); !begun) return begun;
  const std::string factors = join_factors(j.factors);
  statement_reset reset{put_};
  bind_job(put_, j, factors);
  if (sqlite3_step(put_) == SQLITE_DONE) return {};
  return sqlite_failure(db_, "cannot write job " + j.request_id + " to journal", path_);
}

result<void, journal_errc> journal::commit() {
  if (!in_transaction_) return {};
  if (transaction_lost(db_, in_transaction_)) {
    in_transaction_ = false;
    return fail(journal_errc::transaction_lost, "journal '" + path_ +
                                                    "': the open transaction was rolled back by an "
                                                    "earlier write error; its puts are lost and must be "
                                                    "repeated");
  }
  // On SQLITE_BUSY the transaction stays open and a later commit() may succeed; on other
  // errors SQLite may roll back, which the autocommit flag tells us.
  auto committed = exec("COMMIT");
  in_transaction_ = sqlite3_get_autocommit(db_) == 0;
  return committed;
}

void journal::rollback() {
  // SQLite may have rolled back on its own (disk full, I/O error); then there is nothing to do.
  if (in_transaction_ && sqlite3_get_autocommit(db_) == 0 && !run(db_, "ROLLBACK"))
    logging::warn("journal_rollback_failed", {{"error", sqlite3_errmsg(db_)}});
  in_transaction_ = false;
}

result<std::vector<job>, journal_errc> journal::query(sqlite3_stmt* stmt) {
  statement_reset reset{stmt};
  std::vector<job> jobs;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    job j;
    if (read_job(stmt, j)) {
      jobs.push_back(std::move(j));
    } else {
      // Not a failure of the read: the other jobs are still good to run.
      logging::warn("journal_job_skipped", {{"error", "journal '" + path_ + "': job " + j.request_id +
                                                          " has an unknown status and was skipped"}});
    }
  }
  if (rc != SQLITE_DONE) return sqlite_failure(db_, "cannot read jobs from journal", path_);
  return jobs;
}

result<std::vector<job>, journal_errc> journal::unfinished() { return query(unfinished_); }

result<std::vector<job>, journal_errc> journal::finished_since(std::int64_t since_unix_millis) {
  sqlite3_bind_int64(finished_since_, 1, since_unix_millis);
  return query(finished_since_);
}

// Joins the open transaction if there is one (and becomes durable with it); otherwise it
// commits on its own. Losing a purge in a crash is harmless: the next one redoes it.
result<std::int64_t, journal_errc> journal::purge_finished_before(std::int64_t cutoff_unix_millis) {
  statement_reset reset{purge_};
  sqlite3_bind_int64(purge_, 1, cutoff_unix_millis);
  if (sqlite3_step(purge_) != SQLITE_DONE)
    return sqlite_failure(db_, "cannot purge finished jobs from journal", path_);
  return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

result<void, journal_errc> journal::set_auto_checkpoint(bool on) {
  // 1000 pages is SQLite's default.
  // The size limit applies when the WAL restarts: it is cut back to 64 MiB, not left at
  // its high-water mark.
  if (auto set = exec(on ? "PRAGMA wal_autocheckpoint = 1000" : "PRAGMA wal_autocheckpoint = 0"); !set)
    return set;
  return exec("PRAGMA journal_size_limit = 67108864");
}

} // namespace factord::actors
