#pragma once
// What the owner of a call (dialler, ACD, agent API) sees of the B2BUA: call handles, typed
// call events, outcomes, the requests it makes and the counters for /metrics. No SIP or
// dataplane type is needed to read an event.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "control/sip/sip_types.hpp"

namespace dialcore::control::calls {

using CallHandle = std::uint64_t;  // the controller's own id for a call (both legs); 0: none

enum class Side : std::uint8_t { Customer, Agent };
std::string_view side_name(Side side);

// How a call (or an agent attempt) ended.
enum class CallOutcome : std::uint8_t {
  Normal,         // answered, then either side (or hangup()) ended it
  Busy,           // 486, 600, 603
  NoAnswer,       // 480, 408, our invite timeout
  InvalidNumber,  // 404, 484, 604, or a number the SIP layer refuses
  Congestion,     // 500, 502, 503
  Rejected,       // we turned an inbound call down (router), or 403-style refusals
  Cancelled,      // given up before the answer (our hangup(), the caller's CANCEL)
  Refused,        // refused locally: trunk limits, unknown trunk, SIP queue full
  SdpFailure,     // the far end's SDP could not be used (488 sent, or BYE after a bad answer)
  MediaFailure,   // a leg could not be allocated or programmed (dataplane busy, timeout)
  MediaTimeout,   // no RTP on an answered leg for the leg's rtp timeout
  Failed,         // any other SIP failure
  Shutdown,       // the SIP stack stopped with the call up
};
inline constexpr std::size_t kCallOutcomeCount = 13;
std::string_view outcome_name(CallOutcome outcome);
// The outcome of a call whose SIP leg ended with `end` (answered: the call had been answered).
CallOutcome outcome_of(sip::CallEnd end, bool answered);

enum class CallEventKind : std::uint8_t {
  Ringing,        // customer leg: 18x without SDP (outbound), or we sent 180 (inbound)
  EarlyMedia,     // customer leg: 18x with SDP, the leg hears the far end (SIT, AMD)
  Answered,       // customer leg is up: outbound 200 programmed, or inbound answered by us
  AgentRinging,   // agent leg: 18x
  AgentAnswered,  // agent leg: 200, programmed
  Bridged,        // both legs up and bridged on their worker
  AgentEnded,     // the agent attempt ended before the bridge; the customer leg stays
  Held,           // side's far end put us on hold (re-INVITE sendonly/inactive)
  Resumed,        // side's far end resumed (re-INVITE sendrecv)
  Dtmf,           // a key from side: SIP INFO or RFC 4733 (digit)
  PromptStarted,  // play_prompt()'s audio began on side's leg (the dataplane's AudioStarted)
  PromptEnded,    // it played out or was stopped (AudioEnded)
  Ended,          // the whole call is over: both legs hung up, both media legs destroyed
};
std::string_view event_name(CallEventKind kind);

struct CallEvent {
  CallEventKind kind = CallEventKind::Ended;
  CallHandle call = 0;
  Side side = Side::Customer;
  CallOutcome outcome = CallOutcome::Normal;  // Ended, AgentEnded
  int sip_status = 0;                         // the SIP status behind it, 0 when none
  char digit = 0;                             // Dtmf
  bool rfc4733 = false;                       // Dtmf: from the media (true) or SIP INFO (false)
};
using CallEventHandler = std::function<void(const CallEvent&)>;

// An outbound call on a trunk (a dial attempt).
struct OriginateRequest {
  std::string trunk_id;  // config::SipTrunk::id
  std::string number;    // the number dialled
  std::string cli;       // empty: the trunk's
  std::optional<std::int64_t> campaign_id;
  std::optional<std::int64_t> lead_id;  // with campaign_id: the history counts an attempt
  std::optional<std::int64_t> queue_id;
};

// Places the agent leg's INVITE with our SDP offer and returns its SIP call id (0: refused).
// Today SipStack::dial on a trunk that points at the agent's UA; later SipStack::dial_agent
// for registered handsets. Its events must reach CallController::on_sip_event.
using AgentDialer = std::function<sip::CallId(std::string sdp_offer)>;

struct AgentTarget {
  std::int64_t agent_id = 0;
  std::string address;  // what the history records as the agent leg's number (user or URI)
  AgentDialer dial;
  std::vector<std::string> codecs = {"PCMU", "PCMA", "telephone-event"};
  config::SrtpPolicy srtp = config::SrtpPolicy::Off;
};

// An inbound call ready to be routed: its leg exists and our answer is built.
struct InboundCall {
  CallHandle call = 0;
  std::string interface;
  std::string from_user;
  std::string did;
};

struct Route {
  enum class Kind : std::uint8_t {
    Agent,   // answer the caller and connect this agent
    Park,    // answer the caller; the owner calls connect_agent() later (a queue)
    Reject,  // refuse with `status`
  };
  Kind kind = Kind::Reject;
  AgentTarget agent;
  int status = 480;
  std::optional<std::int64_t> queue_id;
};
using InboundRouter = std::function<Route(const InboundCall&)>;

struct CallCounters {
  std::uint64_t calls_started = 0;   // originate() accepted
  std::uint64_t calls_incoming = 0;  // inbound INVITEs taken
  std::uint64_t calls_answered = 0;  // customer legs up
  std::uint64_t calls_bridged = 0;
  std::uint64_t agent_legs = 0;         // agent INVITEs placed
  std::uint64_t agent_legs_failed = 0;  // agent attempts ended before the bridge
  std::uint64_t offers_answered = 0;    // re-INVITEs answered (hold, resume, changes)
  std::uint64_t offers_rejected = 0;
  std::uint64_t dtmf_events = 0;
  std::uint64_t prompts_started = 0;  // play_prompt() audio that began (AudioStarted)
  std::uint64_t prompts_failed = 0;   // play_prompt() refused by the leg (no leg, bad clip)
  std::uint64_t teardown_errors = 0;  // a hangup or destroy that could not be done cleanly
  std::uint64_t destroy_retries = 0;  // destroys sent again after Busy (the ring was full)
  std::uint64_t history_errors = 0;   // a CallHistory report that failed (the call goes on)
  std::array<std::uint64_t, kCallOutcomeCount> ended{};  // by CallOutcome

  std::uint64_t ended_by(CallOutcome o) const { return ended[static_cast<std::size_t>(o)]; }
};

}  // namespace dialcore::control::calls
