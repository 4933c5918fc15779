#pragma once
// Internal to control/history: one report of the call owner as a value (what CallHistory queues)
// and the rows it writes. apply() runs INSIDE a Store::transaction the caller opened (the writer
// thread's group commit); it never opens one itself.

#include <cstdint>
#include <string>

#include "control/history/call_history_types.hpp"
#include "control/history/lead_rules.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::history {

enum class ReportKind {
  LegStarted,
  Answered,
  Bridged,
  Hold,
  Retrieved,
  Transferred,
  Amd,
  Recording,
  RecordingFile,
  Ended,
  Disposition,
};
std::string_view to_string(ReportKind kind);

struct Report {
  ReportKind kind = ReportKind::Answered;
  std::uint64_t ticket = 0;  // its place in the queue (1, 2, ...)
  std::int64_t at_ms = 0;
  LegStart leg;               // LegStarted: all of it; milestones: call_id and leg
  Wrap wrap;                  // Disposition
  std::int64_t agent_id = 0;  // Bridged
  std::string text1;          // Transferred: kind; Amd: verdict; Recording: path
  std::string text2;          // Transferred: target
  EndCause cause = EndCause::Normal;
  store::Recording recording;  // RecordingFile: the index row
};

// Writes the rows of one report. Errors: NotFound, Conflict, Duplicate, Invalid (the report can
// never be written: rejected) or Busy/Full/Io/Corrupt from the database (try again).
store::Result<void> apply(store::Store& store, const RetryPolicy& policy, const Report& report);

// Whether an error from apply() or a commit may go away by itself (disk space, another writer).
bool transient(store::Errc code);

}  // namespace dialcore::control::history
