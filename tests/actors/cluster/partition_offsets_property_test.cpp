// Random runs of the worker bridge's use of partition_offsets against a model of the
// group: records are read in order, jobs finish in any order, partitions move between
// rebalances and are then read again from the group's committed offset. Whatever happens,
// a committed offset never passes a job that is not finished (at-least-once).
#include "actors/cluster/partition_offsets.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <vector>

using factord::actors::partition_offsets;
using read_ahead = partition_offsets::read_ahead;

namespace {

constexpr std::int32_t partition_total = 3;
constexpr std::size_t limit = 4;

struct partition_model {
  std::int64_t read_at = 0;   // the next offset the consumer hands us
  std::int64_t committed = 0; // the group's offset: where a new owner starts reading
  std::int64_t last_end = 0;  // how far any owner has read: the log's end, for ours
  std::int64_t returned = -1; // the last commit of this assignment
  bool paused = false;
  std::set<std::int64_t> tracked;
};

struct group_model {
  explicit group_model(std::uint32_t seed) : random(seed) {}

  std::mt19937 random;
  partition_offsets offsets{limit};
  std::map<std::int32_t, partition_model> parts;
  std::set<std::pair<std::int32_t, std::int64_t>> finished;
  std::set<std::pair<std::int32_t, std::int64_t>> orphans; // running, offset untracked

  bool chance(int percent) { return std::uniform_int_distribution<int>(0, 99)(random) < percent; }

  template <class Set>
  auto pick(const Set& set) {
    auto n = std::uniform_int_distribution<std::size_t>(0, set.size() - 1)(random);
    return *std::next(set.begin(), static_cast<std::ptrdiff_t>(n));
  }

  void rebalance() {
    std::vector<std::int32_t> ours;
    std::vector<std::int64_t> ends;
    for (auto& [p, part] : parts) {
      // Every unfinished job loses its offset, also in a partition that stays ours: the
      // bridge adopts it again when the new assignment reads its record.
      for (auto offset : part.tracked) orphans.emplace(p, offset);
      part.tracked.clear();
      part.paused = false;
      part.returned = -1;
    }
    for (std::int32_t p = 0; p < partition_total; ++p) {
      if (!chance(60)) continue;
      auto& part = parts[p];
      part.read_at = part.committed;
      ours.push_back(p);
      ends.push_back(part.last_end);
    }
    offsets.assign(ours, ends);
  }

  void read(std::int32_t p) {
    auto& part = parts[p];
    if (!offsets.owns(p) || part.paused) return;
    auto offset = part.read_at++;
    part.last_end = std::max(part.last_end, part.read_at);
    offsets.consumed(p, offset);
    // One record in five is a cancel; a finished job is skipped; a running one adopts its
    // offset again.
    if (offset % 5 == 4 || finished.count({p, offset})) return;
    orphans.erase({p, offset});
    part.tracked.insert(offset);
    if (offsets.track(p, offset) == read_ahead::pause) {
      CHECK(part.tracked.size() == limit);
      part.paused = true;
    }
  }

  void finish_tracked(std::int32_t p) {
    auto& part = parts[p];
    if (part.tracked.empty()) return;
    auto offset = pick(part.tracked);
    part.tracked.erase(offset);
    finished.emplace(p, offset);
    // Paused, the partition shrinks by one job at a time: it resumes at exactly half.
    bool resume = part.paused && part.tracked.size() == limit / 2;
    CHECK(offsets.done(p, offset) == (resume ? read_ahead::resume : read_ahead::keep));
    if (resume) part.paused = false;
  }

  void finish_orphan() {
    if (orphans.empty()) return;
    auto job = pick(orphans);
    orphans.erase(job);
    finished.insert(job); // the bridge publishes it but has no offset to release
  }

  void commit() {
    for (auto [p, offset] : offsets.advance_commits()) {
      auto& part = parts[p];
      REQUIRE(offsets.owns(p));
      CHECK(offset > part.returned);
      CHECK(offset >= part.committed); // a new owner starts there
      CHECK(offset <= part.read_at);
      for (auto unfinished : part.tracked) CHECK(offset <= unfinished);
      // The at-least-once property itself: every job below the commit has finished.
      for (auto below = part.committed; below < offset; ++below)
        CHECK((below % 5 == 4 || finished.count({p, below}) != 0));
      part.committed = part.returned = offset;
    }
  }
};

} // namespace

TEST_CASE("random reads, finishes and rebalances never commit past an unfinished job", "[cluster]") {
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    group_model group(seed);
    group.rebalance();
    for (int step = 0; step < 2000; ++step) {
      auto p = static_cast<std::int32_t>(group.random() % partition_total);
      auto roll = group.random() % 100;
      if (roll < 45)
        group.read(p);
      else if (roll < 80)
        group.finish_tracked(p);
      else if (roll < 85)
        group.finish_orphan();
      else if (roll < 99)
        group.commit();
      else
        group.rebalance();
    }
    // Drain: everything finishes; each partition we own then commits all it has read.
    for (auto& [p, part] : group.parts)
      while (!part.tracked.empty()) group.finish_tracked(p);
    group.commit();
    for (const auto& [p, part] : group.parts)
      if (group.offsets.owns(p) && group.offsets.commit_point(p)) CHECK(part.committed == part.read_at);
  }
}
