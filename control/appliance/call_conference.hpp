#pragma once
// CallConference: the agent floor's three-way conference (issue 8), for FloorCallControl's
// merge and leave. merge(agent, a, b): the two calls the agent holds (the customer's call X,
// with the agent's own leg, and a consultation C) become one mix on their worker
// (CallController::merge: X's customer, X's agent leg, C's far party); leave(agent, terminate):
// the agent's leg leaves (X's customer and C's party stay, bridged and linked: either hangs up,
// both end) or, with terminate, every call of the conference ends. CDR: the customer leg of X
// gets transfer events kind merge / leave / terminate. Control thread only; never blocks.

#include <cstdint>
#include <map>

#include "control/calls/call_controller.hpp"
#include "control/floor/call_control.hpp"

namespace dialcore::control::appliance {

struct ConferenceCounters {
  std::uint64_t merged = 0;      // conferences started
  std::uint64_t left = 0;        // agents that left with the others staying
  std::uint64_t terminated = 0;  // conferences ended by the agent's leave with terminate
  std::uint64_t refused = 0;     // a join the worker refused (the merge answered ok before)
};

class CallConference {
 public:
  explicit CallConference(calls::CallController& calls) : calls_(calls) {}

  // a, b: the call handles behind the floor's two call ids (either order).
  floor::CallResult merge(floor::AgentId agent, calls::CallHandle a, calls::CallHandle b);
  floor::CallResult leave(floor::AgentId agent, bool terminate);

  const ConferenceCounters& counters() const { return counters_; }

 private:
  calls::CallController& calls_;
  std::map<floor::AgentId, calls::CallHandle> by_agent_;  // the agent's merged call X
  ConferenceCounters counters_;
};

}  // namespace dialcore::control::appliance
