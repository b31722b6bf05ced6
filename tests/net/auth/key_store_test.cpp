// The API keys file in use: keys add, reloads while readers hold a table, and the
// authenticator over it.
#include "key_file_support.hpp"
#include "net/auth/authenticator.hpp"
#include "net/auth/key_file.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>
#include <string>

using namespace factord::auth;
using namespace factord::auth::test;
using Catch::Matchers::Contains;

TEST_CASE("keys add creates the file 0600, appends a line, and the printed key is accepted", "[auth][keys]") {
  temp_file f;
  auto first = add_key(f.path, "alice", false);
  REQUIRE(first.ok());
  auto second = add_key(f.path, "ops", true);
  REQUIRE(second.ok());
  struct stat st {};
  REQUIRE(::stat(f.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto text = f.read();
  CHECK(text.find(*first) == std::string::npos); // only the hash is stored
  auto table = load_key_file(f.path);
  REQUIRE(table.ok());
  CHECK(table->find(*first)->caller_id == "alice");
  CHECK(table->find(*second)->admin);
}

TEST_CASE("keys add refuses callers it cannot write and files that do not parse", "[auth][keys]") {
  temp_file f;
  CHECK(add_key(f.path, "", false).code() == key_file_errc::invalid_caller);
  CHECK(add_key(f.path, "two words", false).code() == key_file_errc::invalid_caller);
  CHECK(add_key(f.path, "a#b", false).code() == key_file_errc::invalid_caller);
  CHECK(add_key(f.path, std::string(129, 'x'), false).code() == key_file_errc::invalid_caller);
  f.write("this is not a keys file\n");
  auto refused = add_key(f.path, "alice", false);
  CHECK(refused.code() == key_file_errc::malformed_line);
  CHECK(f.read() == "this is not a keys file\n"); // untouched
  CHECK(add_key("/nonexistent-dir/keys", "alice", false).code() == key_file_errc::unwritable);
}

TEST_CASE("keys add ends a last line that has no newline before appending", "[auth][keys]") {
  temp_file f;
  auto key = new_api_key();
  auto line = line_for("alice", key);
  f.write(line.substr(0, line.size() - 1));
  auto added = add_key(f.path, "bob", false);
  REQUIRE(added.ok());
  auto table = load_key_file(f.path);
  REQUIRE(table.ok());
  CHECK(table->find(key)->caller_id == "alice");
  CHECK(table->find(*added)->caller_id == "bob");
}

TEST_CASE("a missing keys file is an error that says how to make one", "[auth][keys]") {
  auto r = load_key_file("/nonexistent-dir/keys");
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == key_file_errc::unreadable);
  CHECK_THAT(r.message(), Contains("factord keys add"));
}

TEST_CASE("a key store reloads when the file changes and keeps its table when the new one is broken",
          "[auth][keys]") {
  temp_file f;
  auto alice = add_key(f.path, "alice", false);
  REQUIRE(alice.ok());
  key_store store(f.path);
  REQUIRE(store.reload().ok());
  auto g0 = store.generation();
  CHECK_FALSE(store.reload_if_changed().has_value()); // nothing changed

  auto bob = add_key(f.path, "bob", false);
  REQUIRE(bob.ok());
  auto changed = store.reload_if_changed();
  REQUIRE(changed.has_value());
  REQUIRE(changed->ok());
  CHECK(**changed == 2);
  CHECK(store.generation() == g0 + 1);
  CHECK(store.current()->find(*bob));

  f.write("garbage\n");
  auto broken = store.reload_if_changed();
  REQUIRE(broken.has_value());
  CHECK_FALSE(broken->ok());
  CHECK(store.current()->find(*alice)); // still the last good table
  CHECK(store.generation() == g0 + 1);
  CHECK_FALSE(store.reload_if_changed().has_value()); // the broken file is not re-read until it changes

  f.write(""); // every key revoked
  auto emptied = store.reload_if_changed();
  REQUIRE(emptied.has_value());
  REQUIRE(emptied->ok());
  CHECK(store.current()->find(*alice) == nullptr);
}

TEST_CASE("readers keep the table they hold while a reload swaps it", "[auth][keys]") {
  temp_file f;
  auto alice = add_key(f.path, "alice", false);
  REQUIRE(alice.ok());
  key_store store(f.path);
  REQUIRE(store.reload().ok());
  auto held = store.current();
  f.write("");
  REQUIRE(store.reload().ok());
  CHECK(held->find(*alice)); // the old snapshot stays whole
  CHECK(store.current()->find(*alice) == nullptr);
}

TEST_CASE("the authenticator turns a listed key into its caller and refuses the rest", "[auth][keys]") {
  temp_file f;
  auto alice = add_key(f.path, "alice", false);
  auto ops = add_key(f.path, "ops", true);
  REQUIRE(alice.ok());
  REQUIRE(ops.ok());
  factord::config::settings s;
  s.auth = factord::config::auth_mode::on;
  s.auth_keys = f.path;
  auto a = authenticator::create(s);
  REQUIRE(a.ok());
  auto now = std::chrono::system_clock::now();
  auto who = (*a)->authenticate(*alice, now);
  REQUIRE(who.ok());
  CHECK(who->caller_id == "alice");
  CHECK_FALSE(who->admin);
  CHECK((*a)->authenticate(*ops, now)->admin);
  CHECK((*a)->authenticate("", now).code() == auth_errc::missing);
  CHECK((*a)->authenticate(new_api_key(), now).code() == auth_errc::unknown_key);
  CHECK((*a)->authenticate("hunter2", now).code() == auth_errc::malformed);
  CHECK((*a)->authenticate(std::string(9000, 'a'), now).code() == auth_errc::malformed);
  // The error never repeats the credential.
  CHECK_THAT((*a)->authenticate("hunter2", now).message(), !Contains("hunter2"));
}

TEST_CASE("the authenticator gives a key's limits to its identity", "[auth][keys]") {
  temp_file f;
  caller_limits l;
  l.rate = 3;
  l.max_digits = 20;
  auto key = add_key(f.path, "limited", false, l);
  REQUIRE(key.ok());
  factord::config::settings s;
  s.auth = factord::config::auth_mode::on;
  s.auth_keys = f.path;
  auto a = authenticator::create(s);
  REQUIRE(a.ok());
  auto who = (*a)->authenticate(*key, std::chrono::system_clock::now());
  REQUIRE(who.ok());
  CHECK(who->limits.rate == 3.0);
  CHECK(who->limits.max_digits == 20U);
  CHECK_FALSE(who->limits.burst);
}

TEST_CASE("the authenticator refuses to start on a broken keys file", "[auth][keys]") {
  temp_file f;
  f.write("nonsense\n");
  factord::config::settings s;
  s.auth = factord::config::auth_mode::on;
  s.auth_keys = f.path;
  auto a = authenticator::create(s);
  REQUIRE_FALSE(a.ok());
  CHECK_THAT(a.message(), Contains("line 1"));
}

TEST_CASE("bearer_token reads RFC 6750's header and nothing else", "[auth]") {
  CHECK(bearer_token("Bearer abc") == std::optional<std::string_view>{"abc"});
  CHECK(bearer_token("bearer abc") == std::optional<std::string_view>{"abc"});
  CHECK(bearer_token("BEARER   abc  ") == std::optional<std::string_view>{"abc"});
  CHECK_FALSE(bearer_token(""));
  CHECK_FALSE(bearer_token("Bearer"));
  CHECK_FALSE(bearer_token("Bearer "));
  CHECK_FALSE(bearer_token("Bearer    "));
  CHECK_FALSE(bearer_token("Basic YWxhZGRpbjpvcGVuc2VzYW1l"));
  CHECK_FALSE(bearer_token("Bearerabc"));
}
