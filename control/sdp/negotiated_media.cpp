#include "control/sdp/negotiated_media.hpp"

namespace dialcore::control::sdp {

dataplane::SetCodecArgs to_set_codec(const NegotiatedMedia& m) {
  dataplane::SetCodecArgs args;
  args.formats[0] = m.codec;
  args.count = 1;
  if (m.telephone_event) args.formats[args.count++] = *m.telephone_event;
  args.send_index = 0;
  return args;
}

dataplane::SetRemoteArgs to_set_remote(const NegotiatedMedia& m, bool latch) {
  dataplane::SetRemoteArgs args;
  args.rtp = m.remote_rtp;
  args.rtcp = m.remote_rtcp;
  args.rtcp_mux = m.rtcp_mux;
  args.latch = latch;
  return args;
}

std::optional<dataplane::SetSrtpArgs> to_set_srtp(const NegotiatedMedia& m) {
  if (!m.srtp()) return std::nullopt;
  dataplane::SetSrtpArgs args;
  args.rx = m.remote_key;
  args.tx = m.local_key;
  return args;
}

dataplane::HoldArgs to_hold(const NegotiatedMedia& m) {
  dataplane::HoldArgs args;
  args.on = !sends(m.direction);
  return args;
}

}  // namespace dialcore::control::sdp
