// CallController: how legs and calls end, and the history rows that say so. A call is erased
// (and its owner told Ended) only when both SIP dialogs have reported Ended and both media legs
// are destroyed: every path ends with 0 SIP handles and 0 legs.

#include <utility>
#include <vector>

#include "control/calls/call_controller.hpp"
#include "control/calls/call_record.hpp"

namespace dialcore::control::calls {

namespace {

const char* leg_name(Side side) { return side == Side::Customer ? "a" : "agent"; }

history::EndCause end_cause(CallOutcome o) {
  switch (o) {
    case CallOutcome::Normal: return history::EndCause::Normal;
    case CallOutcome::Busy: return history::EndCause::Busy;
    case CallOutcome::NoAnswer:
    case CallOutcome::Cancelled: return history::EndCause::NoAnswer;
    case CallOutcome::InvalidNumber: return history::EndCause::Invalid;
    case CallOutcome::Rejected: return history::EndCause::Rejected;
    case CallOutcome::Congestion:
    case CallOutcome::Refused:
    case CallOutcome::SdpFailure:
    case CallOutcome::MediaFailure:
    case CallOutcome::MediaTimeout:
    case CallOutcome::Failed: return history::EndCause::Failed;
    // Cut by our own stop: like a crash, the lead is due again at once (lead_rules.hpp).
    case CallOutcome::Shutdown: return history::EndCause::Interrupted;
  }
  return history::EndCause::Failed;
}

}  // namespace

void CallController::history_started(Call& call, Side side, std::string from, std::string to) {
  if (history_ == nullptr) return;
  history::LegStart start;
  start.call_id = call.history_id;
  start.leg = leg_name(side);
  const bool to_agent = side == Side::Agent || static_cast<bool>(call.dial_via);
  start.direction = to_agent ? "internal" : call.inbound ? "inbound" : "outbound";
  start.from_number = std::move(from);
  start.to_number = std::move(to);
  if (to_agent) start.agent_id = call.agent_id;
  start.campaign_id = call.request.campaign_id;
  start.queue_id = call.request.queue_id;
  if (side == Side::Customer && !call.inbound) start.lead_id = call.request.lead_id;
  const auto result = history_->leg_started(start, now_ms());
  if (result.ok()) {
    call.leg(side).history_open = true;
  } else {
    ++counters_.history_errors;
  }
}

void CallController::history_ended(Call& call, Side side, CallOutcome outcome) {
  CallLeg& leg = call.leg(side);
  if (!leg.history_open) return;
  leg.history_open = false;
  const std::int64_t at = now_ms();
  const bool customer = side == Side::Customer;
  const history::EndCause cause = customer && call.abandoned       ? history::EndCause::Abandoned
                                  : customer && call.message_left ? history::EndCause::MessageLeft
                                                                  : end_cause(outcome);
  record([&] { return history_->ended(call.history_id, leg_name(side), cause, at); });
}

void CallController::on_leg_ended(Call& call, Side side, const sip::SipEvent& e) {
  CallLeg& leg = call.leg(side);
  leg.sip_live = false;
  by_sip_.erase(e.call);
  if (call.state == CallState::Ending) {
    maybe_finish(call);
    return;
  }
  if (leg.dropping) return;  // drop_agent(): the leg we let go; the call stays up
  const CallOutcome outcome = outcome_of(e.end, leg.answered);
  if (side == Side::Customer || call.state == CallState::Bridged) {
    // Either side's BYE after the bridge ends the whole call; so does the customer's at any time.
    end_call(call, outcome, e.status);
  } else {
    agent_failed(call, outcome, e.status);
  }
}

void CallController::fail_leg(Call& call, Side side, CallOutcome outcome, int status) {
  if (side == Side::Agent && call.state != CallState::Bridged) {
    agent_failed(call, outcome, status);
  } else {
    end_call(call, outcome, status);
  }
}

void CallController::agent_failed(Call& call, CallOutcome outcome, int status) {
  ++counters_.agent_legs_failed;
  release_leg(call, Side::Agent);
  history_ended(call, Side::Agent, outcome);
  emit(call, {CallEventKind::AgentEnded, 0, Side::Agent, outcome, status});
}

void CallController::end_call(Call& call, CallOutcome outcome, int status) {
  if (call.state == CallState::Ending) return;
  call.state = CallState::Ending;
  call.outcome = outcome;
  call.end_status = status;
  for (Side side : {Side::Agent, Side::Customer}) {
    release_leg(call, side);
    history_ended(call, side, outcome);
  }
  // link(): the calls joined to this one end with it (each reports its own Ended).
  const CallHandle id = call.id;
  const std::vector<CallHandle> linked = std::move(call.linked);
  for (const CallHandle other : linked) {
    if (Call* o = find(other)) end_call(*o, o->leg(Side::Customer).answered ? CallOutcome::Normal
                                                                            : CallOutcome::Cancelled);
  }
  if (Call* again = find(id)) maybe_finish(*again);
}

void CallController::maybe_finish(Call& call) {
  if (call.state != CallState::Ending) return;
  if (!call.leg(Side::Customer).idle() || !call.leg(Side::Agent).idle()) return;
  ++counters_.ended[static_cast<std::size_t>(call.outcome)];
  const CallEvent event{CallEventKind::Ended, call.id, Side::Customer, call.outcome,
                        call.end_status};
  CallEventHandler handler = std::move(call.handler);
  calls_.erase(call.id);  // `call` is gone from here on
  if (handler) handler(event);
}

}  // namespace dialcore::control::calls
