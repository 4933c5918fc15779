#pragma once
// Answering a SIP offer for one simulated G.711 endpoint: control/sdp's answer() with the
// simulator's codec preference and RTP address, and the StreamFormat an RtpStream connects with.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "control/sdp/sdp_session.hpp"
#include "sim/common/rtp_stream.hpp"

namespace dialcore::sim {

struct StreamAnswer {
  int status = 0;       // 0: answered; else the SIP status to refuse with (400, 488)
  std::string sdp;      // the answer body
  StreamFormat format;  // codec, payload types, the peer's RTP address
  bool sending = true;  // false when the peer holds us (it is sendonly or inactive)
};

// `codecs`: SDP names in preference order ("PCMU", "PCMA", "telephone-event"). An answer whose
// codec is not G.711 is refused with 488.
StreamAnswer answer_g711(std::string_view offer, const std::string& local_ip, std::uint16_t rtp_port,
                         const std::vector<std::string>& codecs, control::sdp::SdpSession& session);

}  // namespace dialcore::sim
