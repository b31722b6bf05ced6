// job-registry: a job is visible only to its caller and to admins. Another caller's GET or
// DELETE is answered exactly as an unknown id, and changes nothing.
#include "registry/registry_fixture.hpp"

using namespace factord::actors;
using namespace std::chrono_literals;
using factord::testing::registry_fixture;

namespace {

// The reply as a client sees it: status code, reason and message.
std::string shown(const job_reply& r) {
  return std::to_string(static_cast<int>(r.error.code)) + " " + r.error.reason + " " + r.error.message;
}

} // namespace

TEST_CASE("another caller's GET of a job is a 404 exactly like an unknown id", "[actor][actors][registry]") {
  registry_fixture f;
  auto alices = f.submit("alice", "91");
  REQUIRE(alices.ok);
  const auto& id = alices.value.request_id;

  auto by_bob = f.fetch(id, as_caller("bob"));
  CHECK_FALSE(by_bob.ok);
  CHECK(by_bob.error.code == api_errc::not_found);
  // Another id of the same length that nobody has: the same words, only the id differs.
  std::string unknown(id.size(), '0');
  auto nobodys = f.fetch(unknown, as_caller("bob"));
  CHECK(shown(by_bob) == shown(f.fetch(id, as_caller("carol"))));
  auto same_text = shown(nobodys);
  same_text.replace(same_text.find(unknown), unknown.size(), id);
  CHECK(shown(by_bob) == same_text);
  CHECK(by_bob.value.request_id.empty()); // nothing of the job comes back
  CHECK(by_bob.value.caller_id.empty());

  // A requester with no caller id (one nobody filled in) sees nothing either.
  CHECK(f.fetch(id, requester{}).error.code == api_errc::not_found);
}

TEST_CASE("the owner and an admin get the job", "[actor][actors][registry]") {
  registry_fixture f;
  auto alices = f.submit("alice", "91");
  const auto& id = alices.value.request_id;
  auto own = f.fetch(id, as_caller("alice"));
  REQUIRE(own.ok);
  CHECK(own.value.caller_id == "alice");
  CHECK(own.value.number == "91");
  auto admin = f.fetch(id, as_admin());
  REQUIRE(admin.ok);
  CHECK(admin.value.request_id == id);
  // An admin flag wins over a caller id that is not the owner's.
  CHECK(f.fetch(id, requester{"bob", true}).ok);
  // Caller ids are compared exactly.
  CHECK_FALSE(f.fetch(id, as_caller("Alice")).ok);
  CHECK_FALSE(f.fetch(id, as_caller("alice ")).ok);
}

TEST_CASE("another caller's DELETE is a 404 and the job is not cancelled", "[actor][actors][registry]") {
  registry_fixture f;
  auto queued = f.submit("alice", "91");
  const auto& id = queued.value.request_id;
  auto by_bob = f.cancel(id, as_caller("bob"));
  CHECK_FALSE(by_bob.ok);
  CHECK(by_bob.error.code == api_errc::not_found);
  CHECK(f.fetch(id).value.status == job_status::queued);
  // Still queued at the dispatcher: a worker gets it and it runs to the end.
  auto t = f.take();
  REQUIRE(t);
  CHECK(t->request_id == id);
  auto h = f.start_job(*t);
  CHECK(f.cancel(id, as_caller("bob")).error.code == api_errc::not_found);
  CHECK(h.state() == cancel_handle::run); // the running job's flag is not raised
  f.finish_job(*t, h);
  auto done = f.fetch(id, as_caller("alice")).value;
  CHECK(done.status == job_status::done);
  CHECK(done.factors == std::vector<std::string>{"7", "13"});
  CHECK(f.ask<registry_stats>(stats_atom::value).cancelled == 0);
}

TEST_CASE("the owner and an admin can cancel", "[actor][actors][registry]") {
  registry_fixture f;
  auto first = f.submit("alice", "91");
  auto second = f.submit("alice", "92");
  auto own = f.cancel(first.value.request_id, as_caller("alice"));
  REQUIRE(own.ok);
  CHECK(own.value.status == job_status::cancelled);
  auto admin = f.cancel(second.value.request_id, as_admin());
  REQUIRE(admin.ok);
  CHECK(admin.value.status == job_status::cancelled);
  CHECK_FALSE(f.take()); // neither runs
}

TEST_CASE("another caller's long-poll is a 404 at once and never waits for the job",
          "[actor][actors][registry]") {
  registry_fixture f;
  auto r = f.submit("alice", "91");
  f.self->send(f.registry, fetch_atom::value, r.value.request_id, caf::timespan{2s}, as_caller("bob"));
  f.sched.run();
  f.self->receive([](job_reply& got) { CHECK(got.error.code == api_errc::not_found); },
                  caf::after(0s) >> [] { FAIL("another caller's long-poll was held"); });
  auto t = f.take();
  REQUIRE(t);
  f.finish_job(*t, f.start_job(*t));
  f.self->receive([](job_reply&) { FAIL("another caller was told the job finished"); },
                  caf::after(0s) >> [] {});
}

TEST_CASE("an idempotency key belongs to its caller: the same key from another caller is its own job",
          "[actor][actors][registry]") {
  registry_fixture f;
  auto alices = f.submit("alice", "91", "order-7");
  auto bobs = f.submit("bob", "92", "order-7");
  REQUIRE(alices.ok);
  REQUIRE(bobs.ok);
  CHECK(bobs.created);
  CHECK(bobs.value.request_id != alices.value.request_id);
  CHECK(bobs.value.caller_id == "bob");
  CHECK(bobs.value.number == "92"); // not alice's job, not alice's number
  auto again = f.submit("bob", "92", "order-7");
  CHECK_FALSE(again.created);
  CHECK(again.value.request_id == bobs.value.request_id);
  CHECK(f.fetch(alices.value.request_id, as_caller("bob")).error.code == api_errc::not_found);
}
