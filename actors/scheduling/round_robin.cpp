#include "actors/scheduling/round_robin.hpp"

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
  if (it->second == ring_.begin()) turns_of_front_ = 0;
  ring_.erase(it->second);
  where_.erase(it);
  return true;
}

const std::string& round_robin::next() {
  if (++turns_of_front_ < weight(ring_.front())) return ring_.front();
  turns_of_front_ = 0;
  // splice keeps the node (and the iterator stored in where_) valid.
  ring_.splice(ring_.end(), ring_, ring_.begin());
  return ring_.back();
}

void round_robin::pass() {
  turns_of_front_ = 0;
  ring_.splice(ring_.end(), ring_, ring_.begin());
}

void round_robin::set_weight(const std::string& caller, unsigned w) {
  if (w <= 1)
    weights_.erase(caller);
  else
    weights_[caller] = w;
}

unsigned round_robin::weight(const std::string& caller) const {
  auto it = weights_.find(caller);
  return it == weights_.end() ? 1 : it->second;
}

} // namespace factord::actors
