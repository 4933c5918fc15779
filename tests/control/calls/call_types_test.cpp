// The B2BUA's vocabulary: SIP end causes → call outcomes, names for logs and /metrics.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "control/calls/call_metrics.hpp"
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

TEST_CASE("the counters render as Prometheus text with one line per outcome", "[calls][metrics]") {
  calls::CallCounters c;
  c.calls_started = 12;
  c.ended[static_cast<std::size_t>(CallOutcome::Busy)] = 3;
  std::string text;
  calls::append_call_metrics(c, 4, text);
  CHECK(text.find("dialcore_calls_started_total 12\n") != std::string::npos);
  CHECK(text.find("dialcore_calls_ended_total{outcome=\"busy\"} 3\n") != std::string::npos);
  CHECK(text.find("dialcore_calls_ended_total{outcome=\"normal\"} 0\n") != std::string::npos);
  CHECK(text.find("dialcore_calls_live 4\n") != std::string::npos);
  // Every sample line belongs to a declared metric family.
  std::size_t samples = 0, types = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end - at);
    if (line.rfind("# TYPE", 0) == 0) ++types;
    if (!line.empty() && line[0] != '#') ++samples;
    at = end + 1;
  }
  CHECK(types == 13);
  CHECK(samples == 11 + calls::kCallOutcomeCount + 1);
}
