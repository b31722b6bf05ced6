#include "actors/protocol/job.hpp"

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

} // namespace factord::actors
