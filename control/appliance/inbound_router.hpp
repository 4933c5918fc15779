#pragma once
// InboundRouter: calls from a trunk to a DID, routed three ways (each parks the caller:
// answered, then connected by its owner):
//   - a call-in number (organisation.call_in_numbers) → CallInLine (the agent keys id and PIN;
//     the call becomes the agent's voice leg);
//   - a queue's DID (queues[].dids) → QueueRouter (the ACD: strategy, ring timeout → auto pause,
//     maximum wait and overflow);
//   - any other DID: the first agent Available on the floor with a voice connection (a standing
//     leg, or a SIP handset to ring); none → 480.
// The agent's leg is connected by AgentVoice::connect_call once the caller is answered (the
// beep and a bridge to a standing leg, or the handset rung). Calls are booked (CallBook) so the
// agent's wrap becomes their disposition. Control thread only.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "control/appliance/agent_voice.hpp"
#include "control/appliance/call_book.hpp"
#include "control/appliance/call_in_line.hpp"
#include "control/appliance/queue_router.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"

namespace dialcore::control::appliance {

struct InboundCounters {
  std::uint64_t offered = 0;   // routed to an agent directly (no queue)
  std::uint64_t refused = 0;   // 480: no agent available
  std::uint64_t agent_failed = 0;
  std::uint64_t queued = 0;    // parked for a queue
  std::uint64_t call_in = 0;   // parked for the call-in line
};

class InboundRouter {
 public:
  using HandsetOf = std::function<std::optional<std::string>(std::int64_t agent)>;
  InboundRouter(calls::CallController& calls, floor::Floor& floor, CallBook& book,
                AgentVoice& voice, QueueRouter& queues, CallInLine& call_in, HandsetOf handset);
  void install();  // CallController::set_inbound
  const InboundCounters& counters() const { return counters_; }

 private:
  calls::Route route(const calls::InboundCall& call);
  void on_event(const calls::CallEvent& e);
  void direct_failed(const calls::CallEvent& e);

  calls::CallController& calls_;
  floor::Floor& floor_;
  CallBook& book_;
  AgentVoice& voice_;
  QueueRouter& queues_;
  CallInLine& call_in_;
  HandsetOf handset_;
  InboundCounters counters_;
};

}  // namespace dialcore::control::appliance
