#pragma once
// AgentVoice: the agents' voice connections (issue 8, seed 001) on the B2BUA.
//   - non-persistent call-me: nothing is held; each customer call rings the agent's registered
//     handset (SipStack::dial_agent, auto-answer);
//   - persistent call-me: one standing leg per session (CallController::open_agent_leg) to the
//     agent's handset, or to a number through organisation.agent_phone_trunk; each customer
//     call is bridged to it after the "beep" prompt plays on it (bridge_standing); between
//     calls the leg stays up, silent;
//   - call-in: the agent dials a call-in number, keys agent id # PIN # (CallInLine), and that
//     inbound call becomes its standing leg (adopt_standing).
// A standing leg that ends (BYE from the handset, RTP timeout, failure) auto-pauses the agent
// (Floor::voice_lost: reason "voice lost", a reconnect action published) and hangs up the
// customer bridged to it. A ring timeout gives up the ringing handset (cancel_agent).
// Control thread only.

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/calls/call_controller.hpp"
#include "control/floor/call_control.hpp"
#include "control/sip/sip_stack.hpp"

namespace dialcore::control::floor {
class Floor;
}

namespace dialcore::control::appliance {

struct VoiceCounters {
  std::uint64_t standing_opened = 0;  // persistent legs placed (call-me) or adopted (call-in)
  std::uint64_t standing_up = 0;      // answered: voice connected
  std::uint64_t standing_lost = 0;    // ended while the agent still wanted it: auto-paused
  std::uint64_t standing_bridges = 0;  // customer calls sent to a standing leg
  std::uint64_t standing_busy = 0;     // a customer call the standing leg could not take
  std::uint64_t beeps_started = 0;     // the beep's AudioStarted on a standing leg
  std::uint64_t beeps_ended = 0;       // its AudioEnded (the bridge follows)
  std::uint64_t rung = 0;              // customer calls that rang the handset (non-persistent)
  std::uint64_t ring_timeouts = 0;     // ringing handsets given up
};

class AgentVoice {
 public:
  using HandsetOf = std::function<std::optional<std::string>(std::int64_t agent)>;
  using ClipOf = std::function<std::optional<std::uint32_t>(const std::string&)>;
  AgentVoice(boost::asio::io_context& io, calls::CallController& calls, sip::SipStack& sip,
             HandsetOf handset, ClipOf prompt_clip, std::function<std::int64_t()> wall_ms);
  void set_floor(floor::Floor* f) { floor_ = f; }
  void set_phone_trunk(std::string trunk) { phone_trunk_ = std::move(trunk); }

  // FloorCallControl::connect_voice / disconnect_voice.
  floor::CallResult connect(std::int64_t agent, const floor::VoiceRequest& request);
  floor::CallResult disconnect(std::int64_t agent);

  // A customer call (Up, no agent leg) to `agent`: bridged to its standing leg with the beep,
  // or its handset rung. Its outcome comes to the call's owner as Bridged or AgentEnded. False:
  // nothing started (no handset, standing leg not up or busy, another worker).
  bool connect_call(calls::CallHandle call, std::int64_t agent);
  // A ring timeout for `call`: its ringing handset is given up (AgentEnded follows: true).
  bool ring_timeout(calls::CallHandle call);

  // Call-in: agent `agent` keyed valid credentials on inbound call `call` (Up): it becomes the
  // agent's standing leg and the agent's voice is connected. False: the agent did not ask for
  // call-in (no pending connect_voice in that mode) or the call cannot be adopted.
  bool call_in(calls::CallHandle call, std::int64_t agent);
  // The events of a call-in call once adopted (its owner forwards them).
  void on_call_in_event(const calls::CallEvent& e);

  // The agent's standing leg (0 none) and whether it is up.
  calls::CallHandle standing(std::int64_t agent) const;
  bool voice_up(std::int64_t agent) const;
  const VoiceCounters& counters() const { return counters_; }
  // Wall-clock ms of the last beeps' AudioEnded (tests compare them with the CDRs' bridge).
  const std::vector<std::int64_t>& beep_ends_ms() const { return beep_ends_ms_; }

 private:
  struct Session {
    floor::VoiceRequest request;
    calls::CallHandle leg = 0;  // the standing call; 0 none (non-persistent, or call-in waiting)
    bool up = false;
    bool closing = false;  // disconnect(): its end is not a loss
  };
  void on_standing_event(std::int64_t agent, const calls::CallEvent& e);
  void standing_ended(std::int64_t agent, calls::CallHandle leg);
  Session* find(std::int64_t agent);
  std::int64_t agent_of(calls::CallHandle standing) const;

  boost::asio::io_context& io_;
  calls::CallController& calls_;
  sip::SipStack& sip_;
  HandsetOf handset_;
  ClipOf prompt_clip_;
  std::function<std::int64_t()> wall_ms_;
  floor::Floor* floor_ = nullptr;
  std::string phone_trunk_;
  std::map<std::int64_t, Session> sessions_;
  VoiceCounters counters_;
  std::vector<std::int64_t> beep_ends_ms_;  // the last 64
};

}  // namespace dialcore::control::appliance
