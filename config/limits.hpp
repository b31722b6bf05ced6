// Fixed timings and bounds that are not options: each named once, with why it is what it
// is. Everything a user may want to change is an option (options.hpp) instead.
#pragma once

#include <chrono>
#include <cstddef>

namespace factord::config::limits {

using namespace std::chrono_literals;

// serve: the journal's WAL is checkpointed this often off the registry's thread (small
// checkpoints keep the WAL file and the commits that wait on it short).
inline constexpr std::chrono::milliseconds journal_checkpoint_interval = 1s;

// serve: after a failed journal commit (disk full, I/O error) the next one is tried this
// long after, with every state that was not committed; replies that wait for it are held
// until then (and answered 503 if it fails too), so a broken disk is not hammered per request.
inline constexpr std::chrono::milliseconds journal_retry_interval = 1s;

// How often finished jobs past --retention are forgotten (memory, journal).
inline constexpr std::chrono::milliseconds purge_interval = 1min;

// Gateway: an id it has not read yet is usually a job another gateway accepted a moment
// ago; its record tends to arrive with the next fetch, so wait this long before asking the
// broker for the topics' end (a sync).
inline constexpr std::chrono::milliseconds unknown_id_grace = 100ms;

// Gateway: how long a DELETE waits for the worker's cancelled result before answering
// with the job as it is then.
inline constexpr std::chrono::milliseconds cancel_answer_wait = 5s;

// Worker bridge: its timer; a job that has run this long gets its running record (with the
// attempt count) published, and offsets are committed every commit_ticks ticks.
inline constexpr std::chrono::milliseconds worker_tick = 50ms;
inline constexpr unsigned commit_ticks = 4;

// A result or attempt record the producer refused at once is tried again after this.
inline constexpr std::chrono::milliseconds republish_delay = 1s;

// Per-caller service (worker time, jobs done) kept for the console; the least recently
// served beyond this are forgotten, since caller ids come from clients.
inline constexpr std::size_t max_served_callers = 1000;

// Token buckets of --rate-per-caller kept at once, one per caller (per client IP with
// --auth off). Beyond it the least recently used bucket is forgotten, so invented caller
// ids or IPs cannot grow memory; a forgotten bucket comes back full, which an attacker with
// this many keys could use, but no more than this many of them at a time. ~100 bytes each.
inline constexpr std::size_t max_rate_buckets = 100000;

// A WebSocket that sends this many numbers in a row while rate limited (each answered
// with an error frame) is closed with 1008: it is not reading its errors.
inline constexpr unsigned ws_refusals_before_close = 10;

// --- Kafka clients (actors/kafka/) and the cluster roles' start and stop
// (actors/cluster/cluster_node.cpp). "Not measured" marks a value picked by reasoning
// alone; a measurement that disagrees wins.

// librdkafka reports a failing broker about once a second; the log keeps one line per
// distinct text per this long, so an outage stays visible (six lines a minute per text)
// without burying everything else.
inline constexpr std::chrono::milliseconds kafka_log_repeat = 10s;

// Cap of librdkafka's growing reconnect backoff (its default cap is 10 s): once a lost
// broker is back, the clients reconnect within about this long.
inline constexpr std::chrono::milliseconds kafka_reconnect_backoff_max = 1s;

// Producer: with no records outstanding it still polls this often, for error events and
// reconnects. With records outstanding it polls in a loop instead, each poll waiting at
// most producer_busy_poll, so new produce requests in its mailbox are taken in between
// and delivery reports become replies without delay. Not measured.
inline constexpr std::chrono::milliseconds producer_idle_poll = 100ms;
inline constexpr std::chrono::milliseconds producer_busy_poll = 1ms;

// Producer: at exit it waits at most this long for queued records to be acknowledged. A
// gateway's records expire after --kafka-timeout anyway (5 s by default), so waiting
// longer rarely saves one; see drain_reply_wait for the whole stop.
inline constexpr std::chrono::milliseconds producer_exit_flush = 5s;

// Consumer: each turn of its loop waits at most this long for a first record, then takes
// only what has already arrived, so commits, syncs and probes interleave with reading.
// Not measured.
inline constexpr std::chrono::milliseconds consume_wait = 20ms;

// Consumer: the broker may hold a fetch this long to gather 64 KiB (fetch.min.bytes).
// Fewer, larger fetches cost a third less broker CPU per job, and the broker's CPU is the
// cluster's limit on few cores (bench/RESULTS.md "Cluster mode").
inline constexpr std::chrono::milliseconds fetch_wait_max = 20ms;

// Consumer: the broker check, a metadata request once per interval that may take up to
// the timeout. The timeout is longer than the interval so a slow answer under load still
// counts; the broker is down after three failed checks in a row (~4 s), or at once when
// librdkafka reports every connection lost.
inline constexpr std::chrono::milliseconds broker_check_interval = 1s;
inline constexpr std::chrono::milliseconds broker_check_timeout = 1500ms;

// Consumer: until the broker first answers, each turn of its loop sleeps this long instead
// of spinning; a probe or a sync waits at most about this long for an answer meanwhile.
inline constexpr std::chrono::milliseconds broker_wait_sleep = 100ms;

// Consumer: creating missing topics and listing the topics' partitions at start-up block
// its loop at most this long each; if they fail they are retried at the next broker
// check, so a short bound costs only a retry. Not measured.
inline constexpr std::chrono::milliseconds topic_setup_timeout = 3s;

// Topic creation: the wait for the CreateTopics result is this much longer than the
// request's own timeout, so a request that timed out comes back as librdkafka's answer
// (with its reason) before the wait itself gives up. Not measured.
inline constexpr std::chrono::milliseconds admin_result_grace = 1s;

// Consumer: asking a partition's leader for its end offset (at each assignment, per
// partition, and for a sync) blocks its loop at most this long. Not measured.
inline constexpr std::chrono::milliseconds watermark_timeout = 2s;

// Retention of the commands topic: gateways read it from the end (a command is for the
// clients connected now), so older records are never read; this only bounds the
// broker's disk.
inline constexpr std::chrono::milliseconds commands_retention = 1h;

// Cluster worker: the results producer never gives up (0 = librdkafka retries until the
// broker has the record).
inline constexpr std::chrono::milliseconds worker_result_delivery_timeout = 0ms;

// Cluster worker: results wait up to this long to travel together: a result's latency
// matters less than the broker's load (same measurement as fetch_wait_max).
inline constexpr std::chrono::milliseconds worker_result_linger = 20ms;

// Cluster stop: how long the bridge has to answer `drain`, then the consumer a probe that
// queues behind the bridge's last commit. Both answer at once unless their mailboxes are
// deep or the consumer is inside a blocking broker call. With producer_exit_flush the bounded waits of a stop
// add up to 20 s, inside the 30 s stop_grace_period of docker/compose.yaml.
inline constexpr std::chrono::milliseconds drain_reply_wait = 10s;
inline constexpr std::chrono::milliseconds consumer_round_trip_wait = 5s;

// --- Credentials (net/auth/).

// A JWT longer than this is refused before any parsing: identity providers' tokens are
// well under 2 KiB (an RS256 signature alone is 342 characters), and the bound keeps a
// hostile header from costing base64 and JSON work.
inline constexpr std::size_t max_jwt_bytes = 8192;

// HS256 secrets shorter than this are refused at startup: RFC 7518 3.2 asks for a key at
// least as long as the hash (256 bits); a shorter one can be brute-forced offline from a
// single token.
inline constexpr std::size_t min_hs256_secret_bytes = 32;

// RSA public keys below this size are refused at startup (NIST SP 800-57: 2048 bits).
inline constexpr unsigned min_rsa_key_bits = 2048;

// Clock skew forgiven on a JWT's exp and nbf (RFC 7519 4.1.4: "a small leeway, usually no
// more than a few minutes"): the identity provider's clock and ours may differ this much.
inline constexpr std::chrono::seconds jwt_clock_leeway = 30s;

// A --auth-jwt-public-key file larger than this is not one public key.
inline constexpr std::size_t max_public_key_file_bytes = std::size_t{64} * 1024;

// Per-caller settings a credential may carry (auth::caller_limits): the console's weight
// range, and a digit cap that only ever lowers --max-digits.
inline constexpr unsigned max_caller_weight = 100;
inline constexpr unsigned max_caller_digits = 10000;

// How often the --auth-keys file is checked for changes (size,
// mtime, inode: one stat); a change is picked up within this, SIGHUP at once.
inline constexpr std::chrono::milliseconds key_file_poll = 1s;
// A WebSocket that authenticates with its first frame must send it within this (API.md).
inline constexpr std::chrono::milliseconds ws_auth_wait = 5s;

// --- Slow clients (slowloris) on the network edge (net/). Each held connection costs a
// socket, a parser and its buffers; these bound for how long a client may dribble.

// The request line and headers (at most 8 KiB) must all arrive within this of their first
// byte, else 408 and close. Before that first byte a keep-alive connection waits
// --http-idle-timeout and is closed without an answer. nginx's client_header_timeout is 60 s,
// Apache's mod_reqtimeout 20-40 s; 8 KiB in 10 s is 800 bytes a second, which any client
// that is not trying to hold the connection beats by orders of magnitude.
inline constexpr std::chrono::milliseconds http_header_deadline = 10s;

// A body must arrive at http_min_body_rate bytes a second on average once http_body_grace
// has passed since the head ended (Apache's mod_reqtimeout: body=20,MinRate=500), else 408
// and close: a --max-body-bytes body of 1 MiB gets 10 s + 1024 s at the least.
inline constexpr std::chrono::milliseconds http_body_grace = 10s;
inline constexpr std::size_t http_min_body_rate = 1024; // bytes per second

// A WebSocket message must be complete within this of its first byte, frame header
// included, else close 1008 "message too slow" (a --max-frame-bytes message of 64 KiB:
// 6.4 KiB a second). Beast only times out a socket that sends nothing at all.
inline constexpr std::chrono::milliseconds ws_message_deadline = 10s;

// What one WebSocket may have queued for a peer that does not read, in bytes (the frame
// bound of 4 x --ws-max-in-flight + 64 holds too): beyond either, or when one write has not
// completed within ws_write_deadline, the peer is a slow consumer and its TCP connection
// is dropped. A console snapshot of a busy node is ~100 KiB, a job reply under 30 KiB.
inline constexpr std::size_t ws_outbox_max_bytes = std::size_t{4} << 20;
inline constexpr std::chrono::milliseconds ws_write_deadline = 10s;

// A console viewer's socket gets a ping after half this without anything received, and
// is closed at the end of it unless something (the pong) came: browsers and WebSocket
// libraries answer pings by themselves, a viewer that stopped reading never does. Beast's
// default for other sockets is 300 s; a viewer's kernel buffers take far longer than this
// to fill at a few kB a second, so the outbox bounds would come late.
inline constexpr std::chrono::milliseconds ws_viewer_idle_timeout = 20s;

// Console streams (/v1/actors/stream) open at once on one node: each makes the console
// sample every actor and serialize a snapshot per interval. Beyond: 503 too_many_viewers.
inline constexpr std::size_t max_console_viewers = 32;

// Long-polls (GET /v1/jobs/{id}?wait=) held at once: per job, and on the node. Each holds a
// response promise and a timer in the registry (or gateway bridge) and a connection; a
// job's waiters are all answered in one turn when it ends. Beyond: 429 too_many_waiters.
inline constexpr std::size_t max_waiters_per_job = 64;
inline constexpr std::size_t max_waiters = 10000;

} // namespace factord::config::limits
