// Every message tag of the actors, in one place so no two collide. CAF 0.17 atoms: at most
// 10 characters from [0-9A-Za-z_ ] (any other character silently becomes a space).
#pragma once

#include <caf/atom.hpp>

namespace factord::actors {

using submit_atom = caf::atom_constant<caf::atom("submit")>;       // new job
using batch_atom = caf::atom_constant<caf::atom("batch")>;         // new jobs, all or none
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;         // job by request id
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;       // cancel a job
using enqueue_atom = caf::atom_constant<caf::atom("enqueue")>;     // registry -> dispatcher
using demand_atom = caf::atom_constant<caf::atom("demand")>;       // worker wants a job
using dispatch_atom = caf::atom_constant<caf::atom("dispatch")>;   // queue: hand head to worker
using push_atom = caf::atom_constant<caf::atom("push")>;           // job into a caller-queue
using job_atom = caf::atom_constant<caf::atom("job")>;             // a job for a worker
using started_atom = caf::atom_constant<caf::atom("started")>;     // worker began a job
using finished_atom = caf::atom_constant<caf::atom("finished")>;   // worker ended a job
using removed_atom = caf::atom_constant<caf::atom("removed")>;     // queue dropped a cancelled job
using qempty_atom = caf::atom_constant<caf::atom("qempty")>;       // queue had nothing to hand
using lost_atom = caf::atom_constant<caf::atom("lost")>;           // a worker crashed
using stats_atom = caf::atom_constant<caf::atom("stats")>;         // probe snapshot
using tick_atom = caf::atom_constant<caf::atom("tick")>;           // a timer fired
using flush_atom = caf::atom_constant<caf::atom("flush")>;         // group commit now
using waitover_atom = caf::atom_constant<caf::atom("waitover")>;   // long-poll expired
using frame_atom = caf::atom_constant<caf::atom("frame")>;         // WebSocket text frame in
using closed_atom = caf::atom_constant<caf::atom("closed")>;       // WebSocket is gone
using jobdone_atom = caf::atom_constant<caf::atom("jobdone")>;     // a watched job finished
using purge_atom = caf::atom_constant<caf::atom("purge")>;         // retention sweep
using drain_atom = caf::atom_constant<caf::atom("drain")>;         // shutdown: stop workers
using register_atom = caf::atom_constant<caf::atom("register")>;   // console: a new actor
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;   // console: JSON snapshot
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>; // console: stream to a viewer
using viewframe_atom = caf::atom_constant<caf::atom("viewframe")>; // console -> viewer: a frame
using probe_atom = caf::atom_constant<caf::atom("probe")>;         // probe_sample, please
using workers_atom = caf::atom_constant<caf::atom("workers")>;     // registry: running jobs
using fairness_atom = caf::atom_constant<caf::atom("fairness")>;   // per-caller service
using action_atom = caf::atom_constant<caf::atom("action")>;       // console action
using pause_atom = caf::atom_constant<caf::atom("pause")>;         // dispatcher: hold a caller
using resume_atom = caf::atom_constant<caf::atom("resume")>;       // dispatcher: release it
using weight_atom = caf::atom_constant<caf::atom("weight")>;       // dispatcher: turns per round
using attach_atom = caf::atom_constant<caf::atom("attach")>;       // console: node handles
using close_atom = caf::atom_constant<caf::atom("close")>;         // a caller-queue may quit
using suspended_atom = caf::atom_constant<caf::atom("suspended")>; // a job parked: its slice is over
using slots_atom = caf::atom_constant<caf::atom("slots")>;         // pool -> dispatcher: run this many
using grow_atom = caf::atom_constant<caf::atom("grow")>;           // dispatcher -> pool: one more thread
// Cluster mode: the Kafka bridge.
using produce_atom = caf::atom_constant<caf::atom("produce")>;   // write a record, reply when acked
using publish_atom = caf::atom_constant<caf::atom("publish")>;   // write a record, no reply
using records_atom = caf::atom_constant<caf::atom("records")>;   // consumer -> bridge: a batch
using assigned_atom = caf::atom_constant<caf::atom("assigned")>; // consumer group gave partitions
using revoked_atom = caf::atom_constant<caf::atom("revoked")>;   // consumer group took them back
using health_atom = caf::atom_constant<caf::atom("health")>;     // broker reachable or not
using sync_atom = caf::atom_constant<caf::atom("sync")>;         // read up to the current end
using synced_atom = caf::atom_constant<caf::atom("synced")>;     // ... done
using commit_atom = caf::atom_constant<caf::atom("commit")>;     // commit consumer offsets
using ready_atom = caf::atom_constant<caf::atom("ready")>;       // can this node accept work?
using hello_atom = caf::atom_constant<caf::atom("hello")>;       // ws-session: my client id
using command_atom = caf::atom_constant<caf::atom("command")>;   // a pushed command for a socket
using kpoll_atom = caf::atom_constant<caf::atom("kpoll")>;       // a Kafka actor's poll loop
using attempt_atom =
    caf::atom_constant<caf::atom("attempt")>;              // worker: record an attempt in Kafka, then queue
using relay_atom = caf::atom_constant<caf::atom("relay")>; // a client_message to publish

} // namespace factord::actors
