// The record formats of cluster mode (actors/kafka_records): round trips, and garbage,
// empty, huge and hostile records, which the worker dead-letters instead of crashing.
#include "actors/kafka/kafka_records.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace factord::actors;

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
  job_record rec;
  std::string error;
  REQUIRE(decode_job_record(encode_job_record(j, "gw1"), rec, error));
  CHECK(rec.type == job_record::kind::job);
  CHECK(rec.value.request_id == j.request_id);
  CHECK(rec.value.caller_id == j.caller_id);
  CHECK(rec.value.number == j.number);
  CHECK(rec.value.queued_at == j.queued_at);
  CHECK(rec.value.idempotency_key == j.idempotency_key);
  CHECK(rec.value.status == job_status::queued);
  CHECK(rec.gateway == "gw1");

  job_record cancel;
  REQUIRE(decode_job_record(encode_cancel_record(j), cancel, error));
  CHECK(cancel.type == job_record::kind::cancel);
  CHECK(cancel.value.request_id == j.request_id);
  CHECK(cancel.value.caller_id == j.caller_id);
}

TEST_CASE("results round-trip in every status", "[actors][kafka_records]") {
  job j = sample_job();
  j.started_at = j.queued_at + 5;
  j.attempts = 2;
  std::string error;

  j.status = job_status::running;
  job back;
  REQUIRE(decode_result(encode_result(j, "w1"), back, error));
  CHECK(back.status == job_status::running);
  CHECK(back.attempts == 2);
  CHECK(back.started_at == j.started_at);
  CHECK(back.factors.empty());

  j.status = job_status::done;
  j.factors = {"1000000087", "3211891519"};
  j.finished_at = j.started_at + 1;
  j.method = "rho";
  REQUIRE(decode_result(encode_result(j, "w1"), back, error));
  CHECK(back.status == job_status::done);
  CHECK(back.factors == j.factors);
  CHECK(back.method == "rho");
  CHECK(back.finished_at == j.finished_at);
  CHECK(back.idempotency_key == "key-1");

  j.status = job_status::failed;
  j.factors.clear();
  j.error_code = "budget_exceeded";
  j.error_message = "too long";
  REQUIRE(decode_result(encode_result(j, "w1"), back, error));
  CHECK(back.status == job_status::failed);
  CHECK(back.error_code == "budget_exceeded");
  CHECK(back.error_message == "too long");
  CHECK(back.factors.empty());
}

TEST_CASE("malformed job records are refused with a reason", "[actors][kafka_records]") {
  const std::string huge(200000, 'x');
  const char* bad[] = {
      "",
      "   ",
      "not json",
      "[1,2,3]",
      "null",
      "{}",
      R"({"type":"job"})",
      R"({"type":"nope","request_id":"a","caller_id":"b"})",
      R"({"type":"job","request_id":"a","caller_id":"b"})", // no number
      R"({"type":"job","request_id":"a","caller_id":"b","number":"12x"})",
      R"({"type":"job","request_id":"a","caller_id":"b","number":"-5"})",
      R"({"type":"job","request_id":"a","caller_id":"b","number":"007"})",
      R"({"type":"job","request_id":"a","caller_id":"b","number":12})", // not a string
      R"({"type":"job","request_id":"","caller_id":"b","number":"12"})",
      R"({"type":"job","request_id":"a","caller_id":"b","number":"12","queued_at":"soon"})",
      R"({"type":1,"request_id":"a","caller_id":"b","number":"12"})",
      R"({"type":"job","request_id":"a","caller_id":"b","number":"12")", // truncated
  };
  for (const char* text : bad) {
    job_record rec;
    std::string error;
    INFO(text);
    CHECK_FALSE(decode_job_record(text, rec, error));
    CHECK_FALSE(error.empty());
  }
  job_record rec;
  std::string error;
  CHECK_FALSE(decode_job_record(
      R"({"type":"job","request_id":")" + huge + R"(","caller_id":"b","number":"12"})", rec, error));
  CHECK_FALSE(decode_job_record(std::string("{\"type\":\"job\"\0}", 15), rec, error));
}

TEST_CASE("malformed results are refused", "[actors][kafka_records]") {
  const char* bad[] = {
      "",
      "{",
      R"({"request_id":"a"})",
      R"({"request_id":"a","caller_id":"b","number":"6","status":"weird"})",
      R"({"request_id":"a","caller_id":"b","number":"6","status":"done","factors":"2 3"})",
      R"({"request_id":"a","caller_id":"b","number":"6","status":"done","factors":[2,3]})",
      R"({"request_id":"a","caller_id":"b","number":"6","status":"done","attempts":"x"})",
  };
  for (const char* text : bad) {
    job j;
    std::string error;
    INFO(text);
    CHECK_FALSE(decode_result(text, j, error));
  }
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

TEST_CASE("factord's topics: names take the prefix, results are compacted", "[actors][kafka_records]") {
  auto names = topic_names::with_prefix("t1.");
  CHECK(names.jobs == "t1.jobs");
  CHECK(names.client_messages == "t1.client-messages");
  auto specs = factord_topics(names, 4, std::chrono::hours(1));
  REQUIRE(specs.size() == 5);
  bool compacted = false;
  for (const auto& s : specs)
    if (s.name == "t1.results")
      compacted = s.config.at("cleanup.policy").find("compact") != std::string::npos;
  CHECK(compacted);
  CHECK(specs[0].partitions == 4);
}
