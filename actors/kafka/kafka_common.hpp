// librdkafka plumbing shared by the Kafka actors (producer, consumer): configuration with
// factord's logging, and topic creation. Only the Kafka actors' .cpp files include this.
#pragma once

#include "actors/kafka/kafka_errc.hpp"
#include "actors/kafka/kafka_records.hpp"
#include "config/result.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace factord::actors::kafka {

// librdkafka takes its timeouts as int milliseconds.
inline int timeout_ms(std::chrono::milliseconds timeout) { return static_cast<int>(timeout.count()); }

// Routes librdkafka's log lines and errors into factord's log, each distinct text at most
// once per 10 s (an unreachable broker otherwise repeats the same line every second).
class log_bridge : public RdKafka::EventCb {
public:
  explicit log_bridge(std::string component) : component_(std::move(component)) {}
  void event_cb(RdKafka::Event& event) override;

  // True once after librdkafka reported that every broker connection is down (events are
  // served on the thread that polls the handle, so no locking).
  bool take_all_brokers_down() { return std::exchange(all_brokers_down_, false); }

private:
  std::string component_;
  bool all_brokers_down_ = false;
  std::map<std::string, std::chrono::steady_clock::time_point> last_;
};

// A global configuration: bootstrap servers, client id, factord's log bridge, then
// `extra` properties. `bad_config` when librdkafka refuses a property.
result<std::unique_ptr<RdKafka::Conf>, kafka_errc> make_conf(const std::string& brokers,
                                                             const std::string& client_id,
                                                             RdKafka::EventCb* events,
                                                             const std::map<std::string, std::string>& extra);

// Creates the topics that do not exist yet, through `handle`'s admin API (blocking, at most
// `timeout`). Ok when every topic exists afterwards (one another process created meanwhile
// counts); else `broker_unreachable`, `timed_out`, `refused` or `bad_config`.
result<void, kafka_errc> ensure_topics(RdKafka::Handle* handle, const std::vector<topic_spec>& topics,
                                       std::chrono::milliseconds timeout);

} // namespace factord::actors::kafka
