#include "actors/scheduling/round_robin.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using factord::actors::round_robin;

namespace {

// The next `turns` callers the ring serves, in order.
std::vector<std::string> serve(round_robin& ring, int turns) {
  std::vector<std::string> served;
  served.reserve(static_cast<std::size_t>(turns));
  for (int i = 0; i < turns; ++i) served.push_back(ring.next());
  return served;
}

} // namespace

TEST_CASE("callers are served in turn", "[round_robin]") {
  round_robin ring;
  CHECK(ring.empty());
  CHECK(ring.add("alice"));
  CHECK(ring.add("bob"));
  CHECK(ring.add("carol"));
  CHECK_FALSE(ring.add("bob")); // already waiting: keeps its place
  CHECK(serve(ring, 6) == std::vector<std::string>{"alice", "bob", "carol", "alice", "bob", "carol"});
}

TEST_CASE("a caller that runs out of work leaves the ring, a new one joins at the back", "[round_robin]") {
  round_robin ring;
  ring.add("alice");
  ring.add("bob");
  CHECK(ring.next() == "alice");
  CHECK(ring.remove("alice"));
  CHECK_FALSE(ring.remove("alice"));
  ring.add("dave");
  CHECK(ring.order() == std::vector<std::string>{"bob", "dave"});
  CHECK(ring.next() == "bob");
  CHECK(ring.next() == "dave");
  CHECK(ring.contains("dave"));
  CHECK_FALSE(ring.contains("alice"));
}

TEST_CASE("uneven backlogs still alternate (heavy caller cannot starve a light one)", "[round_robin]") {
  // Simulates the dispatcher: heavy has 1000 jobs, light 3; every turn takes one job.
  std::map<std::string, int> backlog{{"heavy", 1000}, {"light", 3}, {"medium", 10}};
  round_robin ring;
  for (const auto& [caller, n] : backlog) ring.add(caller);
  std::vector<std::string> order;
  while (!ring.empty()) {
    std::string caller = ring.next();
    order.push_back(caller);
    if (--backlog[caller] == 0) ring.remove(caller);
  }
  // light's three jobs are among the first nine served.
  int light_seen = 0;
  for (std::size_t i = 0; i < 9; ++i) light_seen += order[i] == "light";
  CHECK(light_seen == 3);
  CHECK(order.size() == 1013);
  CHECK(order.back() == "heavy");
}

TEST_CASE("next on a single caller returns it repeatedly", "[round_robin]") {
  round_robin ring;
  ring.add("solo");
  CHECK(ring.next() == "solo");
  CHECK(ring.next() == "solo");
  CHECK(ring.size() == 1);
}

TEST_CASE("a weighted caller gets that many turns in a row", "[round_robin]") {
  round_robin ring;
  ring.add("a");
  ring.add("b");
  ring.set_weight("a", 3);
  CHECK(serve(ring, 8) == std::vector<std::string>{"a", "a", "a", "b", "a", "a", "a", "b"});
  CHECK(ring.weight("a") == 3);
  CHECK(ring.weight("b") == 1);
  ring.set_weight("a", 0); // back to one turn
  CHECK(ring.weight("a") == 1);
}

TEST_CASE("removing the caller in the middle of its weighted turn resets the count", "[round_robin]") {
  round_robin ring;
  ring.add("a");
  ring.add("b");
  ring.set_weight("a", 2);
  CHECK(ring.next() == "a");
  ring.remove("a");
  ring.add("a");
  CHECK(serve(ring, 3) == std::vector<std::string>{"b", "a", "a"});
}

TEST_CASE("front names the next caller without a turn, pass gives up all of a weighted turn",
          "[round_robin]") {
  round_robin ring;
  ring.add("gold");
  ring.add("plain");
  ring.set_weight("gold", 3);
  CHECK(ring.front() == "gold");
  CHECK(ring.front() == "gold"); // looking is not a turn
  CHECK(ring.next() == "gold");
  ring.pass(); // gold's two remaining turns are given up
  CHECK(ring.front() == "plain");
  CHECK(serve(ring, 5) == std::vector<std::string>{"plain", "gold", "gold", "gold", "plain"});
}
