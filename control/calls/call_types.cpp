#include "control/calls/call_types.hpp"

namespace dialcore::control::calls {

std::string_view side_name(Side side) { return side == Side::Customer ? "customer" : "agent"; }

std::string_view outcome_name(CallOutcome outcome) {
  switch (outcome) {
    case CallOutcome::Normal: return "normal";
    case CallOutcome::Busy: return "busy";
    case CallOutcome::NoAnswer: return "no_answer";
    case CallOutcome::InvalidNumber: return "invalid_number";
    case CallOutcome::Congestion: return "congestion";
    case CallOutcome::Rejected: return "rejected";
    case CallOutcome::Cancelled: return "cancelled";
    case CallOutcome::Refused: return "refused";
    case CallOutcome::SdpFailure: return "sdp_failure";
    case CallOutcome::MediaFailure: return "media_failure";
    case CallOutcome::MediaTimeout: return "media_timeout";
    case CallOutcome::Failed: return "failed";
    case CallOutcome::Shutdown: return "shutdown";
  }
  return "unknown";
}

CallOutcome outcome_of(sip::CallEnd end, bool answered) {
  using sip::CallEnd;
  switch (end) {
    case CallEnd::Busy: return CallOutcome::Busy;
    case CallEnd::NoAnswer: return CallOutcome::NoAnswer;
    case CallEnd::InvalidNumber: return CallOutcome::InvalidNumber;
    case CallEnd::Congestion: return CallOutcome::Congestion;
    case CallEnd::RefusedMaxCalls:
    case CallEnd::RefusedMaxCps:
    case CallEnd::NoSuchTrunk:
    case CallEnd::NotRegistered: return CallOutcome::Refused;  // the agent has no handset up
    case CallEnd::Cancelled: return CallOutcome::Cancelled;
    case CallEnd::Rejected: return CallOutcome::Rejected;
    case CallEnd::RemoteHangup:
    case CallEnd::LocalHangup: return answered ? CallOutcome::Normal : CallOutcome::Cancelled;
    case CallEnd::Shutdown: return CallOutcome::Shutdown;
    case CallEnd::Failed:
    case CallEnd::None: return CallOutcome::Failed;
  }
  return CallOutcome::Failed;
}

std::string_view event_name(CallEventKind kind) {
  switch (kind) {
    case CallEventKind::Ringing: return "ringing";
    case CallEventKind::EarlyMedia: return "early_media";
    case CallEventKind::Answered: return "answered";
    case CallEventKind::AgentRinging: return "agent_ringing";
    case CallEventKind::AgentAnswered: return "agent_answered";
    case CallEventKind::Bridged: return "bridged";
    case CallEventKind::AgentEnded: return "agent_ended";
    case CallEventKind::Held: return "held";
    case CallEventKind::Resumed: return "resumed";
    case CallEventKind::Dtmf: return "dtmf";
    case CallEventKind::PromptStarted: return "prompt_started";
    case CallEventKind::PromptEnded: return "prompt_ended";
    case CallEventKind::Ended: return "ended";
  }
  return "unknown";
}

}  // namespace dialcore::control::calls
