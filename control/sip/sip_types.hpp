#pragma once
// What the rest of the system sees of SIP: 64-bit call ids and events by value. No sofia-sip
// type crosses this line (issue 7).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dialcore::control::sip {

using CallId = std::uint64_t;  // 0 is never a call

// How a call ended, as the dialler and agents see it. sip_causes.hpp maps SIP statuses here.
enum class CallEnd : std::uint8_t {
  None,             // not ended
  Busy,             // 486, 600, 603
  NoAnswer,         // 480, 408, or 487 after our invite timeout CANCEL
  InvalidNumber,    // 404, 484, 604
  Congestion,       // 500, 502, 503
  Failed,           // any other final failure; SipEvent::status has the code
  RefusedMaxCalls,  // the trunk's max_calls were all up: refused locally, nothing sent
  RefusedMaxCps,    // the trunk's max_cps bucket was empty: refused locally, nothing sent
  NoSuchTrunk,      // dial() named a trunk the configuration does not have
  Cancelled,        // the caller gave up before the answer (our hangup, or a remote CANCEL)
  Rejected,         // we rejected an inbound call or offer (reject())
  RemoteHangup,     // BYE from the far end
  LocalHangup,      // BYE from us (hangup())
  Shutdown,         // the SIP thread stopped with the call up
  NotRegistered,    // dial_agent(): the agent has no registered handset; nothing sent
};
inline constexpr CallEnd kLastCallEnd = CallEnd::NotRegistered;
std::string_view call_end_name(CallEnd end);

enum class SipEventKind : std::uint8_t {
  Progress,   // outbound: 1xx from the far end (180, 183); early_media when it carried SDP
  Answered,   // outbound: 2xx, sdp = the answer; ACK already sent
  Incoming,   // inbound INVITE: sdp = the offer; reply with answer() / reject() / ringing()
  Offer,      // re-INVITE on an established call: sdp = the offer; reply answer() / reject()
  Confirmed,  // inbound: the ACK for our 2xx arrived, the call is up
  Dtmf,       // INFO application/dtmf-relay or application/dtmf: digit, duration_ms
  Ended,      // the call is over: end says why, status the SIP code behind it (0 if none)
  // Added for the agents' side (issue 7 part 4); call is 0 for the registration events.
  Registered,     // an agent's handset registered or refreshed: user, contacts
  Unregistered,   // an agent's last binding went (Expires: 0, "*", or expiry): user
  OfferAnswered,  // our reoffer() got 2xx: sdp = the answer
  OfferFailed,    // our reoffer() was refused (status); the call stays as it was
};
inline constexpr SipEventKind kLastSipEventKind = SipEventKind::OfferFailed;
std::string_view sip_event_kind_name(SipEventKind kind);

struct SipEvent {
  SipEventKind kind = SipEventKind::Ended;
  CallId call = 0;
  int status = 0;  // the SIP status behind this event, 0 when none
  CallEnd end = CallEnd::None;
  bool early_media = false;        // Progress with an SDP body (183 or 180 + SDP)
  std::string sdp;                 // the body when its Content-Type is application/sdp
  std::string interface;           // the interface the call is on (config name)
  std::string from_user;           // Incoming: From's user part
  std::string to_user;             // Incoming: To's user part
  std::string did;                 // Incoming: the Request-URI's user part (the number dialled)
  char digit = 0;                  // Dtmf: 0-9, *, #, A-D
  std::uint32_t duration_ms = 0;   // Dtmf
  std::string user;                // Registered/Unregistered: the agent's SIP username
  std::size_t contacts = 0;        // Registered: the user's bindings now
  std::string authenticated_user;  // Incoming on an agent interface: who passed the digest
};

// An outbound call on a trunk (SipStack::dial).
struct DialRequest {
  std::string trunk_id;   // config::SipTrunk::id
  std::string to_number;  // Request-URI and To user
  std::string cli;        // From user; empty: the trunk's cli
  std::string sdp_offer;  // our offer, sent as the INVITE body (application/sdp)
};

// A call to an agent's registered handset (SipStack::dial_agent), on the agent interface.
struct AgentDialRequest {
  std::string user;          // the agent's SIP username (its registration)
  std::string sdp_offer;     // our offer ("" = offerless INVITE)
  bool auto_answer = false;  // Call-Info answer-after=0 and Alert-Info auto-answer headers
};

// One agent's digest credentials as the registrar checks them: never a password.
struct AgentCredential {
  std::string user;
  std::string ha1;  // MD5(user:realm:password), 32 lower-case hex digits
  bool operator==(const AgentCredential&) const = default;
};

}  // namespace dialcore::control::sip
