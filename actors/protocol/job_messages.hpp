// Lets the job model travel in local CAF messages. Local only: cluster mode carries jobs
// as JSON records on Kafka, never as CAF-serialized bytes.
#pragma once

#include "actors/protocol/job.hpp"

#include <caf/allowed_unsafe_message_type.hpp>

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::job_ticket)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::cancel_handle)
