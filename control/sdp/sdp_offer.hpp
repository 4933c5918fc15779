#pragma once
// Our own offers (outbound INVITE; re-INVITE for hold and resume) and reading the answer to
// one (RFC 3264 5 and 7).

#include <optional>
#include <string>
#include <string_view>

#include "control/sdp/local_media.hpp"
#include "control/sdp/negotiated_media.hpp"
#include "control/sdp/sdp_failure.hpp"
#include "control/sdp/sdp_session.hpp"
#include "control/sdp/session_description.hpp"

namespace dialcore::control::sdp {

struct OfferResult {
  std::string sdp;                    // the body to send
  SessionDescription description;     // keep it: accept_answer checks the answer against it
  std::optional<SdpFailure> failure;  // 500: SRTP wanted but no key material given; sdp empty
  bool ok() const { return !failure.has_value(); }
};

// One audio m= line at local.address: local.codecs in order with static PTs where they exist,
// dynamic ones from 96, telephone-event at 8000 Hz (101) and at 48000 Hz (102) when Opus is
// offered; a=ptime, a=rtcp-mux, the direction local.direction (SendOnly/Inactive = hold,
// SendRecv = resume). SRTP: Off plain RTP/AVP; Required RTP/SAVP with one a=crypto per suite;
// Optional RTP/AVP with the same a=crypto lines (best-effort SDES: a peer that knows SDES
// answers with one, a peer that does not ignores them).
OfferResult offer(const LocalMedia& local, SdpSession& session);

struct NegotiationResult {
  NegotiatedMedia media;
  std::optional<SdpFailure> failure;  // the answer is unusable: end the call (ACK then BYE)
  bool ok() const { return !failure.has_value(); }
};

// Checks a remote answer against our offer: the same number of m= lines, our audio line not
// rejected, the same transport, only payload types we offered with the codec we offered
// under them, a=crypto echoing one of our tags with its suite (required when we offered
// RTP/SAVP or our policy is Required).
NegotiationResult accept_answer(const SessionDescription& our_offer, std::string_view answer_body,
                                const LocalMedia& local);

}  // namespace dialcore::control::sdp
