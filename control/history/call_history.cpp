#include "control/history/call_history.hpp"

#include <utility>

namespace dialcore::control::history {

using store::Errc;
using store::Error;

Result<std::int64_t> CallHistory::push(Report report) {
  const std::uint64_t ticket = writer_.push(std::move(report));
  if (ticket == 0) return Error{Errc::Invalid, "the call history is stopped"};
  return static_cast<std::int64_t>(ticket);
}

Result<void> CallHistory::milestone(ReportKind kind, std::string_view call_id, std::string_view leg,
                                    std::int64_t at_ms, Report report) {
  if (call_id.empty() || leg.empty()) {
    return Error{Errc::Invalid, "a report needs a call id and a leg name"};
  }
  report.kind = kind;
  report.leg.call_id = call_id;
  report.leg.leg = leg;
  report.at_ms = at_ms;
  auto r = push(std::move(report));
  if (!r) return r.error();
  return {};
}

Result<std::int64_t> CallHistory::leg_started(const LegStart& leg, std::int64_t at_ms) {
  if (leg.call_id.empty() || leg.leg.empty()) {
    return Error{Errc::Invalid, "a leg needs a call id and a leg name"};
  }
  Report r;
  r.kind = ReportKind::LegStarted;
  r.leg = leg;
  r.at_ms = at_ms;
  return push(std::move(r));
}

Result<void> CallHistory::answered(std::string_view call_id, std::string_view leg,
                                   std::int64_t at_ms) {
  return milestone(ReportKind::Answered, call_id, leg, at_ms);
}

Result<void> CallHistory::bridged(std::string_view call_id, std::string_view leg,
                                  std::int64_t agent_id, std::int64_t at_ms) {
  Report r;
  r.agent_id = agent_id;
  return milestone(ReportKind::Bridged, call_id, leg, at_ms, std::move(r));
}

Result<void> CallHistory::hold(std::string_view call_id, std::string_view leg, std::int64_t at_ms) {
  return milestone(ReportKind::Hold, call_id, leg, at_ms);
}

Result<void> CallHistory::retrieved(std::string_view call_id, std::string_view leg,
                                    std::int64_t at_ms) {
  return milestone(ReportKind::Retrieved, call_id, leg, at_ms);
}

Result<void> CallHistory::transferred(std::string_view call_id, std::string_view leg,
                                      std::string_view kind, std::string_view target,
                                      std::int64_t at_ms) {
  Report r;
  r.text1 = kind;
  r.text2 = target;
  return milestone(ReportKind::Transferred, call_id, leg, at_ms, std::move(r));
}

Result<void> CallHistory::amd(std::string_view call_id, std::string_view leg,
                              std::string_view verdict, std::int64_t at_ms) {
  if (verdict != "human" && verdict != "machine" && verdict != "unknown") {
    return Error{Errc::Invalid, "AMD verdict must be human, machine or unknown"};
  }
  Report r;
  r.text1 = verdict;
  return milestone(ReportKind::Amd, call_id, leg, at_ms, std::move(r));
}

Result<void> CallHistory::recording(std::string_view call_id, std::string_view leg,
                                    std::string_view path, std::int64_t at_ms) {
  Report r;
  r.text1 = path;
  auto accepted = milestone(ReportKind::Recording, call_id, leg, at_ms, std::move(r));
  if (accepted && recording_observer_) recording_observer_(call_id, leg, at_ms);
  return accepted;
}

namespace {
bool valid_recording_state(std::string_view state) {
  for (std::string_view s : {"complete", "repaired", "truncated_disk_full", "truncated_too_large",
                             "interrupted", "failed"}) {
    if (state == s) return true;
  }
  return false;
}
}  // namespace

Result<void> CallHistory::recording_file(const store::Recording& row) {
  if (row.call_id.empty() || row.path.empty()) {
    return Error{Errc::Invalid, "a recording row needs a call id and a path"};
  }
  if (!valid_recording_state(row.state)) {
    return Error{Errc::Invalid, "recording state " + row.state + " is not one of complete, "
                                "repaired, truncated_disk_full, truncated_too_large, "
                                "interrupted, failed"};
  }
  Report r;
  r.kind = ReportKind::RecordingFile;
  r.leg.call_id = row.call_id;
  r.leg.leg = row.leg;
  r.at_ms = row.ended_at_ms.value_or(row.started_at_ms);
  r.recording = row;
  auto t = push(std::move(r));
  if (!t) return t.error();
  return {};
}

Result<void> CallHistory::ended(std::string_view call_id, std::string_view leg, EndCause cause,
                                std::int64_t at_ms) {
  Report r;
  r.cause = cause;
  return milestone(ReportKind::Ended, call_id, leg, at_ms, std::move(r));
}

Result<std::int64_t> CallHistory::disposition(const Wrap& wrap, std::int64_t at_ms) {
  if (wrap.call_id.empty() || wrap.wrap_code.empty()) {
    return Error{Errc::Invalid, "a disposition needs a call id and a wrap code"};
  }
  Report r;
  r.kind = ReportKind::Disposition;
  r.wrap = wrap;
  r.leg.call_id = wrap.call_id;
  r.at_ms = at_ms;
  return push(std::move(r));
}

}  // namespace dialcore::control::history
