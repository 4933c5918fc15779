// AgentMachine: session, voice, status, timers and the bookkeeping every event shares. The
// call and wrap events are in agent_calls.cpp.
#include "control/agent_state/agent_machine.hpp"

#include <algorithm>
#include <utility>

namespace dialcore::control::agent_state {

AgentMachine::AgentMachine(AgentPolicy policy, std::int64_t now_ms)
    : policy_(std::move(policy)), since_ms_(now_ms), last_ms_(now_ms) {}

Status AgentMachine::check_time(Action a, std::int64_t now_ms) const {
  if (now_ms < last_ms_) return refuse(a, RejectCode::TimeWentBackwards);
  return std::nullopt;
}

const PauseRule* AgentMachine::find_reason(std::string_view code) const {
  for (const auto& r : policy_.pause_reasons)
    if (r.code == code) return &r;
  return nullptr;
}

void AgentMachine::enter(std::int64_t now_ms, State to, Cause cause, std::string detail,
                         CallId call, bool released) {
  const auto from = state_;
  times_[static_cast<std::size_t>(from)] += now_ms - since_ms_;
  since_ms_ = now_ms;
  last_ms_ = now_ms;
  state_ = to;
  outbox_.push_back(Transition{now_ms, from, to, cause, std::move(detail), call, released});
}

void AgentMachine::note(std::int64_t now_ms, Cause cause, std::string detail, CallId call,
                        bool released) {
  last_ms_ = now_ms;
  outbox_.push_back(Transition{now_ms, state_, state_, cause, std::move(detail), call, released});
}

// Leaves Reserved or Wrap for the pause remembered in pending_, or Available. Without voice the
// agent cannot be Available, so it lands in AutoPaused(VoiceLost).
void AgentMachine::go_idle(std::int64_t now_ms, Cause cause, std::string detail, CallId call,
                           bool released) {
  calls_.clear();
  merged_ = false;
  deadline_ms_ = 0;
  extension_used_ = false;
  pause_ = std::exchange(pending_, std::nullopt);
  if (!pause_ && !voice_) pause_ = PauseSpec{policy_.auto_pause_code, AutoCause::VoiceLost};
  const State to = !pause_                            ? State::Available
                   : pause_->cause == AutoCause::None ? State::Paused
                                                      : State::AutoPaused;
  enter(now_ms, to, cause, std::move(detail), call, released);
}

Status AgentMachine::login(std::int64_t now_ms) {
  if (auto t = check_time(Action::Login, now_ms)) return t;
  if (state_ != State::LoggedOut) return refuse(Action::Login, RejectCode::WrongState);
  enter(now_ms, State::NoVoice, Cause::Login);
  return std::nullopt;
}

Status AgentMachine::connect_voice(std::int64_t now_ms) {
  if (auto t = check_time(Action::ConnectVoice, now_ms)) return t;
  if (state_ == State::LoggedOut) return refuse(Action::ConnectVoice, RejectCode::WrongState);
  if (voice_) return refuse(Action::ConnectVoice, RejectCode::AlreadyConnected);
  voice_ = true;
  if (state_ != State::NoVoice) {  // a reconnect: the agent chooses Available itself (seed 001)
    note(now_ms, Cause::VoiceConnected);
    return std::nullopt;
  }
  if (policy_.login_in_pause) {
    pause_ = PauseSpec{policy_.login_pause_code, AutoCause::None, false};
    enter(now_ms, State::Paused, Cause::VoiceConnected, policy_.login_pause_code);
  } else {
    enter(now_ms, State::Available, Cause::VoiceConnected);
  }
  return std::nullopt;
}

Status AgentMachine::lose_voice(std::int64_t now_ms) {
  if (auto t = check_time(Action::LoseVoice, now_ms)) return t;
  if (state_ == State::LoggedOut) return refuse(Action::LoseVoice, RejectCode::WrongState);
  if (!voice_) return refuse(Action::LoseVoice, RejectCode::NoVoice);
  voice_ = false;
  const PauseSpec lost{policy_.auto_pause_code, AutoCause::VoiceLost, false};
  switch (state_) {
    case State::Paused:
    case State::AutoPaused: note(now_ms, Cause::VoiceLost); break;
    case State::Wrap:
      pending_ = lost;
      note(now_ms, Cause::VoiceLost, lost.code);
      break;
    case State::OnCall:  // the calls went with the voice path: released, then wrap
      pending_ = lost;
      while (calls_.size() > 1) {
        note(now_ms, Cause::VoiceLost, lost.code, calls_.back().id, true);
        calls_.pop_back();
      }
      release(now_ms, calls_.front().id, Cause::VoiceLost);
      break;
    default: {  // Available, Reserved (the offered call is released)
      const CallId call = calls_.empty() ? 0 : calls_.front().id;
      pending_ = lost;
      go_idle(now_ms, Cause::VoiceLost, lost.code, call, call != 0);
    }
  }
  return std::nullopt;
}

Status AgentMachine::logout(std::int64_t now_ms) {
  if (auto t = check_time(Action::Logout, now_ms)) return t;
  if (state_ == State::LoggedOut) return refuse(Action::Logout, RejectCode::WrongState);
  if (state_ == State::Reserved || state_ == State::OnCall || state_ == State::Wrap)
    return refuse(Action::Logout, RejectCode::OnCall);
  voice_ = false;
  pause_.reset();
  enter(now_ms, State::LoggedOut, Cause::Logout);
  return std::nullopt;
}

// A supervisor ends the session whatever it is doing: every call is released (the owner hangs
// the legs up), an open interaction is closed with the campaign's auto-wrap code (detail).
Status AgentMachine::force_logout(std::int64_t now_ms) {
  if (auto t = check_time(Action::ForceLogout, now_ms)) return t;
  if (state_ == State::LoggedOut) return refuse(Action::ForceLogout, RejectCode::WrongState);
  const bool open = state_ == State::OnCall || state_ == State::Wrap;
  for (const auto& c : calls_) note(now_ms, Cause::ForcedLogout, {}, c.id, true);
  calls_.clear();
  merged_ = false;
  deadline_ms_ = 0;
  extension_used_ = false;
  voice_ = false;
  pause_.reset();
  pending_.reset();
  enter(now_ms, State::LoggedOut, Cause::ForcedLogout, open ? interaction_.wrap.auto_code : "");
  return std::nullopt;
}

Status AgentMachine::pause(std::int64_t now_ms, std::string_view code) {
  if (auto t = check_time(Action::Pause, now_ms)) return t;
  if (state_ == State::LoggedOut) return refuse(Action::Pause, RejectCode::WrongState);
  if (state_ == State::NoVoice) return refuse(Action::Pause, RejectCode::NoVoice);
  if (!policy_.may_pause) return refuse(Action::Pause, RejectCode::NotPermitted);
  if (code.empty() && policy_.require_pause_reason)
    return refuse(Action::Pause, RejectCode::ReasonRequired);
  const PauseRule* rule = find_reason(code);
  if (!code.empty() && rule == nullptr) return refuse(Action::Pause, RejectCode::UnknownReason);
  const bool idle =
      state_ == State::Available || state_ == State::Paused || state_ == State::AutoPaused;
  const auto& current = idle ? pause_ : pending_;
  if (current && current->supervisor_only) return refuse(Action::Pause, RejectCode::SupervisorOnly);
  PauseSpec spec{std::string(code), AutoCause::None, rule != nullptr && rule->supervisor_only};
  if (idle) {
    pause_ = std::move(spec);
    enter(now_ms, State::Paused, Cause::Pause, std::string(code));
  } else {  // Reserved, OnCall, Wrap: pause after the call
    pending_ = std::move(spec);
    note(now_ms, Cause::PausePending, std::string(code));
  }
  return std::nullopt;
}

Status AgentMachine::set_available(std::int64_t now_ms, bool by_supervisor) {
  if (auto t = check_time(Action::SetAvailable, now_ms)) return t;
  switch (state_) {
    case State::LoggedOut:
    case State::Available: return refuse(Action::SetAvailable, RejectCode::WrongState);
    case State::NoVoice: return refuse(Action::SetAvailable, RejectCode::NoVoice);
    case State::Paused:
    case State::AutoPaused:
      if (pause_->supervisor_only && !by_supervisor)
        return refuse(Action::SetAvailable, RejectCode::SupervisorOnly);
      if (!voice_) return refuse(Action::SetAvailable, RejectCode::NoVoice);
      pause_.reset();
      enter(now_ms, State::Available, Cause::Available);
      return std::nullopt;
    default:  // Reserved, OnCall, Wrap: cancel the pause after the call
      if (!pending_) return refuse(Action::SetAvailable, RejectCode::WrongState);
      if (pending_->supervisor_only && !by_supervisor)
        return refuse(Action::SetAvailable, RejectCode::SupervisorOnly);
      if (!voice_) return refuse(Action::SetAvailable, RejectCode::NoVoice);
      pending_.reset();
      note(now_ms, Cause::AvailablePending);
      return std::nullopt;
  }
}

std::optional<std::int64_t> AgentMachine::next_deadline() const {
  if (deadline_ms_ == 0) return std::nullopt;
  return deadline_ms_;
}

bool AgentMachine::on_timer(std::int64_t now_ms) {
  if (deadline_ms_ == 0 || now_ms < deadline_ms_ || now_ms < last_ms_) return false;
  if (state_ == State::Reserved) {
    ring_timeout(now_ms);
  } else {  // Wrap: auto-wrap with the campaign's default code
    go_idle(now_ms, Cause::AutoWrapped, interaction_.wrap.auto_code, 0, false);
  }
  return true;
}

// The call goes back to its queue; an agent who was Available is auto-paused (seed 001 "Auto
// Pause"), one who took a transfer while paused returns to that pause.
void AgentMachine::ring_timeout(std::int64_t now_ms) {
  const CallId call = calls_.front().id;
  if (!pending_) pending_ = PauseSpec{policy_.auto_pause_code, AutoCause::RingTimeout, false};
  go_idle(now_ms, Cause::RingTimeout, pending_->code, call, true);
}

StateTimes AgentMachine::time_in_state(std::int64_t now_ms) const {
  StateTimes t = times_;
  t[static_cast<std::size_t>(state_)] += std::max<std::int64_t>(0, now_ms - since_ms_);
  return t;
}

std::vector<Transition> AgentMachine::drain() { return std::exchange(outbox_, {}); }

std::string AgentMachine::invariant_violation() const {
  const bool no_calls = calls_.empty();
  for (std::size_t i = 0; i < calls_.size(); ++i) {
    if (calls_[i].id == 0) return "call id 0 held";
    for (std::size_t j = i + 1; j < calls_.size(); ++j)
      if (calls_[i].id == calls_[j].id) return "a call held twice";
  }
  if (calls_.size() > kMaxCalls) return "more than two calls";
  if (since_ms_ > last_ms_) return "state entered after the last event";
  const bool timed = state_ == State::Reserved || state_ == State::Wrap;
  if (deadline_ms_ != 0 && !timed) return "a deadline outside Reserved/Wrap";
  if (merged_ && (state_ != State::OnCall || calls_.size() != 2)) return "merge without 2 calls";
  const bool paused = state_ == State::Paused || state_ == State::AutoPaused;
  if (paused != pause_.has_value()) return "pause spec and state disagree";
  if (paused && (pause_->cause == AutoCause::None) != (state_ == State::Paused))
    return "auto cause and state disagree";
  switch (state_) {
    case State::LoggedOut:
    case State::NoVoice:
      if (voice_ || !no_calls || pending_)
        return "logged out/no voice with voice, calls or pending";
      break;
    case State::Available:
      if (!voice_ || !no_calls || pending_) return "available without voice or with calls";
      break;
    case State::Paused:
    case State::AutoPaused:
      if (!no_calls || pending_) return "paused with calls or pending";
      break;
    case State::Reserved:
      if (!voice_ || calls_.size() != 1 || calls_[0].held) return "reserved needs one live call";
      break;
    case State::OnCall: {
      if (!voice_ || no_calls) return "on call without voice or calls";
      const auto live =
          std::count_if(calls_.begin(), calls_.end(), [](const CallSlot& c) { return !c.held; });
      if (live > 1 && !merged_) return "two live calls without a merge";
      break;
    }
    case State::Wrap:
      if (!no_calls) return "wrap with calls";
      if (!voice_ && !pending_) return "wrap without voice and without a pending pause";
      break;
  }
  return {};
}

}  // namespace dialcore::control::agent_state
