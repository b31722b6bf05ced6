// run_job with the real engine on a thread of its own, as a factor-worker runs it: a job
// asked to yield parks inside SIQS, and resumes where it stopped or ends when stopped.
#include "actors/scheduling/factor_worker.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <gmpxx.h>
#include <thread>

using namespace factord::actors;
using namespace std::chrono_literals;

namespace {

using clock = std::chrono::steady_clock;

// 54 digits: about 0.25 s of SIQS here, so it is mid-sieve when asked to yield.
const job_ticket slow{"r-1", "c", "115282645786780625156236206364263040247598343846978157", 0};
const std::vector<std::string> slow_factors{"259807496481325029339939923", "443723323414831277596304959"};

struct parked_run {
  cancel_handle handle;
  std::promise<void> parked;
  std::future<job_outcome> outcome;
  clock::time_point started = clock::now();

  explicit parked_run(worker_limits limits) {
    auto on_park = [this] { parked.set_value(); };
    outcome = std::async(std::launch::async,
                         [this, limits, on_park] { return run_job(slow, limits, handle, on_park); });
    std::this_thread::sleep_for(30ms);
    REQUIRE(handle.ask_to_yield());
    REQUIRE(parked.get_future().wait_for(60s) == std::future_status::ready);
    CHECK(handle.state() == cancel_handle::parked);
  }
};

} // namespace

TEST_CASE("a job asked to yield parks, then resumes where it stopped with the same factors",
          "[run_job][slices]") {
  parked_run run(worker_limits{300, 60s});
  std::this_thread::sleep_for(300ms);
  CHECK(run.outcome.wait_for(0s) == std::future_status::timeout); // still parked
  REQUIRE(run.handle.resume());
  job_outcome out = run.outcome.get();
  const double wall = std::chrono::duration<double>(clock::now() - run.started).count();
  REQUIRE(out.ok);
  CHECK(out.factors == slow_factors);
  CHECK(out.method == "siqs");
  // The 300 ms parked are not compute time.
  CHECK(out.compute_seconds < wall - 0.29);
}

TEST_CASE("time parked does not count against --job-budget", "[run_job][slices]") {
  // The job needs ~0.3 s of its 2 s budget (more on a loaded machine); parked for longer.
  parked_run run(worker_limits{300, 2s});
  std::this_thread::sleep_for(2200ms); // longer than the whole budget
  REQUIRE(run.handle.resume());
  job_outcome out = run.outcome.get();
  CHECK(out.ok);
  CHECK(out.error_code.empty());
}

TEST_CASE("a parked job that is cancelled ends at once, cancelled", "[run_job][slices]") {
  parked_run run(worker_limits{300, 60s});
  const auto stopped_at = clock::now();
  run.handle.stop(cancel_handle::cancel);
  job_outcome out = run.outcome.get();
  CHECK(clock::now() - stopped_at < 5s);
  CHECK_FALSE(out.ok);
  CHECK(out.error_code == "cancelled");
  CHECK_FALSE(run.handle.resume()); // too late: it is stopping
}

TEST_CASE("a job past its budget fails with budget_exceeded naming the option", "[run_job]") {
  cancel_handle handle;
  job_outcome out = run_job(slow, worker_limits{300, 20ms}, handle);
  CHECK_FALSE(out.ok);
  CHECK(out.error_code == "budget_exceeded");
  CHECK(out.error_message.find("--job-budget") != std::string::npos);
}

TEST_CASE("without a park callback a yield request is ignored and the job runs to the end", "[run_job]") {
  cancel_handle handle;
  REQUIRE(handle.ask_to_yield());
  job_outcome out = run_job(slow, worker_limits{300, 60s}, handle);
  CHECK(out.ok);
  CHECK(out.factors == slow_factors);
}

TEST_CASE("a job parked inside BPSW of a 2664-digit square resumes with the right factors",
          "[run_job][slices]") {
  // (2^4423 - 1)^2: the engine's first step is the base-2 Fermat test, ~0.3 s of polled
  // squarings at this size, then the perfect-power check and BPSW of the root.
  const mpz_class root = (mpz_class(1) << 4423) - 1;
  const mpz_class square = root * root;
  const job_ticket big{"r-2", "c", square.get_str(), 0};
  cancel_handle handle;
  std::promise<void> parked;
  auto on_park = [&parked] { parked.set_value(); };
  auto outcome = std::async(std::launch::async, [&] {
    return run_job(big, worker_limits{3000, 60s}, handle, on_park);
  });
  std::this_thread::sleep_for(30ms);
  REQUIRE(handle.ask_to_yield());
  REQUIRE(parked.get_future().wait_for(60s) == std::future_status::ready);
  CHECK(handle.state() == cancel_handle::parked);
  std::this_thread::sleep_for(100ms);
  CHECK(outcome.wait_for(0s) == std::future_status::timeout); // still parked
  REQUIRE(handle.resume());
  job_outcome out = outcome.get();
  REQUIRE(out.ok);
  CHECK(out.factors == std::vector<std::string>{root.get_str(), root.get_str()});
}
