#pragma once
// AgentMachine: one agent's state (README.md has the diagram). A value type driven by events
// with the time passed in (ms, monotonic); it never reads a clock, never blocks, never throws.
// Each accepted event appends Transition records to an outbox the owner drains; a refused event
// returns a Rejection and changes nothing (not even the outbox). Timers are deadlines the owner
// schedules: next_deadline(), then on_timer(now).

#include "control/agent_state/agent_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::control::agent_state {

// A call the agent holds. `held`: on hold (the consult's first call, or the agent's hold).
struct CallSlot {
  CallId id = 0;
  bool held = false;
  friend bool operator==(const CallSlot&, const CallSlot&) = default;
};

class AgentMachine {
 public:
  static constexpr std::size_t kMaxCalls = 2;  // one active + one on hold (consult)

  AgentMachine(AgentPolicy policy, std::int64_t now_ms);

  // --- session and voice ---
  Status login(std::int64_t now_ms);          // LoggedOut → NoVoice
  Status connect_voice(std::int64_t now_ms);  // NoVoice → Available | Paused(login)
  Status lose_voice(std::int64_t now_ms);     // → AutoPaused(VoiceLost), see README
  Status logout(std::int64_t now_ms);         // not while Reserved/OnCall/Wrap
  Status force_logout(std::int64_t now_ms);   // supervisor: from any logged-in state

  // --- status ---
  // Paused with `code`; during a call or wrap it is remembered ("pause after call").
  Status pause(std::int64_t now_ms, std::string_view code);
  // Available; a supervisor may end a supervisor-only pause. During a call/wrap: pending.
  Status set_available(std::int64_t now_ms, bool by_supervisor = false);

  // --- calls ---
  bool accepts(CallKind kind) const;  // would offer() of this kind be taken now
  Status offer(std::int64_t now_ms, CallId call, const CallContext& ctx);       // → Reserved
  Status start_call(std::int64_t now_ms, CallId call, const CallContext& ctx);  // manual
  Status answer(std::int64_t now_ms, CallId call);    // Reserved → OnCall
  Status reject(std::int64_t now_ms, CallId call);    // the agent declines: back where it was
  Status withdraw(std::int64_t now_ms, CallId call);  // caller gone / ACD moved on
  // The ring timeout, decided outside (the ACD's AutoPause): as if the machine's own fired.
  Status no_answer(std::int64_t now_ms, CallId call);
  Status hold(std::int64_t now_ms, CallId call);
  Status retrieve(std::int64_t now_ms, CallId call);  // the other call, if any, goes on hold
  // Puts the active call on hold and adds `consult` as the active one.
  Status start_consult(std::int64_t now_ms, CallId consult);
  Status end_call(std::int64_t now_ms, CallId call);  // either side hung up this call
  Status transfer(std::int64_t now_ms, CallId call);  // blind or consult: `call` leaves
  Status merge(std::int64_t now_ms);                  // two calls → one conference
  Status leave(std::int64_t now_ms);                  // the agent leaves: every call leaves

  // --- wrap ---
  Status submit_wrap(std::int64_t now_ms, std::string_view code);
  Status extend_wrap(std::int64_t now_ms);

  // --- timers ---
  std::optional<std::int64_t> next_deadline() const;
  // Fires the ring timeout or auto-wrap when due; returns whether something fired. Early or
  // late calls are fine (a timer the owner failed to cancel does nothing).
  bool on_timer(std::int64_t now_ms);

  // --- reading ---
  State state() const { return state_; }
  bool voice() const { return voice_; }
  const std::optional<PauseSpec>& pause_spec() const { return pause_; }  // Paused/AutoPaused
  const std::optional<PauseSpec>& pending() const { return pending_; }   // after the call
  const std::vector<CallSlot>& calls() const { return calls_; }
  bool merged() const { return merged_; }
  bool extension_used() const { return extension_used_; }
  std::int64_t state_since_ms() const { return since_ms_; }
  const AgentPolicy& policy() const { return policy_; }
  // Time in each state from construction to now_ms (now_ms ≥ the last event's time).
  StateTimes time_in_state(std::int64_t now_ms) const;

  // Records since the last drain, oldest first.
  const std::vector<Transition>& outbox() const { return outbox_; }
  std::vector<Transition> drain();

  // "" when the state is consistent; otherwise what is wrong (tests call it after each event).
  std::string invariant_violation() const;

  friend bool operator==(const AgentMachine&, const AgentMachine&) = default;

 private:
  Status refuse(Action a, RejectCode c) const { return Rejection{state_, a, c}; }
  Status check_time(Action a, std::int64_t now_ms) const;
  Status check_ringing(Action a, std::int64_t now_ms, CallId call) const;  // Reserved with `call`
  const PauseRule* find_reason(std::string_view code) const;
  CallSlot* find_call(CallId call);
  void enter(std::int64_t now_ms, State to, Cause cause, std::string detail = {}, CallId call = 0,
             bool released = false);
  void note(std::int64_t now_ms, Cause cause, std::string detail = {}, CallId call = 0,
            bool released = false);  // a record without a state change
  void go_idle(std::int64_t now_ms, Cause cause, std::string detail, CallId call, bool released);
  void release(std::int64_t now_ms, CallId call, Cause cause);  // remove; → Wrap when last
  void ring_timeout(std::int64_t now_ms);
  Status take_call(std::int64_t now_ms, Action a, CallId call, const CallContext& ctx);

  AgentPolicy policy_;
  State state_ = State::LoggedOut;
  std::int64_t since_ms_ = 0;  // when state_ was entered
  std::int64_t last_ms_ = 0;   // the last accepted event's time
  StateTimes times_{};         // closed intervals per state
  bool voice_ = false;
  std::optional<PauseSpec> pause_;    // set in Paused/AutoPaused only
  std::optional<PauseSpec> pending_;  // where to go after the call/wrap; nullopt: Available
  std::vector<CallSlot> calls_;       // ≤ kMaxCalls; Reserved: 1; OnCall: 1-2
  bool merged_ = false;               // the two calls are one conference
  CallContext interaction_;           // of the call that started the interaction
  std::int64_t deadline_ms_ = 0;      // ring or wrap deadline; 0 none
  bool extension_used_ = false;
  std::vector<Transition> outbox_;
};

}  // namespace dialcore::control::agent_state
