// job_book: who may see a job (find_for), and request ids from the kernel's CSPRNG.
#include "registry/job_book_fixture.hpp"

#include <algorithm>
#include <cctype>

using factord::actors::as_admin;
using factord::actors::as_caller;
using factord::actors::random_ids;
using factord::actors::requester;

// --- find_for: a job is visible to its caller and to admins ---------------------------

TEST_CASE("find_for gives a caller its own job", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  CHECK(book.find_for("a1", as_caller("alice")) == book.find("a1"));
  const job_book& read_only = book;
  CHECK(read_only.find_for("a1", as_caller("alice")) == read_only.find("a1"));
}

TEST_CASE("find_for hides another caller's job as if the id were unknown", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  book.add(make_job("b1", "bob"));
  CHECK(book.find_for("a1", as_caller("bob")) == nullptr);
  CHECK(book.find_for("b1", as_caller("alice")) == nullptr);
  CHECK(book.find_for("a1", as_caller("Alice")) == nullptr); // exact, case-sensitive
  CHECK(book.find_for("a1", as_caller("alic")) == nullptr);
  CHECK(book.find_for("a1", requester{}) == nullptr); // no caller id: sees nothing
  const job_book& read_only = book;
  CHECK(read_only.find_for("a1", as_caller("bob")) == nullptr);
  // Hidden, not gone: the book itself still has it.
  CHECK(book.find("a1") != nullptr);
  CHECK(book.size() == 2);
}

TEST_CASE("find_for gives an admin every caller's job", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  book.add(make_job("b1", "bob", job_status::running));
  CHECK(book.find_for("a1", as_admin()) == book.find("a1"));
  CHECK(book.find_for("b1", as_admin()) == book.find("b1"));
  CHECK(book.find_for("b1", requester{"alice", true}) == book.find("b1"));
}

TEST_CASE("find_for finds nothing for an unknown id, whoever asks", "[registry][job_book]") {
  job_book book;
  book.add(make_job("a1", "alice"));
  CHECK(book.find_for("a2", as_caller("alice")) == nullptr);
  CHECK(book.find_for("a2", as_admin()) == nullptr);
  CHECK(book.find_for("", as_admin()) == nullptr);
}

TEST_CASE("find_for finds nothing once the job is past retention, not even for its owner",
          "[registry][job_book]") {
  job_book::limits l;
  l.retention = std::chrono::milliseconds{1000};
  job_book book(l);
  auto j = make_job("a1", "alice");
  book.add(j);
  auto final = final_of(j, job_status::done);
  final.finished_at = accepted_at + 10;
  REQUIRE(book.finish("a1", final));
  book.purge(accepted_at + 1000); // within retention
  CHECK(book.find_for("a1", as_caller("alice")) != nullptr);
  CHECK(book.find_for("a1", as_caller("alice"))->value.status == job_status::done);
  book.purge(accepted_at + 1011); // past it
  CHECK(book.find_for("a1", as_caller("alice")) == nullptr);
  CHECK(book.find_for("a1", as_admin()) == nullptr);
}

TEST_CASE("an idempotency key is per caller: another caller's same key finds nothing of the first",
          "[registry][job_book]") {
  job_book book;
  auto a = make_job("a1", "alice");
  a.idempotency_key = "k";
  book.add(a);
  auto b = make_job("b1", "bob");
  b.idempotency_key = "k";
  book.add(b);
  REQUIRE(book.find_by_key("alice", "k") != nullptr);
  REQUIRE(book.find_by_key("bob", "k") != nullptr);
  CHECK(book.find_by_key("alice", "k")->value.request_id == "a1");
  CHECK(book.find_by_key("bob", "k")->value.request_id == "b1");
  // No caller id and key can be read as another pair.
  CHECK(book.find_by_key("alicek", "") == nullptr);
  CHECK(book.find_by_key("alic", "ek") == nullptr);
  book.erase("a1");
  CHECK(book.find_by_key("bob", "k")->value.request_id == "b1");
}

// --- request ids ------------------------------------------------------------------------

namespace {

bool lowercase_hex(const std::string& id) {
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

TEST_CASE("request ids are 32 lowercase hex digits, 10,000 of them all distinct", "[registry][job_book]") {
  job_book book;
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) {
    auto id = book.new_request_id();
    REQUIRE(id.size() == 32);
    REQUIRE(lowercase_hex(id));
    ids.insert(id);
  }
  CHECK(ids.size() == 10000);
}

TEST_CASE("request ids are not sequential and use every bit", "[registry][job_book]") {
  job_book book;
  std::vector<std::string> ids;
  ids.reserve(2000);
  for (int i = 0; i < 2000; ++i) ids.push_back(book.new_request_id());
  // Consecutive ids share no long prefix or suffix (a counter, or a PRNG stepped by a small
  // constant, would): with random ids, 8 equal leading hex digits happen once in 2^32.
  int shared_prefixes = 0;
  int shared_suffixes = 0;
  for (std::size_t i = 1; i < ids.size(); ++i) {
    shared_prefixes += ids[i].compare(0, 8, ids[i - 1], 0, 8) == 0;
    shared_suffixes += ids[i].compare(24, 8, ids[i - 1], 24, 8) == 0;
  }
  CHECK(shared_prefixes == 0);
  CHECK(shared_suffixes == 0);
  // Every position takes many values: each hex digit of 2000 random ids shows all 16 values
  // (missing one has probability about 16 * (15/16)^2000, i.e. never).
  for (std::size_t pos = 0; pos < 32; ++pos) {
    std::set<char> seen;
    for (const auto& id : ids) seen.insert(id[pos]);
    CHECK(seen.size() == 16);
  }
  // About half the bits are set (2000 * 128 bits: mean 128000, sd ~253; 10 sd of slack).
  long ones = 0;
  for (const auto& id : ids)
    for (char c : id) {
      int v = c <= '9' ? c - '0' : c - 'a' + 10;
      ones += __builtin_popcount(static_cast<unsigned>(v));
    }
  CHECK(ones > 128000 - 2530);
  CHECK(ones < 128000 + 2530);
}

TEST_CASE("a copied or moved job book never issues the ids the original will", "[registry][job_book]") {
  job_book original;
  original.new_request_id(); // the original has a block of random bytes in hand
  job_book copy = original;
  job_book moved_into = std::move(copy);
  std::set<std::string> ids;
  for (int i = 0; i < 300; ++i) { // past one block of 256 ids
    ids.insert(original.new_request_id());
    ids.insert(moved_into.new_request_id());
  }
  CHECK(ids.size() == 600);
  random_ids a;
  a.next();
  random_ids b;
  b = a;
  CHECK(a.next() != b.next());
}
