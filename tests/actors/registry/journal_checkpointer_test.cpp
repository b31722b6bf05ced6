#include "actors/registry/journal.hpp"
#include "actors/registry/journal_checkpointer.hpp"

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
    REQUIRE(opened.value);
    auto& store = *opened.value;
    std::string error;
    auto cp = wal_checkpointer::open(store.path(), error);
    REQUIRE(cp);
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
  auto reopened = journal::open(dir.string());
  REQUIRE(reopened.value);
  CHECK(reopened.value->unfinished().size() == 3100);
  reopened.value.reset();
  std::filesystem::remove_all(dir);
}

TEST_CASE("the checkpointer reports a journal it cannot open", "[journal][checkpoint]") {
  std::string error;
  CHECK_FALSE(wal_checkpointer::open("/nonexistent/dir/journal.db", error));
  CHECK(error.find("cannot open journal") != std::string::npos);
}
