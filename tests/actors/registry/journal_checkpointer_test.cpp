#include "actors/registry/journal.hpp"
#include "actors/registry/journal_checkpointer.hpp"
#include "result_text.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

using namespace factord::actors;

namespace {

std::filesystem::path temp_dir() {
  return std::filesystem::temp_directory_path() / ("factord-checkpoint-test-" + std::to_string(::getpid()));
}

job make_job(int i) {
  job j;
  j.request_id = "r" + std::to_string(i);
  j.caller_id = "alice";
  j.number = std::to_string(1000 + i);
  j.queued_at = 1;
  return j;
}

} // namespace

TEST_CASE("a second connection checkpoints the journal's WAL", "[journal][checkpoint]") {
  auto dir = temp_dir();
  std::filesystem::remove_all(dir);
  {
    auto opened = journal::open(dir.string());
    REQUIRE(opened);
    auto& store = **opened;
    auto opened_cp = wal_checkpointer::open(store.path());
    REQUIRE(opened_cp);
    auto& cp = *opened_cp;
    REQUIRE(store.set_auto_checkpoint(false));
    for (int i = 0; i < 3000; ++i) REQUIRE(store.put(make_job(i)));
    REQUIRE(store.commit());
    auto wal = dir / "journal.db-wal";
    REQUIRE(std::filesystem::file_size(wal) > 0);
    REQUIRE(cp->checkpoint());
    CHECK(cp->wal_frames() > 0);
    CHECK(cp->copied_frames() == cp->wal_frames());
    // Writes go on while the checkpointer works, and nothing is lost.
    for (int i = 3000; i < 3100; ++i) REQUIRE(store.put(make_job(i)));
    REQUIRE(store.commit());
    REQUIRE(cp->checkpoint());
    CHECK(cp->checkpoints() == 2);
  }
  {
    auto reopened = journal::open(dir.string());
    REQUIRE(reopened);
    auto unfinished = reopened.value()->unfinished();
    REQUIRE(unfinished);
    CHECK(unfinished->size() == 3100);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("the checkpointer reports a journal it cannot open", "[journal][checkpoint]") {
  auto cp = wal_checkpointer::open("/nonexistent/dir/journal.db");
  REQUIRE_FALSE(cp);
  CHECK(cp.code() == journal_errc::cannot_open);
  CHECK(cp.message().find("cannot open journal '/nonexistent/dir/journal.db' for checkpoints") !=
        std::string::npos);
}
