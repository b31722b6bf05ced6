// What the HTTP scenarios do with answers: remember accepted jobs, check GET answers,
// and the final pass that asks for every accepted job until it is done (→ lost/wrong).
#pragma once

#include "http_driver.hpp"
#include "scenarios.hpp"

#include <memory>
#include <vector>

namespace load {

http_call make_post(std::string number, std::string caller, const std::string& query = "");
http_call make_get(const accepted_job& job, std::size_t index, const std::string& query = "");

// 202 (or 200 from ?wait): records the job in shard.jobs and the latency. Anything
// else counts as a failure "http_<status>". Returns the parsed body (null if none).
json handle_post_answer(http_shard& shard, const http_call& call, const http_result& result, bool echo);
// 200: records the latency; a "done" job whose factors don't multiply up counts as
// "bad_factors". Returns the parsed body (null if none).
json handle_get_answer(http_shard& shard, const http_call& call, const http_result& result, bool echo);

// Milliseconds from queued_at to finished_at of a job object, or -1.
double server_latency_ms(const json& job);

// Asks every accepted job (or a random `opt.verify_max` of them) with GET ?wait=2 until
// it is finished or opt.verify_timeout passes. Summary: checked, done, wrong, lost
// (404 + never finished + failed/cancelled), and server-side latency per caller class
// (the caller id up to its first '-').
json verify_jobs(const options& opt, std::vector<std::unique_ptr<http_shard>>& shards);

std::vector<std::unique_ptr<http_shard>> make_shards(const options& opt, int connections, run_stats& stats);

} // namespace load
