// The one flag a running job shares with the actors that may stop or pause it: a computing
// worker cannot read its mailbox, so the registry (cancel, shutdown) and the dispatcher
// (time slices) reach the job through this handle, and the engine polls it. One of the two
// pieces of shared memory in the design (the other is the console's sampling_enabled flag,
// protocol/probe.hpp).
//
// A handle is a reference to the job's flag: copies share it, and const methods change it.
//
// States: run -> yield (the dispatcher asks for the worker back) -> parked (the job stopped
// at a poll point and waits) -> run (resumed). cancel and shutdown win over every other
// state and wake a parked job, which then ends. Separately, a job may wait before its engine
// starts until the registry has journalled the start (start_recorded).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace factord::actors {

class cancel_handle {
public:
  enum : int { run = 0, cancel = 1, shutdown = 2, yield = 3, parked = 4 };

  int state() const noexcept { return shared_->flag.load(std::memory_order_relaxed); }
  // cancel or shutdown: the job should end. Wakes it if it is parked.
  void stop(int reason) const {
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      shared_->flag.store(reason);
    }
    shared_->wake.notify_all();
  }
  // The dispatcher wants the worker back: true if the job was running (and not stopping).
  bool ask_to_yield() const noexcept { return exchange(run, yield); }
  // The job stopped at a poll point to give its worker back: true if a yield was asked.
  bool park() const noexcept { return exchange(yield, parked); }
  // The parked job may go on. Wakes it; false if it is stopping instead.
  bool resume() const {
    bool resumed = false;
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      resumed = exchange(parked, run);
    }
    if (resumed) shared_->wake.notify_all();
    return resumed;
  }
  // Blocks the parked job's thread until it is resumed or stopped; returns the new state.
  int wait_while_parked() const {
    std::unique_lock<std::mutex> lock(shared_->mutex);
    shared_->wake.wait(lock, [this] { return state() != parked; });
    return state();
  }
  // The registry journalled the job's start (the attempt is counted): a worker waiting in
  // wait_start_recorded() may start the engine.
  void start_recorded() const {
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      shared_->recorded = true;
    }
    shared_->wake.notify_all();
  }
  // Blocks until start_recorded() or a stop; true if recorded.
  bool wait_start_recorded() const {
    std::unique_lock<std::mutex> lock(shared_->mutex);
    shared_->wake.wait(lock,
                       [this] { return shared_->recorded || state() == cancel || state() == shutdown; });
    return shared_->recorded;
  }
  // Both handles are of the same job.
  bool same_job(const cancel_handle& other) const noexcept { return shared_ == other.shared_; }

private:
  struct shared_state {
    std::atomic<int> flag{run};
    std::mutex mutex;
    std::condition_variable wake;
    bool recorded = false; // under mutex
  };
  bool exchange(int from, int to) const noexcept { return shared_->flag.compare_exchange_strong(from, to); }
  std::shared_ptr<shared_state> shared_ = std::make_shared<shared_state>();
};

} // namespace factord::actors
