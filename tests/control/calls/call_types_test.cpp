// The B2BUA's vocabulary: SIP end causes → call outcomes, names for logs and /metrics.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "control/calls/call_types.hpp"

using namespace dialcore::control;
using calls::CallOutcome;
using sip::CallEnd;

TEST_CASE("SIP end causes map to the outcomes the dialler and agents see", "[calls]") {
  CHECK(calls::outcome_of(CallEnd::Busy, false) == CallOutcome::Busy);
  CHECK(calls::outcome_of(CallEnd::NoAnswer, false) == CallOutcome::NoAnswer);
  CHECK(calls::outcome_of(CallEnd::InvalidNumber, false) == CallOutcome::InvalidNumber);
  CHECK(calls::outcome_of(CallEnd::Congestion, false) == CallOutcome::Congestion);
  CHECK(calls::outcome_of(CallEnd::RefusedMaxCalls, false) == CallOutcome::Refused);
  CHECK(calls::outcome_of(CallEnd::RefusedMaxCps, false) == CallOutcome::Refused);
  CHECK(calls::outcome_of(CallEnd::NoSuchTrunk, false) == CallOutcome::Refused);
  CHECK(calls::outcome_of(CallEnd::Failed, false) == CallOutcome::Failed);
  CHECK(calls::outcome_of(CallEnd::Shutdown, true) == CallOutcome::Shutdown);
  // A BYE is a normal end only after an answer.
  CHECK(calls::outcome_of(CallEnd::RemoteHangup, true) == CallOutcome::Normal);
  CHECK(calls::outcome_of(CallEnd::LocalHangup, true) == CallOutcome::Normal);
  CHECK(calls::outcome_of(CallEnd::Cancelled, false) == CallOutcome::Cancelled);
  CHECK(calls::outcome_of(CallEnd::LocalHangup, false) == CallOutcome::Cancelled);
}

TEST_CASE("every outcome and event kind has its own name", "[calls]") {
  std::set<std::string> names;
  for (std::size_t i = 0; i < calls::kCallOutcomeCount; ++i) {
    names.emplace(calls::outcome_name(static_cast<CallOutcome>(i)));
  }
  CHECK(names.size() == calls::kCallOutcomeCount);
  CHECK(names.count("unknown") == 0);
  CHECK(calls::outcome_name(CallOutcome::Shutdown) == "shutdown");  // the last one
  std::set<std::string> kinds;
  for (int i = 0; i <= static_cast<int>(calls::CallEventKind::Ended); ++i) {
    kinds.emplace(calls::event_name(static_cast<calls::CallEventKind>(i)));
  }
  CHECK(kinds.size() == static_cast<std::size_t>(calls::CallEventKind::Ended) + 1);
  CHECK(kinds.count("unknown") == 0);
}
