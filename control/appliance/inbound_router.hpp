#pragma once
// InboundRouter: calls from a trunk to a DID. Each inbound call is offered to an agent who is
// Available on the floor and has a SIP handset (the first such agent the floor lists), answered
// and bridged to that agent's handset (auto-answer); with none the caller hears 480. The ACD's
// queues (control/acd: strategies, waiting, overflow, announcements) are not joined yet: this
// is the simplest honest route, no parking. The call is booked (CallBook) so the agent's wrap
// becomes its disposition. Control thread only.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "control/appliance/call_book.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"
#include "control/sip/sip_stack.hpp"

namespace dialcore::control::appliance {

struct InboundCounters {
  std::uint64_t offered = 0;   // routed to an agent
  std::uint64_t refused = 0;   // 480: no agent available
  std::uint64_t agent_failed = 0;
};

class InboundRouter {
 public:
  using HandsetOf = std::function<std::optional<std::string>(std::int64_t agent)>;
  InboundRouter(calls::CallController& calls, floor::Floor& floor, sip::SipStack& sip,
                CallBook& book, HandsetOf handset);
  void install();  // CallController::set_inbound
  const InboundCounters& counters() const { return counters_; }

 private:
  calls::Route route(const calls::InboundCall& call);
  void on_event(const calls::CallEvent& e);

  calls::CallController& calls_;
  floor::Floor& floor_;
  sip::SipStack& sip_;
  CallBook& book_;
  HandsetOf handset_;
  InboundCounters counters_;
};

}  // namespace dialcore::control::appliance
