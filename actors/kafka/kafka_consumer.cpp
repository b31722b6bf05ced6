#include "actors/kafka/kafka_consumer.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/kafka/kafka_common.hpp"
#include "actors/kafka/kafka_producer.hpp" // kafka_record as a message type
#include "actors/protocol/probe.hpp"
#include "config/limits.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>

#include <map>
#include <thread>

namespace factord::actors {

namespace {

using clock_type = std::chrono::steady_clock;
using partition_key = std::pair<std::string, std::int32_t>;

struct consumer_state;
using self_ptr = caf::stateful_actor<consumer_state>*;

class rebalancer : public RdKafka::RebalanceCb {
public:
  self_ptr self = nullptr;
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override;
};

struct consumer_state {
  kafka_consumer_settings settings;
  std::unique_ptr<kafka::log_bridge> log;
  std::unique_ptr<rebalancer> rebalance;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  bool started = false; // subscribed (group) or assigned (reader)
  bool up = false;
  bool health_known = false;
  unsigned failed_checks = 0;
  clock_type::time_point next_health{};
  std::uint64_t generation = 0;
  std::vector<std::int32_t> assigned;                // group mode, partitions of the topic
  std::vector<partition_key> readable;               // reader mode: every partition read
  std::map<partition_key, std::int64_t> next_offset; // consumed up to (exclusive)
  struct barrier {
    std::uint64_t token;
    std::map<partition_key, std::int64_t> target;
  };
  std::vector<barrier> barriers;
  std::map<std::int32_t, std::int64_t> last_commit; // group mode: committed again on exit
  std::uint64_t consumed = 0;
  std::uint64_t errors = 0;
  probe counters;
  static inline const char* name = "kafka-consumer";
};

void rebalancer::rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                              std::vector<RdKafka::TopicPartition*>& partitions) {
  auto& st = self->state;
  ++st.generation;
  st.last_commit.clear();
  if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
    consumer->assign(partitions);
    // librdkafka keeps a partition paused across a rebalance, but the bridge starts every
    // assignment with fresh read-ahead state: a partition it had paused and gets back
    // would otherwise never be resumed (found by the cluster bench: one partition stalled
    // with 22,000 jobs behind it).
    consumer->resume(partitions);
    st.assigned.clear();
    std::vector<std::int64_t> ends;
    for (auto* tp : partitions) {
      st.assigned.push_back(tp->partition());
      std::int64_t low = 0, high = 0;
      consumer->query_watermark_offsets(tp->topic(), tp->partition(), &low, &high,
                                        kafka::timeout_ms(config::limits::watermark_timeout));
      ends.push_back(high);
    }
    logging::info("kafka_partitions_assigned",
                  {{"group", st.settings.group}, {"count", std::to_string(st.assigned.size())}});
    self->send(st.settings.target, assigned_atom::value, st.assigned, std::move(ends), st.generation);
  } else {
    consumer->unassign();
    st.assigned.clear();
    logging::info("kafka_partitions_revoked", {{"group", st.settings.group}});
    self->send(st.settings.target, revoked_atom::value, st.generation);
  }
}

void set_health(self_ptr self, bool up, const std::string& detail) {
  auto& st = self->state;
  if (st.health_known && st.up == up) return;
  st.health_known = true;
  st.up = up;
  if (up)
    logging::info("kafka_reachable", {{"client", st.settings.client_id}});
  else
    logging::warn("kafka_unreachable", {{"client", st.settings.client_id}, {"error", detail}});
  self->send(st.settings.target, health_atom::value, up, detail);
}

// The high watermark of every readable from-beginning partition (of the first topic only,
// when `first_only`); false if the broker did not answer.
bool watermarks(self_ptr self, std::map<partition_key, std::int64_t>& out, bool first_only = false) {
  auto& st = self->state;
  for (const auto& key : st.readable) {
    bool from_beginning = false;
    for (const auto& t : st.settings.topics)
      if (t.name == key.first) from_beginning = t.from_beginning;
    if (!from_beginning || (first_only && key.first != st.settings.topics.front().name)) continue;
    std::int64_t low = 0, high = 0;
    if (st.consumer->query_watermark_offsets(key.first, key.second, &low, &high,
                                             kafka::timeout_ms(config::limits::watermark_timeout)) !=
        RdKafka::ERR_NO_ERROR)
      return false;
    out[key] = high;
  }
  return true;
}

// Starts reading: creates missing topics, then subscribes (group) or assigns every
// partition (reader). Retried from the poll loop until it works.
void try_start(self_ptr self) {
  auto& st = self->state;
  if (auto ensured =
          kafka::ensure_topics(st.consumer.get(), st.settings.ensure, config::limits::topic_setup_timeout);
      !ensured) {
    set_health(self, false, ensured.message());
    return;
  }
  if (!st.settings.group.empty()) {
    std::vector<std::string> names;
    for (const auto& t : st.settings.topics) names.push_back(t.name);
    if (auto err = st.consumer->subscribe(names); err != RdKafka::ERR_NO_ERROR) {
      logging::error("kafka_subscribe_failed", {{"error", RdKafka::err2str(err)}});
      return;
    }
    st.started = true;
    return;
  }
  RdKafka::Metadata* raw = nullptr;
  if (st.consumer->metadata(true, nullptr, &raw, kafka::timeout_ms(config::limits::topic_setup_timeout)) !=
      RdKafka::ERR_NO_ERROR)
    return;
  std::unique_ptr<RdKafka::Metadata> md(raw);
  std::vector<RdKafka::TopicPartition*> list;
  std::vector<partition_key> readable;
  for (const auto& t : st.settings.topics) {
    for (const auto* tm : *md->topics()) {
      if (tm->topic() != t.name || tm->err() != RdKafka::ERR_NO_ERROR) continue;
      for (const auto* pm : *tm->partitions()) {
        list.push_back(RdKafka::TopicPartition::create(t.name, pm->id(),
                                                       t.from_beginning ? RdKafka::Topic::OFFSET_BEGINNING
                                                                        : RdKafka::Topic::OFFSET_END));
        readable.emplace_back(t.name, pm->id());
      }
    }
  }
  bool complete = readable.size() > 0;
  for (const auto& t : st.settings.topics) {
    bool found = false;
    for (const auto& key : readable) found = found || key.first == t.name;
    complete = complete && found;
  }
  if (complete) {
    st.readable = readable;
    st.consumer->assign(list);
    std::map<partition_key, std::int64_t> target;
    if (watermarks(self, target)) {
      st.barriers.push_back({0, std::move(target)});
      st.started = true;
    } else {
      st.consumer->unassign();
    }
  }
  for (auto* tp : list) delete tp;
}

void check_barriers(self_ptr self) {
  auto& st = self->state;
  for (auto it = st.barriers.begin(); it != st.barriers.end();) {
    bool reached = true;
    for (const auto& [key, high] : it->target) {
      auto pos = st.next_offset.find(key);
      if (high > 0 && (pos == st.next_offset.end() || pos->second < high)) {
        reached = false;
        break;
      }
    }
    if (!reached) {
      ++it;
      continue;
    }
    self->send(st.settings.target, synced_atom::value, it->token, true);
    it = st.barriers.erase(it);
  }
}

void poll_once(self_ptr self) {
  auto& st = self->state;
  auto now = clock_type::now();
  // Every connection refused or lost is not a slow answer under load: down at once, so
  // submissions get their 503 without waiting for three failed checks. The next metadata
  // answer brings the health back up.
  if (st.log->take_all_brokers_down()) {
    st.failed_checks = 3;
    set_health(self, false, RdKafka::err2str(RdKafka::ERR__ALL_BROKERS_DOWN));
  }
  if (now >= st.next_health) {
    st.next_health = now + config::limits::broker_check_interval;
    RdKafka::Metadata* raw = nullptr;
    auto err =
        st.consumer->metadata(false, nullptr, &raw, kafka::timeout_ms(config::limits::broker_check_timeout));
    delete raw;
    if (err == RdKafka::ERR_NO_ERROR && !st.started) try_start(self);
    // A busy broker may miss one check: down after three failed checks in a row (~4 s),
    // up again at the first answer.
    st.failed_checks = err == RdKafka::ERR_NO_ERROR ? 0 : st.failed_checks + 1;
    if (err == RdKafka::ERR_NO_ERROR || st.failed_checks >= 3 || !st.health_known)
      set_health(self, err == RdKafka::ERR_NO_ERROR && st.started,
                 err == RdKafka::ERR_NO_ERROR ? std::string("topics not ready") : RdKafka::err2str(err));
  }
  if (!st.started) {
    std::this_thread::sleep_for(config::limits::broker_wait_sleep); // waiting for the broker
    return;
  }
  std::vector<kafka_record> batch;
  int timeout = kafka::timeout_ms(config::limits::consume_wait);
  while (batch.size() < st.settings.max_batch) {
    std::unique_ptr<RdKafka::Message> m(st.consumer->consume(timeout));
    timeout = 0;
    auto err = m->err();
    if (err == RdKafka::ERR__TIMED_OUT) break;
    if (err == RdKafka::ERR__PARTITION_EOF) {
      auto& next = st.next_offset[{m->topic_name(), m->partition()}];
      next = std::max(next, m->offset());
      continue;
    }
    if (err != RdKafka::ERR_NO_ERROR) {
      ++st.errors;
      if (err != RdKafka::ERR__TRANSPORT && err != RdKafka::ERR__ALL_BROKERS_DOWN)
        logging::warn("kafka_consume_error", {{"client", st.settings.client_id}, {"error", m->errstr()}});
      break;
    }
    kafka_record r;
    r.topic = m->topic_name();
    r.partition = m->partition();
    r.offset = m->offset();
    if (const std::string* key = m->key()) r.key = *key;
    if (m->payload()) r.value.assign(static_cast<const char*>(m->payload()), m->len());
    if (auto* headers = m->headers()) {
      for (const auto& h : headers->get_all())
        if (h.value() && r.headers.size() < 16)
          r.headers.emplace_back(h.key(), std::string(static_cast<const char*>(h.value()), h.value_size()));
    }
    auto& next = st.next_offset[{r.topic, r.partition}];
    next = std::max(next, r.offset + 1);
    batch.push_back(std::move(r));
  }
  if (!batch.empty()) {
    st.consumed += batch.size();
    self->send(st.settings.target, records_atom::value, std::move(batch));
  }
  check_barriers(self);
}

std::vector<RdKafka::TopicPartition*>
partition_list(const std::string& topic, const std::vector<std::pair<std::int32_t, std::int64_t>>& offsets) {
  std::vector<RdKafka::TopicPartition*> list;
  list.reserve(offsets.size());
  for (const auto& [p, offset] : offsets) list.push_back(RdKafka::TopicPartition::create(topic, p, offset));
  return list;
}

caf::behavior kafka_consumer(self_ptr self, const std::shared_ptr<consumer_state>& init) {
  auto& st = self->state;
  st.settings = std::move(init->settings);
  st.log = std::move(init->log);
  st.rebalance = std::move(init->rebalance);
  st.consumer = std::move(init->consumer);
  if (st.rebalance) st.rebalance->self = self;
  self->set_default_handler(caf::print_and_drop);
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    auto& s = self->state;
    if (s.consumer) {
      if (!s.settings.group.empty() && !s.last_commit.empty() && !s.assigned.empty()) {
        std::vector<std::pair<std::int32_t, std::int64_t>> offsets(s.last_commit.begin(),
                                                                   s.last_commit.end());
        auto list = partition_list(s.settings.topics.front().name, offsets);
        s.consumer->commitSync(list);
        for (auto* tp : list) delete tp;
      }
      s.consumer->close(); // leaves the group now, so its partitions move at once
      s.consumer.reset();
    }
    self->quit(msg.reason);
  });
  self->send(self, kpoll_atom::value);
  return {
      [=](kpoll_atom) {
        probe_scope scope(self->state.counters, "poll");
        if (!self->state.consumer) return;
        poll_once(self);
        self->send(self, kpoll_atom::value);
      },
      [=](sync_atom, std::uint64_t token) {
        auto& s = self->state;
        std::map<partition_key, std::int64_t> target;
        // A job exists once its record is in the first topic (a gateway's jobs topic), so
        // a sync needs only that topic's ends: half the broker round trips.
        if (!s.started || !watermarks(self, target, true)) {
          self->send(s.settings.target, synced_atom::value, token, false);
          return;
        }
        s.barriers.push_back({token, std::move(target)});
        check_barriers(self);
      },
      [=](commit_atom, const std::vector<std::pair<std::int32_t, std::int64_t>>& offsets,
          std::uint64_t generation) {
        auto& s = self->state;
        if (generation != s.generation || offsets.empty() || !s.consumer) return;
        for (const auto& [p, offset] : offsets) s.last_commit[p] = offset;
        auto list = partition_list(s.settings.topics.front().name, offsets);
        if (auto err = s.consumer->commitAsync(list); err != RdKafka::ERR_NO_ERROR)
          logging::warn("kafka_commit_failed", {{"error", RdKafka::err2str(err)}});
        for (auto* tp : list) delete tp;
      },
      [=](pause_atom, std::int32_t partition, std::uint64_t generation) {
        auto& s = self->state;
        if (generation != s.generation || !s.consumer) return;
        auto list = partition_list(s.settings.topics.front().name, {{partition, 0}});
        s.consumer->pause(list);
        for (auto* tp : list) delete tp;
      },
      [=](resume_atom, std::int32_t partition, std::uint64_t generation) {
        auto& s = self->state;
        if (generation != s.generation || !s.consumer) return;
        auto list = partition_list(s.settings.topics.front().name, {{partition, 0}});
        s.consumer->resume(list);
        for (auto* tp : list) delete tp;
      },
      [=](probe_atom) {
        auto& s = self->state;
        auto sample = make_sample(s.counters, self->mailbox().size());
        sample.number("consumed", s.consumed)
            .number("errors", s.errors)
            .number("partitions", static_cast<std::uint64_t>(s.settings.group.empty() ? s.readable.size()
                                                                                      : s.assigned.size()))
            .text("mode", s.settings.group.empty() ? "reader" : "group " + s.settings.group);
        sample.fields.emplace_back("broker_up", s.up ? "true" : "false");
        return sample;
      },
  };
}

} // namespace

result<caf::actor, kafka_errc> spawn_kafka_consumer(caf::actor_system& sys,
                                                    kafka_consumer_settings settings) {
  auto init = std::make_shared<consumer_state>();
  init->log = std::make_unique<kafka::log_bridge>(settings.client_id + "/consumer");
  bool group = !settings.group.empty();
  std::map<std::string, std::string> extra = {
      {"group.id", group ? settings.group : settings.client_id + ".reader"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "true"},
      {"session.timeout.ms", std::to_string(settings.session_timeout.count())},
      {"heartbeat.interval.ms", std::to_string(settings.heartbeat.count())},
      // Under load one fetch per 20 ms or 64 KiB, not one per record: the broker's CPU is
      // the cluster's limit on few cores (bench/RESULTS.md, "Cluster mode").
      {"fetch.wait.max.ms", std::to_string(config::limits::fetch_wait_max.count())},
      {"fetch.min.bytes", "65536"},
      {"reconnect.backoff.max.ms", std::to_string(config::limits::kafka_reconnect_backoff_max.count())},
  };
  auto conf = kafka::make_conf(settings.brokers, settings.client_id, init->log.get(), extra);
  if (!conf) return conf.error();
  std::string err;
  if (group) {
    init->rebalance = std::make_unique<rebalancer>();
    if ((*conf)->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(init->rebalance.get()), err) !=
        RdKafka::Conf::CONF_OK)
      return fail(kafka_errc::bad_config, "Kafka rebalance callback: " + err);
  }
  init->consumer.reset(RdKafka::KafkaConsumer::create(conf->get(), err));
  if (!init->consumer) return fail(kafka_errc::cannot_create, "cannot create a Kafka consumer: " + err);
  if (settings.topics.empty() || (group && settings.topics.size() != 1))
    return fail(kafka_errc::bad_config, "internal: a consumer needs its topics (exactly one in group mode)");
  init->settings = std::move(settings);
  return sys.spawn<caf::detached>(kafka_consumer, init);
}

} // namespace factord::actors
