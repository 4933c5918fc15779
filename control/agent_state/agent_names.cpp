// Stable names for the agent state machine's enums (API JSON, records, logs) and the HTTP
// status the API gives each rejection.
#include "control/agent_state/agent_types.hpp"

namespace dialcore::control::agent_state {

std::string_view to_string(State s) {
  switch (s) {
    case State::LoggedOut: return "logged_out";
    case State::NoVoice: return "no_voice";
    case State::Available: return "available";
    case State::Paused: return "paused";
    case State::AutoPaused: return "auto_paused";
    case State::Reserved: return "reserved";
    case State::OnCall: return "on_call";
    case State::Wrap: return "wrap";
  }
  return "?";
}

std::string_view to_string(Cause c) {
  switch (c) {
    case Cause::Login: return "login";
    case Cause::VoiceConnected: return "voice_connected";
    case Cause::VoiceLost: return "voice_lost";
    case Cause::Pause: return "pause";
    case Cause::PausePending: return "pause_pending";
    case Cause::Available: return "available";
    case Cause::AvailablePending: return "available_pending";
    case Cause::Offered: return "offered";
    case Cause::ManualCall: return "manual_call";
    case Cause::Answered: return "answered";
    case Cause::Rejected: return "rejected";
    case Cause::Withdrawn: return "withdrawn";
    case Cause::RingTimeout: return "ring_timeout";
    case Cause::Hold: return "hold";
    case Cause::Retrieve: return "retrieve";
    case Cause::ConsultStarted: return "consult_started";
    case Cause::CallEnded: return "call_ended";
    case Cause::Transferred: return "transferred";
    case Cause::Merged: return "merged";
    case Cause::Left: return "left";
    case Cause::Wrapped: return "wrapped";
    case Cause::AutoWrapped: return "auto_wrapped";
    case Cause::WrapExtended: return "wrap_extended";
    case Cause::Logout: return "logout";
    case Cause::ForcedLogout: return "forced_logout";
  }
  return "?";
}

std::string_view to_string(Action a) {
  switch (a) {
    case Action::Login: return "login";
    case Action::ConnectVoice: return "connect_voice";
    case Action::LoseVoice: return "lose_voice";
    case Action::Pause: return "pause";
    case Action::SetAvailable: return "set_available";
    case Action::Offer: return "offer";
    case Action::StartCall: return "start_call";
    case Action::Answer: return "answer";
    case Action::Reject: return "reject";
    case Action::Withdraw: return "withdraw";
    case Action::Hold: return "hold";
    case Action::Retrieve: return "retrieve";
    case Action::StartConsult: return "start_consult";
    case Action::EndCall: return "end_call";
    case Action::Transfer: return "transfer";
    case Action::Merge: return "merge";
    case Action::Leave: return "leave";
    case Action::SubmitWrap: return "submit_wrap";
    case Action::ExtendWrap: return "extend_wrap";
    case Action::Logout: return "logout";
    case Action::ForceLogout: return "force_logout";
    case Action::NoAnswer: return "no_answer";
  }
  return "?";
}

std::string_view to_string(RejectCode c) {
  switch (c) {
    case RejectCode::TimeWentBackwards: return "time_went_backwards";
    case RejectCode::WrongState: return "wrong_state";
    case RejectCode::NoVoice: return "no_voice";
    case RejectCode::AlreadyConnected: return "already_connected";
    case RejectCode::OnCall: return "on_call";
    case RejectCode::NotPermitted: return "not_permitted";
    case RejectCode::ReasonRequired: return "reason_required";
    case RejectCode::UnknownReason: return "unknown_reason";
    case RejectCode::SupervisorOnly: return "supervisor_only";
    case RejectCode::UnknownCall: return "unknown_call";
    case RejectCode::DuplicateCall: return "duplicate_call";
    case RejectCode::CallLimit: return "call_limit";
    case RejectCode::NotHeld: return "not_held";
    case RejectCode::AlreadyHeld: return "already_held";
    case RejectCode::UnknownWrapCode: return "unknown_wrap_code";
    case RejectCode::ExtensionUsed: return "extension_used";
    case RejectCode::NoWrapTimer: return "no_wrap_timer";
  }
  return "?";
}

int http_status(RejectCode c) {
  switch (c) {
    case RejectCode::NotPermitted:
    case RejectCode::SupervisorOnly: return 403;
    case RejectCode::UnknownCall: return 404;
    case RejectCode::ReasonRequired:
    case RejectCode::UnknownReason:
    case RejectCode::UnknownWrapCode:
    case RejectCode::DuplicateCall: return 422;
    default: return 409;  // the request conflicts with the agent's current state
  }
}

}  // namespace dialcore::control::agent_state
