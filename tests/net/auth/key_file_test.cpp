// The API keys file: parsing (garbage, empty, huge, hostile), hashing, key lines.
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

namespace {

key_file_errc parse_error(const std::string& text) {
  auto t = key_table::parse(text, "keys");
  REQUIRE_FALSE(t.ok());
  return t.code();
}

} // namespace

TEST_CASE("sha256 matches the FIPS 180-2 test vectors", "[auth][keys]") {
  CHECK(to_hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("new keys have the documented shape and do not repeat", "[auth][keys]") {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    auto key = new_api_key();
    CHECK(key.size() == 46);
    CHECK(key.rfind("fk_", 0) == 0);
    CHECK(looks_like_api_key(key));
    seen.insert(key);
  }
  CHECK(seen.size() == 2000);
}

TEST_CASE("looks_like_api_key refuses anything but the exact shape", "[auth][keys]") {
  auto key = new_api_key();
  CHECK_FALSE(looks_like_api_key(""));
  CHECK_FALSE(looks_like_api_key("fk_"));
  CHECK_FALSE(looks_like_api_key(key.substr(0, 45)));
  CHECK_FALSE(looks_like_api_key(key + "A"));
  CHECK_FALSE(looks_like_api_key("xk_" + key.substr(3)));
  CHECK_FALSE(looks_like_api_key(key.substr(0, 10) + "+" + key.substr(11))); // base64, not base64url
  CHECK_FALSE(looks_like_api_key(key.substr(0, 10) + std::string(1, '\0') + key.substr(11)));
  CHECK_FALSE(looks_like_api_key("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
}

TEST_CASE("a keys file maps each key to its caller and admin flag", "[auth][keys]") {
  auto alice = new_api_key(), bob = new_api_key(), ops = new_api_key();
  auto text = "# factord keys\n\n" + line_for("alice", alice) + "  " + line_for("bob", bob) +
              line_for("ops", ops, true) + "   # trailing comment line\n";
  auto table = key_table::parse(text, "keys");
  REQUIRE(table.ok());
  CHECK(table->size() == 3);
  REQUIRE(table->find(alice));
  CHECK(table->find(alice)->caller_id == "alice");
  CHECK_FALSE(table->find(alice)->admin);
  CHECK(table->find(bob)->caller_id == "bob");
  CHECK(table->find(ops)->admin);
  CHECK(table->find(new_api_key()) == nullptr);
  CHECK(table->find("") == nullptr);
  CHECK(table->find(alice.substr(0, 45)) == nullptr);
}

TEST_CASE("one caller may hold several keys", "[auth][keys]") {
  auto k1 = new_api_key(), k2 = new_api_key();
  auto table = key_table::parse(line_for("alice", k1) + line_for("alice", k2), "keys");
  REQUIRE(table.ok());
  CHECK(table->find(k1)->caller_id == "alice");
  CHECK(table->find(k2)->caller_id == "alice");
}

TEST_CASE("an empty file or one of comments holds no keys", "[auth][keys]") {
  for (std::string text : {"", "\n", "# only a comment\n", "   \n\t\n", "\r\n"}) {
    auto table = key_table::parse(text, "keys");
    REQUIRE(table.ok());
    CHECK(table->size() == 0);
  }
}

TEST_CASE("CRLF line ends are accepted", "[auth][keys]") {
  auto key = new_api_key();
  auto line = line_for("alice", key);
  line.insert(line.size() - 1, "\r");
  auto table = key_table::parse(line, "keys");
  REQUIRE(table.ok());
  CHECK(table->find(key));
}

TEST_CASE("malformed lines are refused with the line number and what a line looks like", "[auth][keys]") {
  auto good = line_for("alice", new_api_key());
  auto bad = key_table::parse(good + "bob sha256:1234\n", "keys.txt");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.code() == key_file_errc::malformed_line);
  CHECK_THAT(bad.message(), Contains("keys.txt line 2") && Contains("sha256:<64 hex digits>"));

  auto hex = to_hex(sha256("x"));
  CHECK(parse_error("alice\n") == key_file_errc::malformed_line);
  CHECK(parse_error("alice " + hex + "\n") == key_file_errc::malformed_line); // no sha256: prefix
  CHECK(parse_error("alice sha256:" + hex.substr(1) + "g\n") == key_file_errc::malformed_line);
  CHECK(parse_error("alice sha256:" + hex + "0\n") == key_file_errc::malformed_line); // 65 digits
  CHECK(parse_error("alice sha256:" + hex + " root\n") == key_file_errc::malformed_line);
  CHECK(parse_error("alice sha256:" + hex + " admin admin\n") == key_file_errc::malformed_line);
  CHECK(parse_error("alice sha256:" + hex + " weight=0\n") == key_file_errc::malformed_line);
  CHECK(parse_error(std::string("al\x01ice sha256:") + hex + "\n") == key_file_errc::malformed_line);
  CHECK(parse_error("al\xc3\xa9 sha256:" + hex + "\n") == key_file_errc::malformed_line);
  CHECK(parse_error(std::string(129, 'a') + " sha256:" + hex + "\n") == key_file_errc::malformed_line);
}

TEST_CASE("a setting the file does not know is named in the error", "[auth][keys]") {
  auto bad = key_table::parse("alice sha256:" + to_hex(sha256("x")) + " superuser\n", "keys");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.message(), Contains("'superuser'") && Contains("'admin'"));
}

TEST_CASE("a key line carries the caller's limits", "[auth][keys]") {
  auto key = new_api_key();
  auto hex = to_hex(sha256(key));
  auto table = key_table::parse(
      "alice sha256:" + hex + " rate=2.5 burst=7 admin max_queued=30 max_digits=20 weight=3\n", "keys");
  REQUIRE(table.ok());
  const auto* e = table->find(key);
  REQUIRE(e);
  CHECK(e->admin);
  CHECK(e->limits.rate == 2.5);
  CHECK(e->limits.burst == 7U);
  CHECK(e->limits.max_queued == 30U);
  CHECK(e->limits.max_digits == 20U);
  CHECK(e->limits.weight == 3U);

  auto plain = key_table::parse("bob sha256:" + hex + "\n", "keys");
  REQUIRE(plain.ok());
  const auto* p = plain->find(key);
  REQUIRE(p);
  CHECK_FALSE(p->limits.rate);
  CHECK_FALSE(p->limits.burst);
  CHECK_FALSE(p->limits.max_queued);
  CHECK_FALSE(p->limits.max_digits);
  CHECK_FALSE(p->limits.weight);
}

TEST_CASE("key_line writes the settings parse reads back", "[auth][keys]") {
  caller_limits l;
  l.rate = 0.25;
  l.burst = 3;
  l.max_digits = 20;
  auto key = new_api_key();
  auto line = key_line("carol", key, false, l);
  CHECK_THAT(line, Contains(" rate=0.25 burst=3 max_digits=20\n"));
  auto table = key_table::parse(line, "keys");
  REQUIRE(table.ok());
  const auto* e = table->find(key);
  REQUIRE(e);
  CHECK_FALSE(e->admin);
  CHECK(e->limits.rate == 0.25);
  CHECK(e->limits.burst == 3U);
  CHECK(e->limits.max_digits == 20U);
  CHECK_FALSE(e->limits.max_queued);
}

TEST_CASE("garbage, huge and hostile setting values are refused with the line number", "[auth][keys]") {
  auto hex = to_hex(sha256("x"));
  const char* bad_settings[] = {
      "rate=0",
      "rate=-1",
      "rate=1e3",
      "rate=nan",
      "rate=inf",
      "rate=1000001",
      "rate=.5",
      "rate=5.",
      "rate=1.2.3",
      "rate=",
      "rate=+5",
      "rate=0x10",
      "rate=99999999999999999999999",
      "burst=0",
      "burst=-1",
      "burst=1000001",
      "burst=1.5",
      "burst=18446744073709551617",
      "burst=+3",
      "max_queued=0",
      "max_queued=100000001",
      "max_digits=0",
      "max_digits=10001",
      "max_digits=20x",
      "weight=0",
      "weight=101",
      "weight=",
      "=5",
      "rate",
      "rate==5",
      "RATE=5",
      "rate=5 rate=6",
      "burst=2 burst=2",
      "admin admin",
      "max_digits=20 max_digits=30",
  };
  for (const char* setting : bad_settings) {
    INFO(setting);
    auto bad = key_table::parse("# keys\nalice sha256:" + hex + " " + setting + "\n", "keys.txt");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.code() == key_file_errc::malformed_line);
    CHECK_THAT(bad.message(), Contains("keys.txt line 2"));
  }
  // The error says which values a setting takes.
  auto bad = key_table::parse("alice sha256:" + hex + " max_digits=99999\n", "keys");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.message(), Contains("max_digits must be a whole number from 1 to 10000"));
  // The bounds themselves are accepted.
  CHECK(key_table::parse("alice sha256:" + hex +
                             " rate=1000000 burst=1000000 max_queued=100000000 "
                             "max_digits=10000 weight=100\n",
                         "keys")
            .ok());
  CHECK(key_table::parse("alice sha256:" + hex + " rate=0.001 burst=1 max_queued=1 max_digits=1 weight=1\n",
                         "keys")
            .ok());
}

TEST_CASE("apply_key_setting checks what keys add writes", "[auth][keys]") {
  key_table::entry e{"dave", false, {}};
  CHECK(apply_key_setting("rate=5", e).ok());
  CHECK(apply_key_setting("admin", e).ok());
  CHECK(e.admin);
  CHECK(e.limits.rate == 5.0);
  CHECK_FALSE(apply_key_setting("rate=6", e).ok()); // twice
  CHECK_FALSE(apply_key_setting("--admin", e).ok());
  CHECK(key_settings(e) == " admin rate=5");
}

TEST_CASE("the same key hash under two callers is refused", "[auth][keys]") {
  auto hex = to_hex(sha256("x"));
  auto bad = key_table::parse("alice sha256:" + hex + "\nbob sha256:" + hex + "\n", "keys");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.code() == key_file_errc::duplicate_key);
  CHECK_THAT(bad.message(), Contains("line 2") && Contains("'alice'"));
}

TEST_CASE("huge files and lines are refused before they are held", "[auth][keys]") {
  CHECK(parse_error(std::string(max_key_line_bytes + 1, 'a') + "\n") == key_file_errc::too_large);
  CHECK(parse_error(std::string(max_key_file_bytes + 1, '\n')) == key_file_errc::too_large);
}

TEST_CASE("more keys than the bound are refused", "[auth][keys]") {
  std::string text;
  text.reserve((max_keys + 1) * 80);
  for (std::size_t i = 0; i <= max_keys; ++i) {
    sha256_digest d{};
    std::memcpy(d.data(), &i, sizeof i);
    text += "c sha256:" + to_hex(d) + "\n";
  }
  CHECK(parse_error(text) == key_file_errc::too_many_keys);
}

TEST_CASE("random garbage never crashes the parser and never yields a key", "[auth][keys]") {
  std::mt19937 rng(20261203);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 400);
  auto probe = new_api_key();
  for (int i = 0; i < 3000; ++i) {
    std::string text(static_cast<std::size_t>(len(rng)), '\0');
    for (auto& c : text) c = static_cast<char>(byte(rng));
    auto table = key_table::parse(text, "fuzz");
    if (table.ok()) CHECK(table->find(probe) == nullptr);
  }
}
