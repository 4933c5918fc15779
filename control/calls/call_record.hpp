#pragma once
// Internal to control/calls: one call's state as the controller keeps it (two legs, each with
// its SIP dialog, its dataplane leg and its SDP side). See README.md for the state machine.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/calls/call_types.hpp"
#include "control/media/media_leg.hpp"
#include "control/sdp/local_media.hpp"
#include "control/sdp/negotiated_media.hpp"
#include "control/sdp/sdp_session.hpp"
#include "control/sdp/session_description.hpp"
#include "control/sip/sip_types.hpp"
#include "dataplane/api/net_address.hpp"

namespace dialcore::control::calls {

enum class MediaState : std::uint8_t { None, Allocating, Ready, Destroying };

struct CallLeg {
  sip::CallId sip = 0;
  bool sip_live = false;     // we hold a SIP call id whose Ended has not come yet
  bool hangup_sent = false;  // hangup() or reject() already sent for it
  media::MediaLeg media;
  dataplane::NetAddress address;  // the media leg's local address and port (our SDP)
  MediaState media_state = MediaState::None;
  bool cancelled = false;  // an agent attempt given up while its leg was being allocated
  bool dropping = false;   // drop_agent(): this leg is being let go while the call stays up
  bool answered = false;   // the leg's far end answered (or we answered it, inbound)
  bool held = false;       // the far end holds us (we must not send to it)
  bool early = false;      // programmed from an 18x's SDP
  bool history_open = false;
  // play_prompt(): told once, on AudioEnded, a refused PlayAudio or the leg's release.
  std::function<void(bool played)> prompt_done;
  bool prompt_started = false;
  sdp::LocalMedia local;
  std::unique_ptr<sdp::SdpSession> session;      // our o= line for this dialog
  std::optional<sdp::SessionDescription> offer;  // our offer, awaiting its answer
  std::optional<sdp::NegotiatedMedia> applied;   // what the media leg is programmed with
  std::string pending_offer;                     // inbound: the INVITE's SDP until the leg exists

  bool idle() const { return !sip_live && media_state == MediaState::None; }
};

enum class CallState : std::uint8_t {
  Setup,    // customer leg: allocating, dialling, ringing (outbound) or being answered (inbound)
  Up,       // customer leg answered; no agent bridged
  Bridged,  // customer and agent legs bridged
  Ending,   // teardown: waiting for the SIP Ended events and media destroys
};

struct Call {
  CallHandle id = 0;
  bool inbound = false;
  CallState state = CallState::Setup;
  CallOutcome outcome = CallOutcome::Normal;
  int end_status = 0;
  CallEventHandler handler;
  std::string interface;     // the SIP interface of the customer leg (inbound)
  std::string history_id;    // CallHistory's call id
  OriginateRequest request;  // outbound: what was dialled; inbound: did and caller
  std::optional<std::int64_t> agent_id;
  std::string agent_address;
  bool abandoned = false;  // mark_abandoned(): the customer leg's CDR ends "abandoned"
  bool message_left = false;  // mark_message_left(): it ends "message_left"
  // call_agent(): the "customer" slot is an agent's handset reached through `dial_via` (its
  // CDR leg is internal, with the agent id), not a trunk.
  AgentDialer dial_via;
  std::vector<std::string> dial_codecs;
  config::SrtpPolicy dial_srtp = config::SrtpPolicy::Off;
  std::vector<CallHandle> linked;  // link(): calls ended together with this one
  std::array<CallLeg, 2> legs;  // indexed by Side

  CallLeg& leg(Side s) { return legs[static_cast<std::size_t>(s)]; }
};

}  // namespace dialcore::control::calls
