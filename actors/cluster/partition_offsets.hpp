// The worker bridge's at-least-once bookkeeping for the jobs topic, per assigned partition:
// which offsets still have an unfinished job, how far the partition was read, what was
// committed, whether it is paused for read-ahead, and which records predate the assignment.
// A plain class so the commit rule is tested alone; the bridge sends what it decides to the
// group consumer (pause, resume, commit).
//
// The rule: a partition's commit point is its lowest unfinished offset, or the position
// after the last record read when none is unfinished. A crash then re-delivers exactly the
// jobs without a published result. Nothing is committed for a partition not read yet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace factord::actors {

class partition_offsets {
public:
  // What the consumer should do with a partition's reading after a change.
  enum class read_ahead { keep, pause, resume };

  // Pauses a partition at `limit` unfinished offsets and resumes it at `limit / 2`, so a
  // paused partition is not resumed and paused again on every finished job.
  explicit partition_offsets(std::size_t limit) : limit_(limit) {}

  // A rebalance: these partitions are ours now, each with the end offset it had then
  // (`ends[i]` for `partitions[i]`; missing ends count as 0). Every partition starts fresh,
  // also one we had before: the consumer re-reads it from its committed offset.
  void assign(const std::vector<std::int32_t>& partitions, const std::vector<std::int64_t>& ends);
  void revoke() { assign({}, {}); }

  bool owns(std::int32_t partition) const { return partitions_.count(partition) != 0; }

  // The record was in the partition before it was assigned to us, so it may have run on a
  // worker that died (its attempt must be counted before it runs again).
  bool suspect(std::int32_t partition, std::int64_t offset) const;

  // The record at `offset` was read. Ignored for a partition that is not ours.
  void consumed(std::int32_t partition, std::int64_t offset);

  // The record at `offset` holds a job that is not finished yet. Ignored (keep) for a
  // partition that is not ours.
  read_ahead track(std::int32_t partition, std::int64_t offset);

  // The record at `offset` needs nothing more (its job's result is with the broker, or the
  // job is gone). Ignored (keep) for a partition that is not ours.
  read_ahead done(std::int32_t partition, std::int64_t offset);

  // Where the partition's committed offset should be now; none before its first record.
  std::optional<std::int64_t> commit_point(std::int32_t partition) const;

  // The commit points that moved past what was committed, each taken as committed; so
  // every (partition, offset) is returned once and a partition's offsets only grow.
  std::vector<std::pair<std::int32_t, std::int64_t>> advance_commits();

  // For the probe.
  std::size_t partition_count() const { return partitions_.size(); }
  std::size_t unfinished_count() const;
  std::size_t paused_count() const;

private:
  struct partition_state {
    std::int64_t end_at_assignment = 0;
    std::set<std::int64_t> unfinished;
    std::int64_t next = -1; // after the last record read; -1: none yet
    std::int64_t committed = -1;
    bool paused = false;
  };
  static std::optional<std::int64_t> point_of(const partition_state& ps);

  std::size_t limit_;
  std::map<std::int32_t, partition_state> partitions_;
};

} // namespace factord::actors
