#pragma once
// Internal to control/sdp: the negotiation rules shared by sdp_answer (answering an offer) and
// sdp_offer (checking the answer to our offer).

#include <span>

#include "control/sdp/local_media.hpp"
#include "control/sdp/negotiated_media.hpp"
#include "control/sdp/sdp_failure.hpp"
#include "control/sdp/session_description.hpp"

namespace dialcore::control::sdp::rules {

struct CodecChoice {
  const PayloadFormat* codec = nullptr;  // nullptr: nothing in common
  const PayloadFormat* event = nullptr;  // telephone-event at the codec's clock, when both want it
};

// ours_first: the first of OUR preferences the remote lists (answering an offer); otherwise the
// first format the remote lists that we want (reading an answer: the answerer already chose).
CodecChoice choose_codec(const MediaDescription& remote, std::span<const codecs::CodecId> prefs,
                         bool ours_first);

// What we send, given the remote's ptime/maxptime and ours: the remote's ptime when the codec
// can packetise it (whole frames; Opus one frame of 10/20/40/60 ms), else ours, else one frame.
dataplane::CodecSpec send_spec(const PayloadFormat& f, const MediaDescription& remote,
                               std::uint16_t local_ptime_ms);

// The remote's direction as it affects us: c=0.0.0.0 (RFC 2543 hold) means "do not send to me".
Direction remote_direction(const MediaDescription& remote);

// The crypto line to answer with: nullptr with no failure = plain RTP (policy rules in README).
struct CryptoChoice {
  const CryptoAttr* remote = nullptr;
  std::optional<SdpFailure> failure;
};
CryptoChoice choose_crypto(const MediaDescription& offer, const LocalMedia& local);

// The rtpmap/fmtp we write for a format: same PT, name, clock and channels; our receive fmtp
// (the registry's default for the codec), except G.729 annexb which mirrors the negotiated one.
PayloadFormat our_format(const PayloadFormat& chosen);

// False when the caller left LocalMedia::srtp_key_material all zero: we never send a zero key.
bool has_key_material(const LocalMedia& local);

// Remote RTP/RTCP addresses and rtcp-mux (when both do it) into out.
void take_remote_transport(const MediaDescription& remote, bool local_mux, NegotiatedMedia& out);

}  // namespace dialcore::control::sdp::rules
