#pragma once
// CallControl: what the agent floor asks of the call layer (the B2BUA in control/calls, issue
// 7/8, implements it after the merge; tests use a recording double). The floor checks the
// agent's state and permissions on AgentMachine first and only then calls here; a call that
// returns an error leaves the agent's state unchanged. Calls are requests: what the network
// does afterwards comes back to the floor through Floor::call_ended, voice_connected, dtmf...
// Control thread only; implementations must not block (post work, answer at once).

#include <cstdint>
#include <string>

#include "control/agent_state/agent_types.hpp"

namespace dialcore::control::floor {

using AgentId = std::int64_t;
using agent_state::CallId;

// Accepted, or why not (`error` a short code such as "no_route", "busy"); `call` is the id of a
// call the request created (consult, manual call).
struct CallResult {
  bool ok = true;
  std::string error;
  CallId call = 0;
  static CallResult fail(std::string why) { return CallResult{false, std::move(why), 0}; }
};

enum class TargetKind : std::uint8_t { Agent, Queue, Number };
struct TransferTarget {
  TargetKind kind = TargetKind::Number;
  std::string value;  // agent id, queue id or E.164/number digits
};

enum class VoiceMode : std::uint8_t { CallMe, CallIn };
struct VoiceRequest {
  VoiceMode mode = VoiceMode::CallMe;
  bool persistent = true;
  std::string phone;  // call-me: the handset or number to ring
};

enum class RecordingAction : std::uint8_t { Start, Stop, Pause, Resume, Tag };

class CallControl {
 public:
  virtual ~CallControl() = default;

  // Voice connection (seed 001): the call layer answers later with Floor::voice_connected or
  // Floor::voice_lost.
  virtual CallResult connect_voice(AgentId agent, const VoiceRequest& request) = 0;
  virtual CallResult disconnect_voice(AgentId agent) = 0;

  virtual CallResult answer(AgentId agent, CallId call) = 0;
  virtual CallResult hang_up(AgentId agent, CallId call) = 0;
  virtual CallResult hold(AgentId agent, CallId call, bool on) = 0;
  virtual CallResult mute(AgentId agent, CallId call, bool on) = 0;
  virtual CallResult blind_transfer(AgentId agent, CallId call, const TransferTarget& to) = 0;
  // Puts `held` on hold (already done by hold()) and dials `to`; returns the new call's id.
  virtual CallResult consult(AgentId agent, CallId held, const TransferTarget& to) = 0;
  // Joins the customer and the consulted party, the agent leaves (consult transfer).
  virtual CallResult complete_transfer(AgentId agent, CallId held, CallId consult) = 0;
  virtual CallResult merge(AgentId agent, CallId first, CallId second) = 0;
  // The agent leaves a conference; `terminate`: the others are hung up too.
  virtual CallResult leave(AgentId agent, bool terminate) = 0;
  // Dials `number` for `campaign_id`; returns the new call's id.
  virtual CallResult manual_call(AgentId agent, std::int64_t campaign_id,
                                 const std::string& number) = 0;
  // `tag`: the marker's text for Tag, empty otherwise.
  virtual CallResult recording(AgentId agent, CallId call, RecordingAction action,
                               const std::string& tag) = 0;
  virtual CallResult play_announcement(AgentId agent, CallId call, const std::string& prompt) = 0;
  // Payments: the dataplane masks the customer's DTMF on this call (the agent's handset and
  // the recording hear no tones) and reports the digits through Floor::dtmf.
  virtual CallResult mask_dtmf(CallId call, bool on) = 0;
};

}  // namespace dialcore::control::floor
