#pragma once
// The call history: the call owner (the SIP/B2BUA layer, the agent layer) reports what happens
// to each call leg, by call id and leg name. Each report is QUEUED (cheap, on the caller's
// thread: the Asio control thread never waits for the disk) and written by the writer thread
// (history_writer.hpp) in group-committed Store transactions; every report is all-or-nothing:
//
//   leg_started  INSERT the CDR (ended NULL); an outbound leg naming a lead and a campaign also
//                INSERTs its Attempt and sets the lead in_progress with the attempt counted.
//   answered, bridged, hold, retrieved, transferred, amd, recording
//                UPDATE the CDR (times, agent, events_json gains {"at_ms","type",...}) and the
//                attempt where it has the same fact (answer time, agent, AMD verdict).
//   ended        closes the CDR (ended, hangup cause) and the attempt (outcome, see below); a
//                lead no agent talked to gets its next state at once (lead_rules.hpp); a lead an
//                agent talked to stays in_progress until that agent's disposition.
//   disposition  the Disposition row, the wrap code on the call's CDRs, the attempt's outcome
//                ("answered" if the hang-up is not reported yet), the lead's next state: ONE
//                report, so a crash can never leave a disposition without its lead update or
//                the other way round.
//
// Attempt outcome at `ended`: abandoned (cause Abandoned) > machine (AMD said so) > answered >
// busy / no_answer / invalid (by cause) > failed.
//
// Return values: ok means ACCEPTED (queued, and written in order unless the store refuses it for
// good); the value of leg_started/disposition is the report's ticket (> 0), not a row id:
// `done_through() >= ticket` once it is written. What can be checked without the database is
// checked at once (Invalid: empty call id or leg, bad AMD verdict, empty wrap code; Invalid
// "stopped" after stop()). What needs the database (NotFound unknown call/leg, Conflict ended
// leg or wrapped call, Duplicate open leg, Invalid unknown wrap code) is found by the writer:
// counted as `rejected` and handed to WriterOptions::on_rejected. Store errors (Busy, Full, Io)
// are retried, never returned.
//
// Threads: the public reporting methods may be called from any thread (the control thread in
// the daemon). `store` is used by the writer thread only, from construction to stop(): give
// it its own connection (the daemon opens one; another thread must not use the same Store).
// Start-up recovery of what a crash left open: recovery.hpp.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

#include "control/history/call_history_types.hpp"
#include "control/history/history_writer.hpp"
#include "control/history/lead_rules.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::history {

template <class T>
using Result = store::Result<T>;

class CallHistory {
 public:
  explicit CallHistory(store::Store& store, RetryPolicy policy = {}, WriterOptions options = {})
      : policy_(policy), writer_(store, policy, std::move(options)) {}

  // Returns the ticket of the report.
  Result<std::int64_t> leg_started(const LegStart& leg, std::int64_t at_ms);
  Result<void> answered(std::string_view call_id, std::string_view leg, std::int64_t at_ms);
  Result<void> bridged(std::string_view call_id, std::string_view leg, std::int64_t agent_id,
                       std::int64_t at_ms);
  Result<void> hold(std::string_view call_id, std::string_view leg, std::int64_t at_ms);
  Result<void> retrieved(std::string_view call_id, std::string_view leg, std::int64_t at_ms);
  // kind: blind, consult; target: "agent:7", "queue:2", a number.
  Result<void> transferred(std::string_view call_id, std::string_view leg, std::string_view kind,
                           std::string_view target, std::int64_t at_ms);
  // verdict: human, machine, unknown.
  Result<void> amd(std::string_view call_id, std::string_view leg, std::string_view verdict,
                   std::int64_t at_ms);
  Result<void> recording(std::string_view call_id, std::string_view leg, std::string_view path,
                         std::int64_t at_ms);
  // A recording file the recorders finished, the start-up repair fixed or a full disk cut short:
  // its index row (`recordings`, built from the file's sidecar). Keyed by path: a file reported
  // again (re-indexed at start-up) updates its row, never a second one. Needs no CDR. Invalid at
  // once: empty call id or path, a state not in the schema's list.
  Result<void> recording_file(const store::Recording& row);
  // Told of every recording() report as it is accepted, on the caller's thread: the daemon's
  // recording index learns which calls have a recording under way. Set before calls run.
  using RecordingObserver =
      std::function<void(std::string_view call_id, std::string_view leg, std::int64_t at_ms)>;
  void set_recording_observer(RecordingObserver observer) {
    recording_observer_ = std::move(observer);
  }
  Result<void> ended(std::string_view call_id, std::string_view leg, EndCause cause,
                     std::int64_t at_ms);
  // Returns the ticket of the report.
  Result<std::int64_t> disposition(const Wrap& wrap, std::int64_t at_ms);

  // Blocks until everything accepted so far is written or rejected (tests, shutdown; not the
  // control thread in normal running). False on timeout.
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return writer_.flush(timeout);
  }
  // Orderly stop: drains, then joins the writer. False when `timeout` ran out (stats().lost).
  bool stop(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return writer_.stop(timeout);
  }
  std::uint64_t done_through() const { return writer_.done_through(); }
  std::uint64_t accepted_through() const { return writer_.accepted_through(); }
  WriterStats stats() const { return writer_.stats(); }
  const RetryPolicy& policy() const { return policy_; }

 private:
  Result<std::int64_t> push(Report report);
  Result<void> milestone(ReportKind kind, std::string_view call_id, std::string_view leg,
                         std::int64_t at_ms, Report report = {});

  RetryPolicy policy_;
  RecordingObserver recording_observer_;
  HistoryWriter writer_;
};

}  // namespace dialcore::control::history
