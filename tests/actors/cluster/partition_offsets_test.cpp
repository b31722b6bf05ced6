#include "actors/cluster/partition_offsets.hpp"

#include <catch2/catch.hpp>

using factord::actors::partition_offsets;
using read_ahead = partition_offsets::read_ahead;
using commits = std::vector<std::pair<std::int32_t, std::int64_t>>;

namespace {

// Reads records [from, to) of the partition, each holding a job that is not finished yet.
void read_jobs(partition_offsets& offsets, std::int32_t partition, std::int64_t from, std::int64_t to) {
  for (auto offset = from; offset < to; ++offset) {
    offsets.consumed(partition, offset);
    offsets.track(partition, offset);
  }
}

} // namespace

TEST_CASE("the commit point is the lowest unfinished offset, whatever order jobs finish in", "[cluster]") {
  partition_offsets offsets(100);
  offsets.assign({0}, {0});
  read_jobs(offsets, 0, 0, 5);
  CHECK(offsets.commit_point(0) == 0);
  offsets.done(0, 2);
  offsets.done(0, 0);
  CHECK(offsets.commit_point(0) == 1);
  offsets.done(0, 1);
  CHECK(offsets.commit_point(0) == 3); // 2 finished earlier
  offsets.done(0, 4);
  CHECK(offsets.commit_point(0) == 3);
  offsets.done(0, 3);
  CHECK(offsets.commit_point(0) == 5); // none unfinished: after the last record read
  offsets.consumed(0, 5);              // e.g. a cancel record: nothing to track
  CHECK(offsets.commit_point(0) == 6);
}

TEST_CASE("nothing is committed for a partition before its first record", "[cluster]") {
  partition_offsets offsets(100);
  offsets.assign({0, 1}, {7, 7});
  CHECK_FALSE(offsets.commit_point(0).has_value());
  CHECK(offsets.advance_commits().empty());
  offsets.consumed(1, 7);
  CHECK(offsets.advance_commits() == commits{{1, 8}});
  CHECK_FALSE(offsets.commit_point(0).has_value());
}

TEST_CASE("commits only advance, and each commit point is returned once", "[cluster]") {
  partition_offsets offsets(100);
  offsets.assign({0}, {0});
  offsets.consumed(0, 0);
  offsets.consumed(0, 1);
  CHECK(offsets.advance_commits() == commits{{0, 2}});
  CHECK(offsets.advance_commits().empty()); // unchanged: no second commit
  read_jobs(offsets, 0, 2, 3);
  CHECK(offsets.advance_commits().empty()); // the job at 2 holds the point at 2
  offsets.done(0, 2);
  CHECK(offsets.advance_commits() == commits{{0, 3}});
  offsets.track(0, 1); // below what was committed: the point never goes back
  CHECK(offsets.commit_point(0) == 1);
  CHECK(offsets.advance_commits().empty());
}

TEST_CASE("a partition pauses at the read-ahead limit and resumes at half of it", "[cluster]") {
  partition_offsets offsets(4);
  offsets.assign({0, 1}, {0, 0});
  for (std::int64_t offset = 0; offset < 3; ++offset) CHECK(offsets.track(0, offset) == read_ahead::keep);
  CHECK(offsets.track(0, 3) == read_ahead::pause);
  CHECK(offsets.paused_count() == 1);
  CHECK(offsets.track(0, 4) == read_ahead::keep);  // already paused
  CHECK(offsets.track(1, 0) == read_ahead::keep);  // the limit is per partition
  CHECK(offsets.done(0, 0) == read_ahead::keep);   // 4 left
  CHECK(offsets.done(0, 1) == read_ahead::keep);   // 3 left
  CHECK(offsets.done(0, 2) == read_ahead::resume); // 2 left: half
  CHECK(offsets.paused_count() == 0);
  CHECK(offsets.done(0, 3) == read_ahead::keep); // resumed once only
  CHECK(offsets.track(0, 5) == read_ahead::keep);
  CHECK(offsets.track(0, 6) == read_ahead::keep);
  CHECK(offsets.track(0, 7) == read_ahead::pause); // 4, 5, 6, 7
  CHECK(offsets.unfinished_count() == 5);
}

TEST_CASE("a rebalance drops the partitions no longer ours and keeps ours", "[cluster]") {
  partition_offsets offsets(100);
  offsets.assign({0, 1, 2}, {0, 0, 0});
  read_jobs(offsets, 0, 0, 3);
  read_jobs(offsets, 1, 0, 3);
  offsets.assign({1, 2, 3}, {3, 0, 0});
  CHECK_FALSE(offsets.owns(0));
  CHECK((offsets.owns(1) && offsets.owns(2) && offsets.owns(3)));
  CHECK(offsets.partition_count() == 3);
  CHECK(offsets.unfinished_count() == 0); // the consumer re-reads ours from its commit
  CHECK(offsets.track(0, 3) == read_ahead::keep);
  offsets.consumed(0, 3);
  read_jobs(offsets, 1, 1, 3); // re-read: the jobs adopt their offsets again
  CHECK(offsets.unfinished_count() == 2);
  CHECK(offsets.advance_commits() == commits{{1, 1}});
  offsets.revoke();
  CHECK(offsets.partition_count() == 0);
  CHECK(offsets.advance_commits().empty());
}

TEST_CASE("records below a partition's end at assignment are suspect", "[cluster]") {
  partition_offsets offsets(100);
  offsets.assign({0, 1, 2}, {10, 0}); // no end for 2: nothing in it is suspect
  CHECK(offsets.suspect(0, 0));
  CHECK(offsets.suspect(0, 9));
  CHECK_FALSE(offsets.suspect(0, 10));
  CHECK_FALSE(offsets.suspect(1, 0));
  CHECK_FALSE(offsets.suspect(2, 0));
  CHECK_FALSE(offsets.suspect(5, 0)); // not ours
}

TEST_CASE("done for a partition that is not ours is ignored", "[cluster]") {
  partition_offsets offsets(2);
  CHECK(offsets.done(0, 0) == read_ahead::keep); // before any assignment
  offsets.assign({1}, {0});
  read_jobs(offsets, 1, 0, 2);
  CHECK(offsets.done(0, 0) == read_ahead::keep);
  CHECK(offsets.done(3, 1) == read_ahead::keep);
  CHECK_FALSE(offsets.owns(0));
  CHECK(offsets.unfinished_count() == 2);
  CHECK(offsets.paused_count() == 1);
  CHECK(offsets.commit_point(1) == 0);
}

TEST_CASE("a partition assigned again starts fresh", "[cluster]") {
  partition_offsets offsets(2);
  offsets.assign({0}, {0});
  read_jobs(offsets, 0, 0, 6);
  offsets.done(0, 0);
  offsets.done(0, 1);
  CHECK(offsets.advance_commits() == commits{{0, 2}});
  CHECK(offsets.paused_count() == 1);
  offsets.assign({0}, {6});
  CHECK_FALSE(offsets.commit_point(0).has_value());
  CHECK(offsets.paused_count() == 0); // the consumer resumes every partition it assigns
  CHECK(offsets.unfinished_count() == 0);
  CHECK(offsets.suspect(0, 5));
  offsets.consumed(0, 2); // the group reads again from 2, the job still unfinished
  CHECK(offsets.track(0, 2) == read_ahead::keep);
  CHECK(offsets.advance_commits() == commits{{0, 2}}); // committed again: a new generation
}
