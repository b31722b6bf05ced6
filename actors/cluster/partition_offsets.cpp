#include "actors/cluster/partition_offsets.hpp"

#include <algorithm>

namespace factord::actors {

void partition_offsets::assign(const std::vector<std::int32_t>& partitions,
                               const std::vector<std::int64_t>& ends) {
  partitions_.clear();
  for (std::size_t i = 0; i < partitions.size(); ++i)
    partitions_[partitions[i]].end_at_assignment = i < ends.size() ? ends[i] : 0;
}

bool partition_offsets::suspect(std::int32_t partition, std::int64_t offset) const {
  auto it = partitions_.find(partition);
  return it != partitions_.end() && offset < it->second.end_at_assignment;
}

void partition_offsets::consumed(std::int32_t partition, std::int64_t offset) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return;
  it->second.next = std::max(it->second.next, offset + 1);
}

partition_offsets::read_ahead partition_offsets::track(std::int32_t partition, std::int64_t offset) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return read_ahead::keep;
  auto& ps = it->second;
  ps.unfinished.insert(offset);
  if (ps.paused || ps.unfinished.size() < limit_) return read_ahead::keep;
  ps.paused = true;
  return read_ahead::pause;
}

partition_offsets::read_ahead partition_offsets::done(std::int32_t partition, std::int64_t offset) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return read_ahead::keep;
  auto& ps = it->second;
  ps.unfinished.erase(offset);
  if (!ps.paused || ps.unfinished.size() > limit_ / 2) return read_ahead::keep;
  ps.paused = false;
  return read_ahead::resume;
}

std::optional<std::int64_t> partition_offsets::point_of(const partition_state& ps) {
  if (ps.next < 0) return std::nullopt;
  return ps.unfinished.empty() ? ps.next : *ps.unfinished.begin();
}

std::optional<std::int64_t> partition_offsets::commit_point(std::int32_t partition) const {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return std::nullopt;
  return point_of(it->second);
}

std::vector<std::pair<std::int32_t, std::int64_t>> partition_offsets::advance_commits() {
  std::vector<std::pair<std::int32_t, std::int64_t>> moved;
  for (auto& [partition, ps] : partitions_) {
    auto point = point_of(ps);
    // Only forward, and each point once: the bridge asks on every commit tick, and a
    // point at or below the committed one would only re-deliver finished jobs.
    if (!point || *point <= ps.committed) continue;
    ps.committed = *point;
    moved.emplace_back(partition, *point);
  }
  return moved;
}

std::size_t partition_offsets::unfinished_count() const {
  std::size_t n = 0;
  for (const auto& [partition, ps] : partitions_) n += ps.unfinished.size();
  return n;
}

std::size_t partition_offsets::paused_count() const {
  std::size_t n = 0;
  for (const auto& [partition, ps] : partitions_) n += ps.paused ? 1 : 0;
  return n;
}

} // namespace factord::actors
