// Requests and their answers.
//
// A Request names a model, carries its inputs, and may carry a deadline,
// a priority and a tenant. Every submitted request gets exactly one
// Response: its outputs, or a status saying why not (DeadlineExceeded,
// ResourceExhausted, Cancelled, an input error from the model, or
// Unavailable when no device can serve the model at all).
#ifndef BRAID_SCHEDULER_REQUEST_H_
#define BRAID_SCHEDULER_REQUEST_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "braid/runtime.h"
#include "scheduler/types.h"

namespace braid::scheduler {

struct Request {
  std::string model;   // a model registered with the scheduler
  NamedValues inputs;  // handed to the device as they are (tensors share storage)
  // Absolute time on the scheduler's clock by which the answer is useful;
  // kNoDeadline for none. A request that can no longer make it is answered
  // DeadlineExceeded instead of running.
  Nanos deadline = kNoDeadline;
  int priority = 0;    // 0 (lowest) .. kNumPriorities - 1
  std::string tenant;  // accounting and per-tenant admission limits
};

struct Response {
  RequestId id = kInvalidRequestId;
  absl::Status status;  // OK when `outputs` holds the model's outputs
  NamedValues outputs;
  int device = -1;       // scheduler index of the device that ran it; -1 if none
  int attempts = 0;      // dispatches to a device (more than 1 after failover)
  int batch_size = 0;    // size of the batch it ran in; 0 if it never ran
  Nanos submit_time = 0;
  Nanos start_time = 0;  // when its (last) batch started; 0 if it never ran
  Nanos finish_time = 0; // when it was answered
};

// Receives the one answer of a request. May run on any thread: the caller's
// (inside Submit, for immediate rejections), a device's completion thread,
// or the clock's timer thread. Runs without scheduler locks held, so it may
// call back into the scheduler.
using ResponseCallback = std::function<void(Response)>;

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_REQUEST_H_
