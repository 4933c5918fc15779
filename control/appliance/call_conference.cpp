#include "control/appliance/call_conference.hpp"

#include <utility>

namespace dialcore::control::appliance {

using calls::CallHandle;
using calls::Side;
using floor::CallResult;

CallResult CallConference::merge(floor::AgentId agent, CallHandle a, CallHandle b) {
  // X is the call that holds the agent's own leg; the consultation's only leg is its far party.
  if (!calls_.media_leg(a, Side::Agent) && calls_.media_leg(b, Side::Agent)) std::swap(a, b);
  if (!calls_.media_leg(a, Side::Agent)) return CallResult::fail("no_media");
  const bool asked = calls_.merge(a, b, [this](bool ok) {
    if (!ok) ++counters_.refused;
  });
  if (!asked) return CallResult::fail("cannot_merge");
  by_agent_[agent] = a;
  ++counters_.merged;
  return {};
}

CallResult CallConference::leave(floor::AgentId agent, bool terminate) {
  const auto it = by_agent_.find(agent);
  if (it == by_agent_.end()) return CallResult::fail("no_conference");
  const CallHandle x = it->second;
  by_agent_.erase(it);
  if (!calls_.leave(x, terminate)) return CallResult::fail("no_conference");  // already over
  ++(terminate ? counters_.terminated : counters_.left);
  return {};
}

}  // namespace dialcore::control::appliance
