#pragma once
// The call history's writer thread (call_history.hpp): a bounded FIFO of reports, drained by ONE
// thread into Store::transaction batches (group commit: one fsync for up to `max_batch`
// reports instead of one each).
//
// - Order: one queue, one thread, FIFO: reports are written in the order they were accepted,
//   so a call's reports keep their order.
// - Full queue: the caller waits up to `full_wait` for room (counted in `full_waits`); if there
//   is still none the report is accepted over the bound (counted in `over_capacity`). An
//   accepted report is never dropped; the bound limits how long the control thread can stall.
// - A report the store refuses for good (NotFound, Conflict, Duplicate, Invalid, Constraint:
//   it can never be written) is `rejected`: counted, handed to `on_rejected` (ON THE WRITER
//   THREAD), and the rest of its batch is written without it (the batch is retried without it;
//   every report is all-or-nothing).
// - A transient store error (Busy, Full, Io, Corrupt: ENOSPC, SQLITE_FULL, another writer) is
//   counted (`store_errors`, `retries`) and the same batch is retried with back-off
//   (retry_first doubling to retry_max) until it commits: nothing accepted is lost while the
//   process lives. Only stop() with a timeout that runs out gives up, and counts what it gave up
//   in `lost`.
// - After kill -9 every committed batch is in the file; history::recover() closes the rest.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "control/history/history_report.hpp"

namespace dialcore::control::history {

struct Rejected {
  std::uint64_t ticket = 0;
  ReportKind kind = ReportKind::Answered;
  std::string call_id;
  std::string leg;
  store::Error error;
};

struct WriterOptions {
  std::size_t queue_capacity = 8192;
  std::size_t max_batch = 256;  // 1: one transaction per report (the pre-queue behaviour)
  std::chrono::milliseconds full_wait{20};
  std::chrono::milliseconds retry_first{10};
  std::chrono::milliseconds retry_max{1000};
  std::function<void(const Rejected&)> on_rejected;  // called on the writer thread
};

// Plain numbers, read from any thread.
struct WriterStats {
  std::uint64_t accepted = 0;       // reports queued
  std::uint64_t written = 0;        // reports committed
  std::uint64_t batches = 0;        // transactions committed
  std::uint64_t rejected = 0;       // reports the store refused for good
  std::uint64_t store_errors = 0;   // transient errors seen (each failed attempt)
  std::uint64_t retries = 0;        // batches tried again after one
  std::uint64_t full_waits = 0;     // callers that found the queue full
  std::uint64_t over_capacity = 0;  // reports accepted past the bound after full_wait
  std::uint64_t lost = 0;           // given up by a stop() whose timeout ran out
  std::uint64_t queue_depth = 0;    // queued + being written now
  std::uint64_t max_queue_depth = 0;
};

class HistoryWriter {
 public:
  HistoryWriter(store::Store& store, RetryPolicy policy, WriterOptions options);
  ~HistoryWriter();  // stop(10 s)
  HistoryWriter(const HistoryWriter&) = delete;
  HistoryWriter& operator=(const HistoryWriter&) = delete;

  // Queues the report; returns its ticket (> 0), or 0 when the writer is stopped (not accepted).
  std::uint64_t push(Report report);
  // Waits until every report accepted before the call is written or rejected; false on timeout.
  bool flush(std::chrono::milliseconds timeout);
  // Drains the queue and joins the thread. False when `timeout` ran out first: what was still
  // queued is then counted in `lost`. Idempotent; push() refuses afterwards.
  bool stop(std::chrono::milliseconds timeout);
  // Every ticket <= this one is written or rejected.
  std::uint64_t done_through() const;
  // The last ticket accepted (0: none yet): done_through() >= it means all accepted is written.
  std::uint64_t accepted_through() const;
  WriterStats stats() const;

 private:
  void run();
  void write(std::vector<Report>& batch);
  // Writes batch[begin, end) in as few transactions as it can; advances `begin` past what is
  // written or rejected. Returns the transient error that stopped it, if any.
  store::Result<void> write_some(std::vector<Report>& batch, std::size_t& begin);
  bool backoff(std::chrono::milliseconds delay);  // false: give up (stop timed out)

  store::Store& store_;
  const RetryPolicy policy_;
  const WriterOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // the writer: work or stop
  std::condition_variable room_;  // callers: room in the queue
  std::condition_variable done_;  // flush/stop: progress
  std::deque<Report> queue_;
  std::size_t in_flight_ = 0;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t done_through_ = 0;
  bool stopping_ = false;
  bool give_up_ = false;
  WriterStats stats_;
  std::thread thread_;
};

}  // namespace dialcore::control::history
