#include "sim/common/sdp_stream.hpp"

#include "control/sdp/sdp_answer.hpp"
#include "sim/common/net_text.hpp"

namespace dialcore::sim {

namespace sdp = control::sdp;

StreamAnswer answer_g711(std::string_view offer, const std::string& local_ip, std::uint16_t rtp_port,
                         const std::vector<std::string>& codecs, sdp::SdpSession& session) {
  sdp::LocalMedia local;
  local.codecs.clear();
  for (const auto& name : codecs) {
    if (const auto id = sdp::codec_from_name(name)) local.codecs.push_back(*id);
  }
  local.address = net_address(local_ip, rtp_port);
  const auto result = sdp::answer(offer, local, session);
  StreamAnswer out;
  if (!result.ok()) {
    out.status = result.failure->sip_status;
    return out;
  }
  const auto codec = result.media.codec.format.id;
  if (codec != codecs::CodecId::Pcmu && codec != codecs::CodecId::Pcma) {
    out.status = 488;
    return out;
  }
  out.sdp = result.sdp;
  out.format.alaw = codec == codecs::CodecId::Pcma;
  out.format.audio_pt = result.media.codec.payload_type;
  if (result.media.telephone_event) out.format.event_pt = result.media.telephone_event->payload_type;
  out.format.remote_ip = ip_text(result.media.remote_rtp);
  out.format.remote_port = result.media.remote_rtp.port;
  const auto d = result.media.direction;
  out.sending = d == sdp::Direction::SendRecv || d == sdp::Direction::SendOnly;
  return out;
}

}  // namespace dialcore::sim
