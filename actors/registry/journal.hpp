// The durable job journal of `factord serve`: SQLite in WAL mode under --data-dir.
//
// Plain class, no actors: the job-registry owns one and is its only user (one thread).
// Writes go into an open transaction; `commit()` makes them durable. The registry
// commits before it acknowledges a job (group commit: many submissions per commit).
// With synchronous=NORMAL a committed transaction survives a crash of the process
// (kill -9); `sync_full` also survives power loss, at the price of an fsync per commit.
#pragma once

#include "actors/protocol/job.hpp"
#include "actors/registry/journal_errc.hpp"
#include "config/result.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace factord::actors {

class journal {
public:
  // Creates the directory and the database if missing. Never throws; on failure the
  // message says what to fix (permissions, disk full, ...).
  static result<std::unique_ptr<journal>, journal_errc> open(const std::string& data_dir,
                                                             bool sync_full = false);

  ~journal();
  journal(const journal&) = delete;
  journal& operator=(const journal&) = delete;

  // Inserts or replaces the job by request_id (in the open transaction). After
  // `transaction_lost` every put fails until commit() has reported the loss.
  result<void, journal_errc> put(const job& j);
  // Makes every put since the last commit durable. On `busy` the transaction stays open
  // and a later commit may still make its puts durable; on other failures they are lost.
  result<void, journal_errc> commit();
  // Drops every put since the last commit (after a failed put or commit), so that the
  // next put starts a new transaction; the registry puts those states again.
  void rollback();

  // Jobs that were queued or running when the process stopped, in acceptance order
  // (journal sequence), so each caller's queue is rebuilt in its original order.
  result<std::vector<job>, journal_errc> unfinished();
  // Finished jobs newer than `since_unix_millis`, so GETs keep answering after restart.
  result<std::vector<job>, journal_errc> finished_since(std::int64_t since_unix_millis);
  // Deletes one finished job (in the open transaction, as put does); an unfinished one stays.
  result<void, journal_errc> remove_finished(const std::string& request_id);
  // Deletes finished jobs that finished before the cutoff; the value is how many.
  result<std::int64_t, journal_errc> purge_finished_before(std::int64_t cutoff_unix_millis);

  // SQLite's own checkpoints inside commits (on by default). Turned off when a
  // journal-checkpointer does them on another thread.
  result<void, journal_errc> set_auto_checkpoint(bool on);

  const std::string& path() const { return path_; }

private:
  journal() = default;
  result<void, journal_errc> exec(const char* sql);
  // Opens a transaction unless one is open (after checking that none was lost).
  result<void, journal_errc> begin();
  result<std::vector<job>, journal_errc> query(sqlite3_stmt* stmt);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
  sqlite3_stmt* unfinished_ = nullptr;
  sqlite3_stmt* finished_since_ = nullptr;
  sqlite3_stmt* purge_ = nullptr;
  sqlite3_stmt* remove_ = nullptr;
  bool in_transaction_ = false;
  std::string path_;
};

} // namespace factord::actors
