// The record formats of cluster mode (actors/kafka_records): round trips, and garbage,
// empty, huge and hostile records, which the worker dead-letters instead of crashing.
#include "actors/kafka/kafka_records.hpp"
#include "result_text.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <set>

using namespace factord::actors;
using Catch::Matchers::Equals;

namespace {

job sample_job() {
  job j;
  j.request_id = "0123456789abcdef0123456789abcdef";
  j.caller_id = "caller \"quoted\" ü";
  j.number = "3211891798434562153";
  j.queued_at = 1700000000123;
  j.idempotency_key = "key-1";
  return j;
}

} // namespace

TEST_CASE("job and cancel records round-trip", "[actors][kafka_records]") {
  job j = sample_job();
  auto decoded = decode_job_record(encode_job_record(j, "gw1"));
  REQUIRE(decoded);
  const job_record& rec = *decoded;
  CHECK(rec.type == job_record::kind::job);
  CHECK(rec.value.request_id == j.request_id);
  CHECK(rec.value.caller_id == j.caller_id);
  CHECK(rec.value.number == j.number);
  CHECK(rec.value.queued_at == j.queued_at);
  CHECK(rec.value.idempotency_key == j.idempotency_key);
  CHECK(rec.value.status == job_status::queued);
  CHECK(rec.gateway == "gw1");
  CHECK(rec.value.weight == 0U); // none given: no field
  CHECK(encode_job_record(j, "gw1").find("weight") == std::string::npos);
  j.weight = 7; // the credential's weight travels to the worker's dispatcher
  auto weighted = decode_job_record(encode_job_record(j, "gw1"));
  REQUIRE(weighted);
  CHECK(weighted->value.weight == 7U);

  auto decoded_cancel = decode_job_record(encode_cancel_record(j));
  REQUIRE(decoded_cancel);
  const job_record& cancel = *decoded_cancel;
  CHECK(cancel.type == job_record::kind::cancel);
  CHECK(cancel.value.request_id == j.request_id);
  CHECK(cancel.value.caller_id == j.caller_id);
}

TEST_CASE("results round-trip in every status", "[actors][kafka_records]") {
  job j = sample_job();
  j.started_at = j.queued_at + 5;
  j.attempts = 2;

  j.status = job_status::running;
  auto decoded = decode_result(encode_result(j, "w1"));
  REQUIRE(decoded);
  job back = *decoded;
  CHECK(back.status == job_status::running);
  CHECK(back.attempts == 2);
  CHECK(back.started_at == j.started_at);
  CHECK(back.factors.empty());

  j.status = job_status::done;
  j.factors = {"1000000087", "3211891519"};
  j.finished_at = j.started_at + 1;
  j.method = "rho";
  decoded = decode_result(encode_result(j, "w1"));
  REQUIRE(decoded);
  back = *decoded;
  CHECK(back.status == job_status::done);
  CHECK(back.factors == j.factors);
  CHECK(back.method == "rho");
  CHECK(back.finished_at == j.finished_at);
  CHECK(back.idempotency_key == "key-1");

  j.status = job_status::failed;
  j.factors.clear();
  j.error_code = "budget_exceeded";
  j.error_message = "too long";
  decoded = decode_result(encode_result(j, "w1"));
  REQUIRE(decoded);
  back = *decoded;
  CHECK(back.status == job_status::failed);
  CHECK(back.error_code == "budget_exceeded");
  CHECK(back.error_message == "too long");
  CHECK(back.factors.empty());
}

TEST_CASE("malformed job records are refused with a reason", "[actors][kafka_records]") {
  // Each record with the reason the worker puts into its dead-letter record.
  const std::pair<std::string, std::string> bad[] = {
      {"", "not a JSON object"},
      {"   ", "not a JSON object"},
      {"not json", "not a JSON object"},
      {"[1,2,3]", "not a JSON object"},
      {"null", "not a JSON object"},
      {"{}", "missing \"type\""},
      {R"({"type":"job"})", "missing \"request_id\""},
      {R"({"type":"nope","request_id":"a","caller_id":"b"})", "unknown record type 'nope'"},
      {R"({"type":"job","request_id":"a","caller_id":"b"})", "missing \"number\""},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12x"})",
       "\"number\" is not a normalized decimal number"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"-5"})",
       "\"number\" is not a normalized decimal number"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"007"})",
       "\"number\" is not a normalized decimal number"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":12})", "\"number\" is not a string"},
      {R"({"type":"job","request_id":"","caller_id":"b","number":"12"})",
       "request_id or caller_id is empty or too long"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12","queued_at":"soon"})",
       "\"queued_at\" is not an integer"},
      {R"({"type":1,"request_id":"a","caller_id":"b","number":"12"})", "\"type\" is not a string"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12","idempotency_key":")" +
           std::string(257, 'k') + R"("})",
       "\"idempotency_key\" is longer than 256 bytes"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12","weight":"3"})",
       "\"weight\" is not an integer"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12","weight":2.5})",
       "\"weight\" is not an integer"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12","weight":-1})",
       "\"weight\" is not from 1 to 100"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12","weight":101})",
       "\"weight\" is not from 1 to 100"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12","weight":18446744073709551615})",
       "\"weight\" is not from 1 to 100"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12","weight":1e300})",
       "\"weight\" is not an integer"},
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12")", "not a JSON object"}, // truncated
      {std::string("{\"type\":\"job\"\0}", 15), "not a JSON object"}, // embedded NUL
      {R"({"type":"job","request_id":"a","caller_id":"b","number":"12","number":"13"})",
       "a field is named twice"},
  };
  for (const auto& [text, reason] : bad) {
    INFO(text);
    auto decoded = decode_job_record(text);
    REQUIRE_FALSE(decoded);
    CHECK(decoded.code() == kafka_errc::malformed_record);
    CHECK_THAT(decoded.message(), Equals(reason));
  }
}

TEST_CASE("a cancel record needs only its ids", "[actors][kafka_records]") {
  auto decoded = decode_job_record(R"({"type":"cancel","request_id":"a","caller_id":"b","number":"junk"})");
  REQUIRE(decoded);
  CHECK(decoded->type == job_record::kind::cancel);
  auto no_caller = decode_job_record(R"({"type":"cancel","request_id":"a"})");
  REQUIRE_FALSE(no_caller);
  CHECK(no_caller.code() == kafka_errc::malformed_record);
  CHECK_THAT(no_caller.message(), Equals("missing \"caller_id\""));
}

TEST_CASE("huge and hostile records are refused without trouble", "[actors][kafka_records]") {
  const std::string huge(200000, 'x');
  SECTION("a field longer than any of ours") {
    auto decoded =
        decode_job_record(R"({"type":"job","request_id":")" + huge + R"(","caller_id":"b","number":"12"})");
    REQUIRE_FALSE(decoded);
    CHECK(decoded.code() == kafka_errc::malformed_record);
    CHECK_THAT(decoded.message(), Equals("\"request_id\" is too long"));
    auto result =
        decode_result(R"({"request_id":"a","caller_id":")" + huge + R"(","number":"6","status":"done"})");
    REQUIRE_FALSE(result);
    CHECK(result.code() == kafka_errc::malformed_record);
    CHECK_THAT(result.message(), Equals("\"caller_id\" is too long"));
  }
  SECTION("an unknown type is quoted only in part") {
    auto decoded = decode_job_record(R"({"type":")" + huge + R"("})");
    REQUIRE_FALSE(decoded);
    CHECK(decoded.code() == kafka_errc::malformed_record);
    CHECK(decoded.message().size() < 64);
  }
  SECTION("a number past the 4096 digits a job can have") {
    auto decoded = decode_job_record(R"({"type":"job","request_id":"a","caller_id":"b","number":")" +
                                     std::string(4097, '7') + R"("})");
    REQUIRE_FALSE(decoded);
    CHECK_THAT(decoded.message(), Equals("\"number\" is not a normalized decimal number"));
  }
  SECTION("nesting a hundred thousand deep") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    auto decoded = decode_job_record(deep);
    REQUIRE_FALSE(decoded);
    CHECK_THAT(decoded.message(), Equals("not a JSON object"));
    auto nested = decode_result(R"({"request_id":)" + deep + "}");
    REQUIRE_FALSE(nested);
    CHECK_THAT(nested.message(), Equals("\"request_id\" is not a string"));
  }
  SECTION("random bytes") {
    std::mt19937 bytes(2024);
    for (int round = 0; round < 200; ++round) {
      std::string noise(static_cast<std::size_t>(bytes() % 512), '\0');
      for (auto& c : noise) c = static_cast<char>(bytes());
      INFO("round " << round);
      auto decoded = decode_job_record(noise);
      REQUIRE_FALSE(decoded);
      CHECK(decoded.code() == kafka_errc::malformed_record);
      CHECK_FALSE(decoded.message().empty());
      auto result = decode_result(noise);
      REQUIRE_FALSE(result);
      CHECK(result.code() == kafka_errc::malformed_record);
    }
  }
}

TEST_CASE("malformed results are refused with a reason", "[actors][kafka_records]") {
  const std::pair<std::string, std::string> bad[] = {
      {"", "not a JSON object"},
      {"{", "not a JSON object"},
      {"[]", "not a JSON object"},
      {R"({"request_id":"a"})", "missing \"caller_id\""},
      {R"({"request_id":"a","caller_id":"b","number":"6","status":"weird"})", "unknown status 'weird'"},
      {R"({"request_id":"a","caller_id":"b","number":"6","status":"done","factors":"2 3"})",
       "\"factors\" is not an array"},
      {R"({"request_id":"a","caller_id":"b","number":"6","status":"done","factors":[2,3]})",
       "a factor is not a decimal string"},
      {R"({"request_id":"a","caller_id":"b","number":"6","status":"done","attempts":"x"})",
       "\"attempts\" is not an integer"},
      {R"({"request_id":"a","caller_id":"b","number":"6","status":"failed","error":{"code":7}})",
       "\"code\" is not a string"},
      // Found by fuzz_kafka_records: factors on a failed result (they would not round-trip).
      {R"({"request_id":"a","caller_id":"b","number":"6","status":"failed","factors":["2","3"]})",
       "\"factors\" in a result that is not done"},
      {R"({"request_id":"a","caller_id":"b","number":"6","status":"done","status":"failed"})",
       "a field is named twice"},
      {R"({"request_id":"a","request_id":"b","caller_id":"b","number":"6","status":"done"})",
       "a field is named twice"},
  };
  for (const auto& [text, reason] : bad) {
    INFO(text);
    auto decoded = decode_result(text);
    REQUIRE_FALSE(decoded);
    CHECK(decoded.code() == kafka_errc::malformed_record);
    CHECK_THAT(decoded.message(), Equals(reason));
  }
}

TEST_CASE("a result's attempts are clamped, and a missing error or factors is fine",
          "[actors][kafka_records]") {
  auto decoded =
      decode_result(R"({"request_id":"a","caller_id":"b","number":"6","status":"queued","attempts":-3})");
  REQUIRE(decoded);
  CHECK(decoded->attempts == 0);
  CHECK(decoded->factors.empty());
  CHECK(decoded->error_code.empty());
  decoded =
      decode_result(R"({"request_id":"a","caller_id":"b","number":"6","status":"running","attempts":1e3})");
  REQUIRE_FALSE(decoded); // 1e3 is a JSON float, not an integer
  CHECK_THAT(decoded.message(), Equals("\"attempts\" is not an integer"));
  decoded = decode_result(
      R"({"request_id":"a","caller_id":"b","number":"6","status":"running","attempts":99999999999})");
  REQUIRE(decoded);
  CHECK(decoded->attempts == 1u << 20);
}

TEST_CASE("idempotent request ids are stable per caller and key", "[actors][kafka_records]") {
  auto a = idempotent_request_id("alice", "k1");
  CHECK(a == idempotent_request_id("alice", "k1"));
  CHECK(a.size() == 32);
  std::set<std::string> ids = {a,
                               idempotent_request_id("alice", "k2"),
                               idempotent_request_id("bob", "k1"),
                               idempotent_request_id("ab", "c"),
                               idempotent_request_id("a", "bc"),
                               idempotent_request_id("", "alicek1")};
  CHECK(ids.size() == 6);
  std::set<std::string> many;
  for (int i = 0; i < 10000; ++i) many.insert(idempotent_request_id("c", std::to_string(i)));
  CHECK(many.size() == 10000);
}

TEST_CASE("an idempotent request id is SHA-256 of the length-prefixed caller and key",
          "[actors][kafka_records]") {
  // Computed outside factord: python3 -c "import hashlib; print('k' + hashlib.sha256(
  //   b'factord-idempotency-v2\x005:alicek1').hexdigest()[:31])"
  // Pinned: every gateway of a cluster must derive the same id for the same pair.
  CHECK(idempotent_request_id("alice", "k1") == "k3551e6f1b2a8c63b6417621aca76a22");
  auto id = idempotent_request_id("bob", "order-7");
  CHECK(id.size() == 32);
  CHECK(id[0] == 'k'); // never equal to a random id (hex digits only)
  CHECK(id.find_first_not_of("0123456789abcdef", 1) == std::string::npos);
}

TEST_CASE("factord's topics: names take the prefix, results are compacted", "[actors][kafka_records]") {
  auto names = topic_names::with_prefix("t1.");
  CHECK(names.jobs == "t1.jobs");
  CHECK(names.client_messages == "t1.client-messages");
  auto specs = factord_topics(names, 4, std::chrono::hours(1));
  REQUIRE(specs.size() == 5);
  bool compacted = false;
  std::string commands_retention;
  for (const auto& s : specs) {
    if (s.name == "t1.results")
      compacted = s.config.at("cleanup.policy").find("compact") != std::string::npos;
    if (s.name == "t1.commands") commands_retention = s.config.at("retention.ms");
  }
  CHECK(compacted);
  CHECK(commands_retention == "3600000"); // one hour, as librdkafka's text
  CHECK(specs[0].partitions == 4);
}
