#pragma once
// The vocabulary of the agent state machine (AgentMachine): states, the events' arguments, the
// transition records it publishes and the typed rejection of an event. Plain data, std only.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::control::agent_state {

// An interaction (call) id chosen by the owner; 0 is never a call.
using CallId = std::uint64_t;

enum class State : std::uint8_t {
  LoggedOut,   // no session
  NoVoice,     // logged in, no voice connection yet (or a reconnect pending from here)
  Available,   // voice connected, waiting for a call
  Paused,      // by the agent or a supervisor, with a reason code (DND applies here)
  AutoPaused,  // by the system: ring timeout or voice lost
  Reserved,    // one call offered (ringing) or a manual call being dialled
  OnCall,      // talking; one or two calls, at most one not on hold (consult)
  Wrap,        // after-call work; ends with a wrap code (or the campaign's auto-wrap)
};
inline constexpr std::size_t kStateCount = 8;

// Why the system paused the agent (State::AutoPaused).
enum class AutoCause : std::uint8_t { None, RingTimeout, VoiceLost };

// How a call reached the agent; decides which states may take it (AgentMachine::accepts).
enum class CallKind : std::uint8_t {
  Routed,    // from a queue (ACD) or the dialler: Available only
  Transfer,  // another agent's transfer: Available, or Paused with receive_transfers_when_paused
  Direct,    // an internal/direct call: Available, or Paused when DND-in-pause is off
  Manual,    // the agent dials out (permission manual_call): Available or Paused
};

// The pause an agent is in or returns to after a call ("pause after call").
struct PauseSpec {
  std::string code;                   // the organisation's pause reason code ("" none given)
  AutoCause cause = AutoCause::None;  // not None: an auto pause
  bool supervisor_only = false;       // only a supervisor ends it (PauseReason::enforced)
  friend bool operator==(const PauseSpec&, const PauseSpec&) = default;
};

// The campaign's (or queue's) wrap rules, carried by the call that starts an interaction.
struct WrapPolicy {
  std::int64_t timer_ms = 0;       // auto-wrap after; 0 none (wait for the agent)
  std::string auto_code;           // applied by auto-wrap (required when timer_ms > 0)
  std::int64_t extension_ms = 0;   // one extension on request; 0 none allowed
  std::vector<std::string> codes;  // codes the agent may submit; empty: any non-empty code
  friend bool operator==(const WrapPolicy&, const WrapPolicy&) = default;
};

struct CallContext {
  CallKind kind = CallKind::Routed;
  std::int64_t ring_timeout_ms = 0;  // Reserved → AutoPaused(RingTimeout) after; 0 none
  WrapPolicy wrap;
  friend bool operator==(const CallContext&, const CallContext&) = default;
};

struct PauseRule {
  std::string code;
  bool supervisor_only = false;  // config PauseReason::enforced
  friend bool operator==(const PauseRule&, const PauseRule&) = default;
};

// The organisation's and the agent's settings the machine enforces (from config / the store).
struct AgentPolicy {
  bool may_pause = true;                       // AgentPermissions::pause
  bool manual_call = true;                     // AgentPermissions::manual_call
  bool receive_transfers_when_paused = false;  // AgentPermissions
  bool dnd_in_pause = true;                    // direct calls refused while paused
  bool login_in_pause = false;                 // voice connected → Paused(login_pause_code)
  bool require_pause_reason = false;           // the organisation enforces a reason
  std::string login_pause_code = "login";
  std::string auto_pause_code = "auto";  // the PauseReason with auto_pause = true
  std::vector<PauseRule> pause_reasons;  // known codes; "" is allowed unless required
  friend bool operator==(const AgentPolicy&, const AgentPolicy&) = default;
};

// What happened, in a transition record.
enum class Cause : std::uint8_t {
  Login,
  VoiceConnected,
  VoiceLost,
  Pause,
  PausePending,
  Available,
  AvailablePending,
  Offered,
  ManualCall,
  Answered,
  Rejected,
  Withdrawn,
  RingTimeout,
  Hold,
  Retrieve,
  ConsultStarted,
  CallEnded,
  Transferred,
  Merged,
  Left,
  Wrapped,
  AutoWrapped,
  WrapExtended,
  Logout,
  ForcedLogout,
};

// One timestamped record per accepted event (the owner drains, persists and publishes them).
struct Transition {
  std::int64_t at_ms = 0;
  State from = State::LoggedOut;
  State to = State::LoggedOut;
  Cause cause = Cause::Login;
  std::string detail;          // pause reason or wrap code, when the cause has one
  CallId call = 0;             // the call concerned, 0 none
  bool call_released = false;  // `call` left the agent with this record (owner ends its leg)
  friend bool operator==(const Transition&, const Transition&) = default;
};

// The agent-side requests and system events, named in rejections.
enum class Action : std::uint8_t {
  Login,
  ConnectVoice,
  LoseVoice,
  Pause,
  SetAvailable,
  Offer,
  StartCall,
  Answer,
  Reject,
  Withdraw,
  Hold,
  Retrieve,
  StartConsult,
  EndCall,
  Transfer,
  Merge,
  Leave,
  SubmitWrap,
  ExtendWrap,
  Logout,
  ForceLogout,
  NoAnswer,
};

enum class RejectCode : std::uint8_t {
  TimeWentBackwards,  // now < the last accepted event's time
  WrongState,         // the event has no meaning in this state
  NoVoice,            // needs a voice connection
  AlreadyConnected,   // voice already connected
  OnCall,             // refused while reserved, on a call or in wrap (logout)
  NotPermitted,       // the agent's permissions forbid it
  ReasonRequired,     // the organisation requires a pause reason
  UnknownReason,      // not one of the organisation's pause reasons
  SupervisorOnly,     // this pause is ended by a supervisor only
  UnknownCall,        // the call id is not one the agent holds
  DuplicateCall,      // the call id is already held, or 0
  CallLimit,          // two calls already (one consult at a time)
  NotHeld,            // retrieve of a call not on hold
  AlreadyHeld,        // hold of a call already on hold
  UnknownWrapCode,    // not one of the campaign's wrap codes
  ExtensionUsed,      // the one extension is spent, or none is allowed
  NoWrapTimer,        // extension asked without an auto-wrap timer
};

// A refused event: nothing changed. The API maps `code` through http_status().
struct Rejection {
  State state = State::LoggedOut;
  Action action = Action::Login;
  RejectCode code = RejectCode::WrongState;
  friend bool operator==(const Rejection&, const Rejection&) = default;
};

// nullopt: accepted (records appended to the outbox); otherwise why not.
using Status = std::optional<Rejection>;

std::string_view to_string(State s);
std::string_view to_string(Cause c);
std::string_view to_string(Action a);
std::string_view to_string(RejectCode c);
// 409 for state conflicts, 403 for permissions, 422 for bad arguments, 404 for unknown calls.
int http_status(RejectCode c);

// Milliseconds spent in each state, indexed by State.
using StateTimes = std::array<std::int64_t, kStateCount>;

}  // namespace dialcore::control::agent_state
