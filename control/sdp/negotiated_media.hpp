#pragma once
// The outcome of offer/answer for one audio stream, in the dataplane's own types, and the
// commands it becomes (dataplane/api/commands.hpp).

#include <optional>

#include "control/sdp/session_description.hpp"
#include "dataplane/api/codec_spec.hpp"
#include "dataplane/api/commands.hpp"
#include "dataplane/api/net_address.hpp"
#include "dataplane/api/srtp_key.hpp"

namespace dialcore::control::sdp {

struct NegotiatedMedia {
  dataplane::CodecSpec codec;                           // what we send: format, PT, ptime
  std::optional<dataplane::CodecSpec> telephone_event;  // RFC 4733 PT, when both have it
  dataplane::NetAddress remote_rtp;                     // from c= and m=; 0.0.0.0 on old-style hold
  dataplane::NetAddress remote_rtcp;                    // a=rtcp when given, else empty
  bool rtcp_mux = false;
  Direction direction = Direction::SendRecv;  // OURS: sends() = we send to the peer
  dataplane::SrtpKey local_key;               // suite None: plain RTP
  dataplane::SrtpKey remote_key;

  bool srtp() const { return local_key.suite != dataplane::SrtpSuite::None; }
};

// SetCodec: the codec (send_index 0) and telephone-event when negotiated.
dataplane::SetCodecArgs to_set_codec(const NegotiatedMedia& m);
// SetRemote: RTP and RTCP addresses, rtcp-mux; latch on (symmetric RTP) unless told otherwise.
dataplane::SetRemoteArgs to_set_remote(const NegotiatedMedia& m, bool latch = true);
// SetSrtp: rx = the peer's key, tx = ours; nullopt for plain RTP.
std::optional<dataplane::SetSrtpArgs> to_set_srtp(const NegotiatedMedia& m);
// Hold: on when we must not send (we are sendonly-held by the peer, or inactive).
dataplane::HoldArgs to_hold(const NegotiatedMedia& m);

}  // namespace dialcore::control::sdp
