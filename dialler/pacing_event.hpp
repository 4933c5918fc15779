#pragma once
// What the floor tells a pacing strategy: the same events come from the live daemon (control/)
// and from the `dialbench pacing` simulator. Times are seconds on the caller's clock (injected).

#include <cstdint>

namespace dialcore::dialler {

enum class EventKind : std::uint8_t {
  AgentIdle,  // agent became ready for a call (logged in, after wrap)
  AgentBusy,  // agent took a call (outbound bridge or inbound)
  AgentWrap,  // agent's call ended, wrap-up started
  AgentLoggedOut,
  CallPlaced,     // outbound dial started ringing
  CallAnswered,   // far end answered (carrier answer); with AMD off the call now needs an agent
  AmdHuman,       // AMD verdict: person; the call now needs an agent
  AmdMachine,     // AMD verdict: machine; the call is hung up or sent to a message
  CallBridged,    // connected to an agent
  CallAbandoned,  // live answer not bridged within the abandon time: information message played
  CallEnded,      // outbound call gone (any reason) without needing an agent any more
  InboundQueued,  // an inbound call waits for an agent (inbound has priority over outbound)
  InboundTaken,   // an inbound call left the queue (answered or gave up)
  PreviewShown,   // a lead is presented to agent_id in preview (the agent is reserved for it)
  PreviewDial,    // agent_id pressed dial on the lead in preview
};

// Who a connected/answered call turned out to be, when known.
enum class AnswerKind : std::uint8_t { Unknown, Live, Machine };

struct Event {
  EventKind kind{};
  double time_s = 0;
  std::uint64_t call_id = 0;                // outbound calls
  std::uint32_t agent_id = 0;               // agent events
  AnswerKind answer = AnswerKind::Unknown;  // CallAnswered / CallBridged / AgentWrap (disposition)
};

}  // namespace dialcore::dialler
