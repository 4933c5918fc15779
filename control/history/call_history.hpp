#pragma once
// The call history writer: the call owner (the SIP/B2BUA layer, the agent layer) reports what
// happens to each call leg, by call id and leg name, and every report is written durably before
// the call returns — one SQLite transaction per report, holding every row the report implies:
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
//                transaction, so a crash can never leave a disposition without its lead
//                update or the other way round.
//
// Attempt outcome at `ended`: abandoned (cause Abandoned) > machine (AMD said so) > answered >
// busy / no_answer / invalid (by cause) > failed. Errors come back as store::Error values
// (NotFound for an unknown call/leg, Invalid for an unknown wrap code, Full/Busy/Io from the
// database) and then nothing of that report was written. Control thread only (one Store).
// Start-up recovery of what a crash left open: recovery.hpp.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "control/history/lead_rules.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::history {

template <class T>
using Result = store::Result<T>;

enum class EndCause {
  Normal,       // either side hung up after an answer
  Busy,         // 486/600
  NoAnswer,     // ring timeout, 480/408
  Invalid,      // 404/484/604: the number does not exist
  Rejected,     // 403/603
  Failed,       // anything else: 5xx, transport, media
  Abandoned,    // answered live, no agent within the limit (the caller heard the message)
  Interrupted,  // written by recovery: the process died with the leg open
};
std::string_view to_string(EndCause cause);

struct LegStart {
  std::string call_id;    // the interaction id the call keeps across its legs
  std::string leg = "a";  // a (customer), agent, consult, b...
  std::string direction;  // inbound, outbound, internal
  std::string from_number;
  std::string to_number;  // an outbound attempt's dialled number
  std::optional<std::int64_t> agent_id;
  std::optional<std::int64_t> campaign_id;
  std::optional<std::int64_t> queue_id;
  std::optional<std::int64_t> lead_id;  // with campaign_id on an outbound leg: an attempt
};

struct Wrap {
  std::string call_id;
  std::optional<std::int64_t> agent_id;
  std::string wrap_code;  // must exist (and belong to the call's campaign or to every campaign)
  std::string notes;
  std::optional<std::int64_t> callback_at_ms;  // the lead is due again then (a callback)
};

class CallHistory {
 public:
  explicit CallHistory(store::Store& store, RetryPolicy policy = {})
      : store_(store), policy_(policy) {}

  // Returns the CDR id. Duplicate when the call already has an open leg of that name.
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
  Result<void> ended(std::string_view call_id, std::string_view leg, EndCause cause,
                     std::int64_t at_ms);
  // Returns the disposition id. Conflict when the call already has one.
  Result<std::int64_t> disposition(const Wrap& wrap, std::int64_t at_ms);

  const RetryPolicy& policy() const { return policy_; }

 private:
  struct Change;  // what one milestone does to the CDR and the attempt
  Result<void> milestone(std::string_view call_id, std::string_view leg, std::int64_t at_ms,
                         const Change& change);

  store::Store& store_;
  RetryPolicy policy_;
};

}  // namespace dialcore::control::history
