#include "actors/kafka/kafka_producer.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/kafka/kafka_common.hpp"
#include "actors/protocol/probe.hpp"
#include "config/limits.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>

#include <unordered_map>

namespace factord::actors {

namespace {

// Delivery reports land here, inside poll() on the actor's own thread.
class delivery_reports : public RdKafka::DeliveryReportCb {
public:
  std::unordered_map<std::uint64_t, caf::response_promise> waiting;
  std::uint64_t acked = 0;
  std::uint64_t failed = 0;
  std::uint64_t outstanding = 0; // produced, no report yet (with or without a reply)

  void dr_cb(RdKafka::Message& message) override {
    if (outstanding > 0) --outstanding;
    bool ok = message.err() == RdKafka::ERR_NO_ERROR;
    ok ? ++acked : ++failed;
    auto id = reinterpret_cast<std::uintptr_t>(message.msg_opaque());
    if (id == 0) {
      if (!ok)
        logging::warn("kafka_publish_failed", {{"topic", message.topic_name()}, {"error", message.errstr()}});
      return;
    }
    auto it = waiting.find(id);
    if (it == waiting.end()) return;
    if (ok)
      it->second.deliver(std::string());
    else if (message.status() == RdKafka::Message::MSG_STATUS_POSSIBLY_PERSISTED)
      it->second.deliver(possibly_written + message.errstr());
    else
      it->second.deliver(message.errstr());
    waiting.erase(it);
  }
};

struct producer_state {
  std::unique_ptr<kafka::log_bridge> log;
  std::unique_ptr<delivery_reports> reports;
  std::unique_ptr<RdKafka::Producer> producer;
  std::uint64_t next_id = 1;
  bool polling = false;
  probe counters;
  static inline const char* name = "kafka-producer";
};

using self_ptr = caf::stateful_actor<producer_state>*;

// Hands the record to librdkafka; `refused` (with librdkafka's reason) when it will not take
// it at all, e.g. with its queue full.
result<void, kafka_errc> enqueue(self_ptr self, const kafka_message& m, std::uint64_t id) {
  auto& st = self->state;
  RdKafka::Headers* headers = nullptr;
  if (!m.headers.empty()) {
    headers = RdKafka::Headers::create();
    for (const auto& [name, value] : m.headers) headers->add(name, value);
  }
  // The message's opaque pointer carries the produce id to dr_cb; it is never dereferenced.
  // NOLINTNEXTLINE(performance-no-int-to-ptr): librdkafka's only per-message slot is a void*.
  void* opaque = reinterpret_cast<void*>(static_cast<std::uintptr_t>(id));
  auto err = st.producer->produce(m.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                  const_cast<char*>(m.value.data()), m.value.size(), m.key.data(),
                                  m.key.size(), 0, headers, opaque);
  if (err != RdKafka::ERR_NO_ERROR) {
    delete headers; // left to us when produce() fails
    return fail(kafka_errc::refused, RdKafka::err2str(err));
  }
  ++st.reports->outstanding;
  if (!st.polling) {
    st.polling = true;
    self->send(self, tick_atom::value);
  }
  return {};
}

caf::behavior kafka_producer(self_ptr self, std::unique_ptr<RdKafka::Producer>* handle,
                             std::unique_ptr<kafka::log_bridge>* log,
                             std::unique_ptr<delivery_reports>* reports) {
  auto& st = self->state;
  st.producer = std::move(*handle);
  st.log = std::move(*log);
  st.reports = std::move(*reports);
  self->set_default_handler(caf::print_and_drop);
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    auto& s = self->state;
    if (s.producer) {
      s.producer->flush(kafka::timeout_ms(config::limits::producer_exit_flush));
      s.producer.reset();
    }
    for (auto& [id, promise] : s.reports->waiting) promise.deliver(std::string("shutting down"));
    s.reports->waiting.clear();
    self->quit(msg.reason);
  });
  // An idle producer still polls now and then, for error events and reconnects.
  self->delayed_send(self, config::limits::producer_idle_poll, kpoll_atom::value);
  return {
      [=](produce_atom, const kafka_message& m) {
        probe_scope scope(self->state.counters, "produce");
        auto rp = self->make_response_promise<std::string>();
        auto id = self->state.next_id++;
        if (auto queued = enqueue(self, m, id); !queued) {
          ++self->state.reports->failed;
          rp.deliver(queued.message());
        } else {
          self->state.reports->waiting.emplace(id, rp);
        }
        return rp;
      },
      [=](publish_atom, const kafka_message& m) {
        probe_scope scope(self->state.counters, "publish");
        if (auto queued = enqueue(self, m, 0); !queued)
          logging::warn("kafka_publish_refused", {{"topic", m.topic}, {"error", queued.message()}});
      },
      [=](tick_atom) {
        // Busy loop while records are outstanding: poll briefly, then let the mailbox in.
        auto& s = self->state;
        if (!s.producer) return;
        s.producer->poll(s.reports->outstanding > 0 ? kafka::timeout_ms(config::limits::producer_busy_poll)
                                                    : 0);
        if (s.reports->outstanding > 0)
          self->send(self, tick_atom::value);
        else
          s.polling = false;
      },
      [=](kpoll_atom) {
        auto& s = self->state;
        if (!s.producer) return;
        if (!s.polling) s.producer->poll(0);
        self->delayed_send(self, config::limits::producer_idle_poll, kpoll_atom::value);
      },
      [=](probe_atom) {
        auto& s = self->state;
        return make_sample(s.counters, self->mailbox().size())
            .number("acked", s.reports->acked)
            .number("failed", s.reports->failed)
            .number("outstanding", s.reports->outstanding)
            .number("queued_in_librdkafka",
                    static_cast<std::uint64_t>(s.producer ? s.producer->outq_len() : 0));
      },
  };
}

} // namespace

result<caf::actor, kafka_errc> spawn_kafka_producer(caf::actor_system& sys,
                                                    const kafka_producer_settings& settings) {
  auto log = std::make_unique<kafka::log_bridge>(settings.client_id + "/producer");
  auto reports = std::make_unique<delivery_reports>();
  std::map<std::string, std::string> extra = {
      {"enable.idempotence", "true"}, // acks=all, no duplicates or reordering on retries
      {"acks", "all"},
      {"linger.ms", std::to_string(settings.linger.count())},
      {"message.timeout.ms", std::to_string(settings.delivery_timeout.count())},
      {"socket.keepalive.enable", "true"},
      {"reconnect.backoff.max.ms", std::to_string(config::limits::kafka_reconnect_backoff_max.count())},
  };
  auto conf = kafka::make_conf(settings.brokers, settings.client_id, log.get(), extra);
  if (!conf) return conf.error();
  std::string err;
  if ((*conf)->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(reports.get()), err) !=
      RdKafka::Conf::CONF_OK)
    return fail(kafka_errc::bad_config, "Kafka delivery callback: " + err);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf->get(), err));
  if (!producer) return fail(kafka_errc::cannot_create, "cannot create a Kafka producer: " + err);
  // The handles move into the actor's state when it starts (spawn arguments must be
  // copyable, so they travel in a shared bundle).
  auto bundle =
      std::make_shared<std::tuple<std::unique_ptr<RdKafka::Producer>, std::unique_ptr<kafka::log_bridge>,
                                  std::unique_ptr<delivery_reports>>>(std::move(producer), std::move(log),
                                                                      std::move(reports));
  return sys.spawn<caf::detached>([bundle](self_ptr self) {
    return kafka_producer(self, &std::get<0>(*bundle), &std::get<1>(*bundle), &std::get<2>(*bundle));
  });
}

} // namespace factord::actors
