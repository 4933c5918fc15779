// AgentMachine: offers, calls (hold, consult, transfer, merge) and wrap.
#include "control/agent_state/agent_machine.hpp"

#include <algorithm>
#include <utility>

namespace dialcore::control::agent_state {

bool AgentMachine::accepts(CallKind kind) const {
  if (!voice_) return false;
  if (kind == CallKind::Manual && !policy_.manual_call) return false;
  if (state_ == State::Available) return true;
  if (state_ != State::Paused && state_ != State::AutoPaused) return false;
  switch (kind) {
    case CallKind::Routed: return false;
    case CallKind::Transfer: return policy_.receive_transfers_when_paused;
    case CallKind::Direct: return !policy_.dnd_in_pause;
    case CallKind::Manual: return true;
  }
  return false;
}

CallSlot* AgentMachine::find_call(CallId call) {
  auto it = std::find_if(calls_.begin(), calls_.end(),
                         [call](const CallSlot& c) { return c.id == call; });
  return it == calls_.end() ? nullptr : &*it;
}

Status AgentMachine::take_call(std::int64_t now_ms, Action a, CallId call, const CallContext& ctx) {
  if (auto t = check_time(a, now_ms)) return t;
  if (state_ == State::LoggedOut) return refuse(a, RejectCode::WrongState);
  if (call == 0 || find_call(call) != nullptr) return refuse(a, RejectCode::DuplicateCall);
  if (!voice_) return refuse(a, RejectCode::NoVoice);
  const bool idle =
      state_ == State::Available || state_ == State::Paused || state_ == State::AutoPaused;
  if (!idle) return refuse(a, RejectCode::OnCall);
  if (!accepts(ctx.kind)) {
    // Paused agents refuse routed calls by state; transfers, direct and manual calls by
    // permission (receive_transfers_when_paused, dnd_in_pause, manual_call).
    const bool by_state = ctx.kind == CallKind::Routed;
    return refuse(a, by_state ? RejectCode::WrongState : RejectCode::NotPermitted);
  }
  pending_ = std::exchange(pause_, std::nullopt);  // back to this pause if the call goes
  calls_.assign(1, CallSlot{call, false});
  interaction_ = ctx;
  deadline_ms_ = ctx.ring_timeout_ms > 0 ? now_ms + ctx.ring_timeout_ms : 0;
  enter(now_ms, State::Reserved, a == Action::StartCall ? Cause::ManualCall : Cause::Offered, {},
        call);
  return std::nullopt;
}

Status AgentMachine::check_ringing(Action a, std::int64_t now_ms, CallId call) const {
  if (auto t = check_time(a, now_ms)) return t;
  if (state_ != State::Reserved) return refuse(a, RejectCode::WrongState);
  if (calls_.front().id != call) return refuse(a, RejectCode::UnknownCall);
  return std::nullopt;
}

Status AgentMachine::offer(std::int64_t now_ms, CallId call, const CallContext& ctx) {
  if (ctx.kind == CallKind::Manual) return refuse(Action::Offer, RejectCode::WrongState);
  return take_call(now_ms, Action::Offer, call, ctx);
}

Status AgentMachine::start_call(std::int64_t now_ms, CallId call, const CallContext& ctx) {
  CallContext manual = ctx;
  manual.kind = CallKind::Manual;
  return take_call(now_ms, Action::StartCall, call, manual);
}

Status AgentMachine::answer(std::int64_t now_ms, CallId call) {
  if (auto t = check_ringing(Action::Answer, now_ms, call)) return t;
  deadline_ms_ = 0;
  enter(now_ms, State::OnCall, Cause::Answered, {}, call);
  return std::nullopt;
}

Status AgentMachine::reject(std::int64_t now_ms, CallId call) {
  if (auto t = check_ringing(Action::Reject, now_ms, call)) return t;
  go_idle(now_ms, Cause::Rejected, {}, call, true);
  return std::nullopt;
}

Status AgentMachine::withdraw(std::int64_t now_ms, CallId call) {
  if (auto t = check_ringing(Action::Withdraw, now_ms, call)) return t;
  go_idle(now_ms, Cause::Withdrawn, {}, call, true);
  return std::nullopt;
}

Status AgentMachine::no_answer(std::int64_t now_ms, CallId call) {
  if (auto t = check_ringing(Action::NoAnswer, now_ms, call)) return t;
  ring_timeout(now_ms);
  return std::nullopt;
}

Status AgentMachine::hold(std::int64_t now_ms, CallId call) {
  if (auto t = check_time(Action::Hold, now_ms)) return t;
  if (state_ != State::OnCall || merged_) return refuse(Action::Hold, RejectCode::WrongState);
  CallSlot* slot = find_call(call);
  if (slot == nullptr) return refuse(Action::Hold, RejectCode::UnknownCall);
  if (slot->held) return refuse(Action::Hold, RejectCode::AlreadyHeld);
  slot->held = true;
  note(now_ms, Cause::Hold, {}, call);
  return std::nullopt;
}

Status AgentMachine::retrieve(std::int64_t now_ms, CallId call) {
  if (auto t = check_time(Action::Retrieve, now_ms)) return t;
  if (state_ != State::OnCall || merged_) return refuse(Action::Retrieve, RejectCode::WrongState);
  CallSlot* slot = find_call(call);
  if (slot == nullptr) return refuse(Action::Retrieve, RejectCode::UnknownCall);
  if (!slot->held) return refuse(Action::Retrieve, RejectCode::NotHeld);
  for (auto& c : calls_) c.held = true;  // switching lines: the other one goes on hold
  slot->held = false;
  note(now_ms, Cause::Retrieve, {}, call);
  return std::nullopt;
}

Status AgentMachine::start_consult(std::int64_t now_ms, CallId consult) {
  if (auto t = check_time(Action::StartConsult, now_ms)) return t;
  if (state_ != State::OnCall) return refuse(Action::StartConsult, RejectCode::WrongState);
  if (calls_.size() >= kMaxCalls) return refuse(Action::StartConsult, RejectCode::CallLimit);
  if (consult == 0 || find_call(consult) != nullptr)
    return refuse(Action::StartConsult, RejectCode::DuplicateCall);
  calls_.front().held = true;
  calls_.push_back(CallSlot{consult, false});
  note(now_ms, Cause::ConsultStarted, {}, consult);
  return std::nullopt;
}

// Removes `call`; the last call out takes the agent to Wrap (and starts the auto-wrap timer).
void AgentMachine::release(std::int64_t now_ms, CallId call, Cause cause) {
  calls_.erase(std::remove_if(calls_.begin(), calls_.end(),
                              [call](const CallSlot& c) { return c.id == call; }),
               calls_.end());
  if (calls_.size() < 2) merged_ = false;
  if (!calls_.empty()) {
    note(now_ms, cause, {}, call, true);
    return;
  }
  deadline_ms_ = interaction_.wrap.timer_ms > 0 ? now_ms + interaction_.wrap.timer_ms : 0;
  extension_used_ = false;
  enter(now_ms, State::Wrap, cause, {}, call, true);
}

Status AgentMachine::end_call(std::int64_t now_ms, CallId call) {
  if (auto t = check_time(Action::EndCall, now_ms)) return t;
  if (state_ != State::OnCall) return refuse(Action::EndCall, RejectCode::WrongState);
  if (find_call(call) == nullptr) return refuse(Action::EndCall, RejectCode::UnknownCall);
  release(now_ms, call, Cause::CallEnded);
  return std::nullopt;
}

// One call: a blind transfer, `call` leaves. Two calls: a consult transfer, the agent's two
// parties are joined and both calls leave the agent (the other one first).
Status AgentMachine::transfer(std::int64_t now_ms, CallId call) {
  if (auto t = check_time(Action::Transfer, now_ms)) return t;
  if (state_ != State::OnCall) return refuse(Action::Transfer, RejectCode::WrongState);
  if (find_call(call) == nullptr) return refuse(Action::Transfer, RejectCode::UnknownCall);
  for (const auto& c : std::vector<CallSlot>(calls_))
    if (c.id != call) release(now_ms, c.id, Cause::Transferred);
  release(now_ms, call, Cause::Transferred);
  return std::nullopt;
}

Status AgentMachine::merge(std::int64_t now_ms) {
  if (auto t = check_time(Action::Merge, now_ms)) return t;
  if (state_ != State::OnCall || calls_.size() != 2 || merged_)
    return refuse(Action::Merge, RejectCode::WrongState);
  merged_ = true;
  for (auto& c : calls_) c.held = false;
  note(now_ms, Cause::Merged);
  return std::nullopt;
}

// The agent drops out: every call leaves the agent. Whether the others stay joined (leave) or
// are hung up (terminate) is the owner's media decision; for the agent both end the same way.
Status AgentMachine::leave(std::int64_t now_ms) {
  if (auto t = check_time(Action::Leave, now_ms)) return t;
  if (state_ != State::OnCall) return refuse(Action::Leave, RejectCode::WrongState);
  while (!calls_.empty()) release(now_ms, calls_.back().id, Cause::Left);
  return std::nullopt;
}

Status AgentMachine::submit_wrap(std::int64_t now_ms, std::string_view code) {
  if (auto t = check_time(Action::SubmitWrap, now_ms)) return t;
  if (state_ != State::Wrap) return refuse(Action::SubmitWrap, RejectCode::WrongState);
  const auto& codes = interaction_.wrap.codes;
  const bool known =
      codes.empty() ? !code.empty() : std::find(codes.begin(), codes.end(), code) != codes.end();
  if (!known) return refuse(Action::SubmitWrap, RejectCode::UnknownWrapCode);
  go_idle(now_ms, Cause::Wrapped, std::string(code), 0, false);
  return std::nullopt;
}

Status AgentMachine::extend_wrap(std::int64_t now_ms) {
  if (auto t = check_time(Action::ExtendWrap, now_ms)) return t;
  if (state_ != State::Wrap) return refuse(Action::ExtendWrap, RejectCode::WrongState);
  if (deadline_ms_ == 0) return refuse(Action::ExtendWrap, RejectCode::NoWrapTimer);
  if (extension_used_ || interaction_.wrap.extension_ms <= 0)
    return refuse(Action::ExtendWrap, RejectCode::ExtensionUsed);
  extension_used_ = true;
  deadline_ms_ += interaction_.wrap.extension_ms;
  note(now_ms, Cause::WrapExtended);
  return std::nullopt;
}

}  // namespace dialcore::control::agent_state
