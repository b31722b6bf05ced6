#include "actors/job.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace factord::actors {

std::string_view to_string(job_status s) noexcept {
  switch (s) {
    case job_status::queued: return "queued";
    case job_status::running: return "running";
    case job_status::done: return "done";
    case job_status::failed: return "failed";
    case job_status::cancelled: return "cancelled";
  }
  return "unknown";
}

bool parse_job_status(std::string_view text, job_status& out) noexcept {
  for (auto s : {job_status::queued, job_status::running, job_status::done, job_status::failed,
                 job_status::cancelled}) {
    if (to_string(s) == text) {
      out = s;
      return true;
    }
  }
  return false;
}

std::int64_t unix_millis_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string rfc3339(std::int64_t unix_millis) {
  std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  int millis = static_cast<int>(unix_millis % 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return buf;
}

} // namespace factord::actors
