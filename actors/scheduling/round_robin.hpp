// The ring of callers that have queued work, served in turn: one job per turn, or `weight`
// jobs for a caller an operator gave a weight. This is the whole fairness policy of the
// dispatcher, kept as a plain class so it is tested alone.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace factord::actors {

class round_robin {
public:
  // Puts the caller at the back of the ring unless it is already in it.
  // Returns true if it was added.
  bool add(const std::string& caller);

  // Takes the caller out of the ring; returns false if it was not in it.
  bool remove(const std::string& caller);

  // The caller whose turn it is. After its weight's worth of turns in a row it moves to the
  // back of the ring. Ring must not be empty.
  const std::string& next();

  // The caller next() will return, without taking its turn. Ring must not be empty.
  const std::string& front() const { return ring_.front(); }

  // The front caller gives up the rest of its turns (a weight's worth included) and goes to
  // the back of the ring. Ring must not be empty.
  void pass();

  // Turns in a row for a caller (default 1; 0 is taken as 1). Kept while it is away.
  void set_weight(const std::string& caller, unsigned weight);
  unsigned weight(const std::string& caller) const;

  bool contains(const std::string& caller) const { return where_.count(caller) != 0; }
  bool empty() const { return ring_.empty(); }
  std::size_t size() const { return ring_.size(); }

  // Callers in the order they will be served, for the console and metrics.
  std::vector<std::string> order() const { return {ring_.begin(), ring_.end()}; }

private:
  std::list<std::string> ring_;
  std::unordered_map<std::string, std::list<std::string>::iterator> where_;
  std::unordered_map<std::string, unsigned> weights_; // only callers with weight != 1
  unsigned turns_of_front_ = 0;                       // turns the front caller has had
};

} // namespace factord::actors
