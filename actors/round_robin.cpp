#include "actors/round_robin.hpp"

namespace factord::actors {

bool round_robin::add(const std::string& caller) {
  if (contains(caller)) return false;
  ring_.push_back(caller);
  where_.emplace(caller, std::prev(ring_.end()));
  return true;
}

bool round_robin::remove(const std::string& caller) {
  auto it = where_.find(caller);
  if (it == where_.end()) return false;
  ring_.erase(it->second);
  where_.erase(it);
  return true;
}

const std::string& round_robin::next() {
  // splice keeps the node (and the iterator stored in where_) valid.
  ring_.splice(ring_.end(), ring_, ring_.begin());
  return ring_.back();
}

} // namespace factord::actors
