#include "actors/kafka/kafka_common.hpp"

#include "config/limits.hpp"
#include "config/log.hpp"

#include <librdkafka/rdkafka.h>

#include <set>

namespace factord::actors::kafka {

void log_bridge::event_cb(RdKafka::Event& event) {
  std::string text;
  logging::level lvl = logging::level::warn;
  switch (event.type()) {
    case RdKafka::Event::EVENT_ERROR:
      if (event.err() == RdKafka::ERR__ALL_BROKERS_DOWN) all_brokers_down_ = true;
      text = RdKafka::err2str(event.err()) + ": " + event.str();
      break;
    case RdKafka::Event::EVENT_LOG:
      if (event.severity() > RdKafka::Event::EVENT_SEVERITY_WARNING) return;
      text = event.fac() + ": " + event.str();
      if (event.severity() > RdKafka::Event::EVENT_SEVERITY_ERROR) lvl = logging::level::info;
      break;
    default: return;
  }
  auto now = std::chrono::steady_clock::now();
  auto [it, fresh] = last_.try_emplace(text, now);
  if (!fresh) {
    if (now - it->second < config::limits::kafka_log_repeat) return;
    it->second = now;
  }
  if (last_.size() > 256) last_.clear();
  logging::write(lvl, "kafka_event", {{"client", component_}, {"event", text}});
}

result<std::unique_ptr<RdKafka::Conf>, kafka_errc>
make_conf(const std::string& brokers, const std::string& client_id, RdKafka::EventCb* events,
          const std::map<std::string, std::string>& extra) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  auto set = [&](const std::string& key, const std::string& value) -> result<void, kafka_errc> {
    std::string err;
    if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK)
      return fail(kafka_errc::bad_config, "Kafka property " + key + "=" + value + ": " + err);
    return {};
  };
  auto configured = set("bootstrap.servers", brokers);
  if (configured) configured = set("client.id", client_id);
  if (!configured) return configured.error();
  if (events) {
    std::string err;
    if (conf->set("event_cb", events, err) != RdKafka::Conf::CONF_OK)
      return fail(kafka_errc::bad_config, "Kafka event callback: " + err);
  }
  for (const auto& [key, value] : extra)
    if (configured = set(key, value); !configured) return configured.error();
  return conf;
}

result<void, kafka_errc> ensure_topics(RdKafka::Handle* handle, const std::vector<topic_spec>& topics,
                                       std::chrono::milliseconds timeout) {
  RdKafka::Metadata* raw = nullptr;
  auto err = handle->metadata(true, nullptr, &raw, static_cast<int>(timeout.count()));
  if (err != RdKafka::ERR_NO_ERROR)
    return fail(kafka_errc::broker_unreachable, "no Kafka broker answered: " + RdKafka::err2str(err));
  std::unique_ptr<RdKafka::Metadata> md(raw);
  std::set<std::string> existing;
  for (const auto* t : *md->topics())
    if (t->err() == RdKafka::ERR_NO_ERROR) existing.insert(t->topic());

  rd_kafka_t* rk = handle->c_ptr();
  std::vector<rd_kafka_NewTopic_t*> wanted;
  result<void, kafka_errc> created;
  char errstr[512];
  for (const auto& spec : topics) {
    if (existing.count(spec.name)) continue;
    auto* nt = rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions, 1, errstr, sizeof errstr);
    if (!nt) { // a name or partition count librdkafka refuses before asking the broker
      created = fail(kafka_errc::bad_config, "topic " + spec.name + ": " + errstr);
      break;
    }
    for (const auto& [key, value] : spec.config) rd_kafka_NewTopic_set_config(nt, key.c_str(), value.c_str());
    wanted.push_back(nt);
  }
  if (wanted.empty() || !created) {
    for (auto* nt : wanted) rd_kafka_NewTopic_destroy(nt);
    return created;
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(options, static_cast<int>(timeout.count()), errstr,
                                            sizeof errstr);
  rd_kafka_CreateTopics(rk, wanted.data(), wanted.size(), options, queue);
  rd_kafka_event_t* event =
      rd_kafka_queue_poll(queue, timeout_ms(timeout + config::limits::admin_result_grace));
  if (!event) {
    created = fail(kafka_errc::timed_out, "creating topics timed out");
  } else if (rd_kafka_event_error(event)) {
    created = fail(rd_kafka_event_error(event) == RD_KAFKA_RESP_ERR__TIMED_OUT ? kafka_errc::timed_out
                                                                               : kafka_errc::refused,
                   std::string("creating topics: ") + rd_kafka_event_error_string(event));
  } else if (const auto* result = rd_kafka_event_CreateTopics_result(event)) {
    std::size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
    for (std::size_t i = 0; i < count; ++i) {
      auto code = rd_kafka_topic_result_error(results[i]);
      if (code == RD_KAFKA_RESP_ERR_NO_ERROR) {
        logging::info("kafka_topic_created", {{"topic", rd_kafka_topic_result_name(results[i])}});
      } else if (code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) { // another process was first
        created =
            fail(kafka_errc::refused, std::string("topic ") + rd_kafka_topic_result_name(results[i]) + ": " +
                                          (rd_kafka_topic_result_error_string(results[i])
                                               ? rd_kafka_topic_result_error_string(results[i])
                                               : rd_kafka_err2str(code)));
      }
    }
  }
  if (event) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  for (auto* nt : wanted) rd_kafka_NewTopic_destroy(nt);
  return created;
}

} // namespace factord::actors::kafka
