#include "net/json_codec.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>

using factord::actors::job;
using factord::actors::job_status;
using factord::net::batch_element;
using factord::net::errc;
using factord::net::extract_number;
using factord::net::extract_numbers;
using nlohmann::json;

namespace {

job sample(job_status status) {
  job j;
  j.request_id = "r-1";
  j.caller_id = "alice";
  j.number = "91";
  j.status = status;
  j.queued_at = 1'700'000'000'000;
  return j;
}

} // namespace

TEST_CASE("job_to_json shows factors only when done and error only when failed or cancelled", "[net]") {
  SECTION("queued: timestamps unset are null") {
    auto out = json::parse(factord::net::job_to_json(sample(job_status::queued)));
    CHECK(out["request_id"] == "r-1");
    CHECK(out["caller_id"] == "alice");
    CHECK(out["number"] == "91");
    CHECK(out["status"] == "queued");
    CHECK(out["queued_at"] == "2023-11-14T22:13:20.000Z");
    CHECK(out["started_at"].is_null());
    CHECK(out["finished_at"].is_null());
    CHECK_FALSE(out.contains("factors"));
    CHECK_FALSE(out.contains("error"));
  }
  SECTION("running") {
    auto j = sample(job_status::running);
    j.started_at = j.queued_at + 5;
    auto out = json::parse(factord::net::job_to_json(j));
    CHECK(out["status"] == "running");
    CHECK(out["started_at"] == "2023-11-14T22:13:20.005Z");
    CHECK_FALSE(out.contains("factors"));
  }
  SECTION("done: factors as strings, even for 1 (empty)") {
    auto j = sample(job_status::done);
    j.factors = {"7", "13"};
    j.finished_at = j.queued_at + 1000;
    auto out = json::parse(factord::net::job_to_json(j));
    CHECK(out["factors"] == json::array({"7", "13"}));
    CHECK(out["finished_at"] == "2023-11-14T22:13:21.000Z");
    CHECK_FALSE(out.contains("error"));
    j.factors.clear();
    CHECK(json::parse(factord::net::job_to_json(j))["factors"] == json::array());
  }
  SECTION("failed carries the registry's code and message") {
    auto j = sample(job_status::failed);
    j.error_code = "budget_exceeded";
    j.error_message = "factoring took longer than --job-budget";
    auto out = json::parse(factord::net::job_to_json(j));
    CHECK(out["error"] ==
          json({{"code", "budget_exceeded"}, {"message", "factoring took longer than --job-budget"}}));
    CHECK_FALSE(out.contains("factors"));
  }
  SECTION("cancelled without details still has an error object") {
    auto out = json::parse(factord::net::job_to_json(sample(job_status::cancelled)));
    CHECK(out["status"] == "cancelled");
    CHECK(out["error"]["code"] == "cancelled");
    CHECK_FALSE(out["error"]["message"].get<std::string>().empty());
  }
}

TEST_CASE("accepted bodies", "[net]") {
  auto out = json::parse(factord::net::accepted_to_json(sample(job_status::queued), "/v1/jobs/r-1"));
  CHECK(out == json({{"request_id", "r-1"}, {"status", "queued"}, {"status_url", "/v1/jobs/r-1"}}));
  std::vector<job> jobs{sample(job_status::queued), sample(job_status::queued)};
  jobs[1].request_id = "r-2";
  CHECK(json::parse(factord::net::batch_accepted_to_json(jobs)) == json({{"request_ids", {"r-1", "r-2"}}}));
}

TEST_CASE("extract_number keeps the number's text exact", "[net]") {
  CHECK(extract_number(R"({"number": "91"})").value() == "91");
  CHECK(extract_number(R"({"number": " +91 "})").value() == " +91 "); // the registry trims
  CHECK(extract_number(R"({"number": 91})").value() == "91");
  CHECK(extract_number(R"({"number": 18446744073709551615})").value() == "18446744073709551615");
  const std::string big = "12345678901234567890123456789012345678901234567890";
  auto r = extract_number(R"({"other": [1, {"number": 2}], "number": )" + big + "}");
  REQUIRE(r.ok());
  CHECK(r.value() == big);
  // Fractions, exponents and signs reach the registry verbatim, which rejects them
  // with the same messages as on the WebSocket.
  CHECK(extract_number(R"({"number": 1.5})").value() == "1.5");
  CHECK(extract_number(R"({"number": 1e5})").value() == "1e5");
  CHECK(extract_number(R"({"number": -7})").value() == "-7");
  CHECK(extract_number(R"({"number": -123456789012345678901234567890})").value() ==
        "-123456789012345678901234567890");
}

TEST_CASE("extract_number rejects what is not a number field", "[net]") {
  auto code = [](std::string_view body) {
    auto r = extract_number(body);
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(r.message().empty());
    return r.code();
  };
  CHECK(code(R"({"number": true})") == errc::not_a_number);
  CHECK(code(R"({"number": null})") == errc::not_a_number);
  CHECK(code(R"({"number": ["5"]})") == errc::not_a_number);
  CHECK(code(R"({"number": {"value": "5"}})") == errc::not_a_number);
  CHECK(code(R"({"x": {"number": "5"}})") == errc::missing_number);
  CHECK(code(R"({})") == errc::missing_number);
  CHECK(code(R"({"number": "5", "number": "6"})") == errc::duplicate_field);
  CHECK(code(R"(["5"])") == errc::expected_object);
  CHECK(code(R"("5")") == errc::expected_object);
  CHECK(code("") == errc::malformed_json);
  CHECK(code("  \r\n") == errc::malformed_json);
  CHECK(code("{\"number\": \"5\"") == errc::malformed_json);
  CHECK(code("{\"number\": \"5\"} trailing") == errc::malformed_json);
  CHECK(code("number=5") == errc::malformed_json);
  CHECK(code("{\"number\": \"\xff\"}") == errc::malformed_json);
  CHECK(code(std::string(100000, '[')) == errc::malformed_json);
  // Leading zeros are not JSON, however many digits follow (long integers are read exactly).
  CHECK(code(R"({"number": 0000000000000000007})") == errc::malformed_json);
  CHECK(code(R"({"number": 007})") == errc::malformed_json);
  CHECK(code(R"({"number": -0123456789012345678901234567890})") == errc::malformed_json);
}

TEST_CASE("extract_number handles a 2 MB string without trouble", "[net]") {
  std::string digits(std::size_t{2} * 1024 * 1024, '7');
  auto r = extract_number(R"({"number": ")" + digits + "\"}");
  REQUIRE(r.ok());
  CHECK(r.value().size() == digits.size()); // the digits limit is the registry's to enforce
}

TEST_CASE("extract_numbers reads a batch in order and keeps each bad element in its place", "[net]") {
  auto texts = [](const factord::net::result<std::vector<batch_element>>& r) {
    std::vector<std::string> out;
    for (const auto& e : r.value()) out.push_back(e.ok() ? e.value() : "<" + e.message() + ">");
    return out;
  };
  auto r = extract_numbers(R"({"numbers": ["91", 97, 123456789012345678901234567890]})", 1000);
  REQUIRE(r.ok());
  CHECK(texts(r) == std::vector<std::string>{"91", "97", "123456789012345678901234567890"});

  auto bad = extract_numbers(R"({"numbers": ["91", ["97"], "5"]})", 1000);
  REQUIRE(bad.ok()); // the body is fine; one element is not
  REQUIRE(bad->size() == 3);
  CHECK((*bad)[0].ok());
  REQUIRE_FALSE((*bad)[1].ok());
  CHECK((*bad)[1].code() == errc::not_a_number);
  CHECK((*bad)[1].message().find("numbers[1]") != std::string::npos);
  CHECK((*bad)[2].ok());

  auto object = extract_numbers(R"({"numbers": [{"number": 5}, "7"]})", 1000);
  REQUIRE(object.ok());
  CHECK((*object)[0].code() == errc::not_a_number);
  CHECK(extract_numbers(R"({"numbers": "91"})", 1000).code() == errc::not_an_array);
  CHECK(extract_numbers(R"({"numbers": []})", 1000).code() == errc::empty_batch);
  CHECK(extract_numbers(R"({"number": "91"})", 1000).code() == errc::missing_numbers);
  CHECK(extract_numbers("[1]", 1000).code() == errc::expected_object);

  std::string many = R"({"numbers": [)";
  for (std::size_t i = 0; i <= 1000; ++i) many += (i ? ",\"" : "\"") + std::to_string(i + 1) + "\"";
  many += "]}";
  auto over = extract_numbers(many, 1000);
  CHECK(over.code() == errc::batch_too_large);
  CHECK(over.message().find("1000") != std::string::npos);
  CHECK(extract_numbers(R"({"numbers": ["1", "2", "3"]})", 2).code() == errc::batch_too_large);
  auto exact = extract_numbers(R"({"numbers": ["1", "2"]})", 2);
  REQUIRE(exact.ok());
  CHECK(exact->size() == 2U);
  // A second "numbers" field is still a duplicate, not a cap overflow carried over.
  CHECK(extract_numbers(R"({"numbers": ["1", "2", "3"], "numbers": ["4"]})", 2).code() ==
        errc::duplicate_field);
}

TEST_CASE("is_json_content_type", "[net]") {
  using factord::net::is_json_content_type;
  CHECK(is_json_content_type("application/json"));
  CHECK(is_json_content_type("Application/JSON; charset=utf-8"));
  CHECK(is_json_content_type("application/problem+json"));
  CHECK_FALSE(is_json_content_type("application/x-www-form-urlencoded"));
  CHECK_FALSE(is_json_content_type("text/plain"));
  CHECK_FALSE(is_json_content_type("application/+json"));
  CHECK_FALSE(is_json_content_type("application/jsonx"));
  CHECK_FALSE(is_json_content_type(""));
}

TEST_CASE("a body must say it is JSON: a missing Content-Type is refused too", "[net]") {
  using factord::net::check_json_content_type;
  CHECK(check_json_content_type("application/json").ok());
  CHECK(check_json_content_type("application/json; charset=utf-8").ok());
  for (const char* simple :
       {"", "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "text/plain, application/json"}) {
    INFO(simple);
    auto r = check_json_content_type(simple);
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == errc::unsupported_media_type);
    CHECK(r.message().find("Content-Type: application/json") != std::string::npos);
  }
}

TEST_CASE("an auth frame gives its token, and anything else is refused without echoing it", "[net][auth]") {
  using factord::net::parse_auth_frame;
  auto ok = parse_auth_frame(R"({"type":"auth","token":"fk_abc"})");
  REQUIRE(ok.ok());
  CHECK(*ok == "fk_abc");
  CHECK(parse_auth_frame(R"({"token":"t","type":"auth","extra":1})").ok());
  for (const std::string& bad :
       {std::string{}, std::string{"91"}, std::string{"{}"}, std::string{R"({"type":"auth"})"},
        std::string{R"({"type":"auth","token":""})"}, std::string{R"({"type":"auth","token":7})"},
        std::string{R"({"type":"login","token":"secret-1"})"}, std::string{R"(["auth","secret-2"])"},
        std::string{R"({"type":"auth","token":"secret-3")"}, std::string(20000, '{'),
        std::string{"{\"type\":\"auth\",\"token\":\"" + std::string(17000, 'x') + "\"}"}}) {
    auto r = parse_auth_frame(bad);
    CHECK_FALSE(r.ok());
    if (!r.ok()) {
      CHECK(r.code() == errc::malformed_json);
      CHECK(r.message().find("secret") == std::string::npos);
    }
  }
}

TEST_CASE("the auth answer frame names the caller, escaped", "[net][auth]") {
  auto frame = json::parse(factord::net::auth_ok_frame("al\"ice\n"));
  CHECK(frame["type"] == "auth");
  CHECK(frame["ok"] == true);
  CHECK(frame["caller_id"] == "al\"ice\n");
}

TEST_CASE("random bytes as a first frame never crash the auth frame parser or yield a token", "[net][auth]") {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 300);
  const std::string valid = R"({"type":"auth","token":"fk_x"})";
  for (int i = 0; i < 5000; ++i) {
    std::string text = valid;
    if (i % 2 == 0) { // mutate a valid frame
      auto flips = 1 + i % 4;
      for (int f = 0; f < flips; ++f)
        text[static_cast<std::size_t>(byte(rng)) % text.size()] = static_cast<char>(byte(rng));
    } else { // or send noise
      text.assign(static_cast<std::size_t>(len(rng)), '\0');
      for (auto& c : text) c = static_cast<char>(byte(rng));
    }
    auto r = factord::net::parse_auth_frame(text);
    if (r.ok()) CHECK_FALSE(r->empty()); // only a well-formed frame with a non-empty token passes
  }
}
