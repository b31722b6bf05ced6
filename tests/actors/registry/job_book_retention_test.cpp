// --retention-max-jobs and --retention-max-bytes: the book keeps at most so many finished
// jobs, the oldest finished going first; unfinished jobs are never trimmed.
#include "registry/job_book_fixture.hpp"

namespace {

using namespace factord::testing::job_book_fixture;

void finish_at(job_book& book, const std::string& id, std::int64_t when, std::string key = {}) {
  auto j = make_job(id, "alice");
  j.idempotency_key = std::move(key);
  book.add(j);
  auto final = final_of(j, job_status::done);
  final.finished_at = when;
  REQUIRE(book.finish(id, final));
}

} // namespace

TEST_CASE("trim keeps the newest finished jobs up to retention_max_jobs", "[registry][job_book]") {
  job_book::limits l;
  l.retention_max_jobs = 3;
  job_book book(l);
  // Finished out of id order: the order is by finished_at.
  finish_at(book, "c", accepted_at + 30, "key-c");
  finish_at(book, "a", accepted_at + 10, "key-a");
  finish_at(book, "e", accepted_at + 50);
  finish_at(book, "b", accepted_at + 20);
  finish_at(book, "d", accepted_at + 40);
  book.add(make_job("queued", "alice"));
  book.add(make_job("running", "alice", job_status::running));
  CHECK(book.finished_kept() == 5);

  auto gone = book.trim();
  CHECK(gone == std::vector<std::string>{"a", "b"});
  CHECK(book.find("a") == nullptr);
  CHECK(book.find_by_key("alice", "key-a") == nullptr); // the key goes with its job
  CHECK(book.find_by_key("alice", "key-c") == book.find("c"));
  CHECK(book.finished_kept() == 3);
  CHECK(book.find("queued") != nullptr); // unfinished: never trimmed
  CHECK(book.find("running") != nullptr);
  CHECK(book.size() == 5);
  CHECK(book.trim().empty()); // nothing more to do
}

TEST_CASE("trim keeps the finished jobs' footprint under retention_max_bytes", "[registry][job_book]") {
  job_book::limits l;
  job probe = make_job("x", "alice");
  const auto one = job_book::footprint(final_of(probe, job_status::done));
  CHECK(one > sizeof(job));
  l.retention_max_bytes = one * 2 + one / 2; // room for two
  job_book book(l);
  for (int i = 0; i < 6; ++i) finish_at(book, "j" + std::to_string(i), accepted_at + i);
  CHECK(book.finished_bytes() >= 6 * one - 6); // ids differ in length by nothing here
  auto gone = book.trim();
  CHECK(gone.size() == 4);
  CHECK(book.finished_kept() == 2);
  CHECK(book.finished_bytes() <= l.retention_max_bytes);
  CHECK(book.find("j5") != nullptr);
  CHECK(book.find("j4") != nullptr);
  CHECK(book.find("j3") == nullptr);
}

TEST_CASE("a huge job counts by its size: one 300-digit result weighs more than a 2-digit one",
          "[registry][job_book]") {
  job small = make_job("s", "alice");
  small.number = "91";
  job big = make_job("b", "alice");
  big.number = std::string(300, '7');
  big.factors = {std::string(150, '3'), std::string(150, '9')};
  big.error_message = std::string(500, 'm');
  CHECK(job_book::footprint(big) >= job_book::footprint(small) + 300 + 300 + 500);
}

TEST_CASE("erase, purge and a replaced job keep the finished index exact", "[registry][job_book]") {
  job_book::limits l;
  l.retention = std::chrono::milliseconds{1000};
  job_book book(l);
  finish_at(book, "old", accepted_at);
  finish_at(book, "new", accepted_at + 5000);
  finish_at(book, "gone", accepted_at + 6000);
  const auto bytes = book.finished_bytes();
  book.erase("gone");
  CHECK(book.finished_kept() == 2);
  CHECK(book.finished_bytes() < bytes);
  // The same id added again (a record read twice) is indexed once.
  auto again = *book.find("new");
  book.add(again.value);
  CHECK(book.finished_kept() == 2);
  book.purge(accepted_at + 1500); // "old" is past retention
  CHECK(book.finished_kept() == 1);
  CHECK(book.find("old") == nullptr);
  book.erase("new");
  CHECK(book.finished_kept() == 0);
  CHECK(book.finished_bytes() == 0);
}
