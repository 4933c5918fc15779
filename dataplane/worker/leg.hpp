#pragma once
// Leg: one RTP endpoint a worker owns: a local port, the far end's address, the negotiated
// formats, receive statistics, our outgoing stream identity, SRTP and (when bridged to a leg
// with another codec) the transcoder. Only its worker touches it; control names it by LegId.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "dataplane/api/codec_spec.hpp"
#include "dataplane/api/commands.hpp"
#include "dataplane/api/events.hpp"
#include "dataplane/api/leg_id.hpp"
#include "dataplane/api/net_address.hpp"
#include "dataplane/io/packet.hpp"
#include "dataplane/rtp/rtp_receiver_stats.hpp"
#include "dataplane/rtp/stream_rewriter.hpp"
#include "dataplane/srtp/srtp_context.hpp"
#include "dataplane/worker/transcoder.hpp"

namespace dialcore::dataplane {

struct Leg {
  LegId id;
  PortId port;           // the local RTP port (RTCP shares it when muxed)
  NetAddress local;      // as bound (the port the system chose when 0 was asked)
  NetAddress remote;     // where we send: from SDP, then the source we latched
  bool latch = true;     // symmetric RTP: adopt the source of the first valid packet
  bool latched = false;
  bool hold = false;     // send nothing to this leg
  bool mute = false;     // what this leg sends is not passed on
  LegId peer;            // the bridged leg; invalid when not bridged

  std::array<CodecSpec, kMaxLegCodecs> formats{};
  std::uint8_t format_count = 0;
  std::uint8_t send_index = 0;

  std::uint32_t rtp_timeout_ms = 0;  // 0: never
  std::uint64_t last_rx_ns = 0;      // last RTP packet, or creation
  bool first_packet_seen = false;
  bool timeout_reported = false;     // re-armed by the next packet
  // Issue 4, mirrored here so the relay path reads only the two legs it already touches:
  bool dsp_tap = false;  // what this leg receives goes through the DSP tap (detector or masker)
  bool dsp_out = false;  // in-band keys are being written over the audio towards this leg
  bool playing = false;  // a prompt plays to this leg: the bridged audio towards it is held back
  bool recorded = false;  // issue 5: the customer leg of a recording (LegRecording beside it)
  bool amd = false;       // answering-machine detection runs on what this leg receives
  bool conference = false;  // issue 8: a member of a conference (the worker's conference_of_)
  bool jb_listed = false;  // on the worker's list of transcoded legs whose jitter buffer plays out

  rtp::RtpReceiverStats rx_stats{8000};  // clock rate set by SetCodec
  std::optional<rtp::StreamRewriter> out;  // engaged from creation; optional only to delay init
  LegStats counters;

  // Setup-time heap state (allocated by commands, never per packet).
  std::unique_ptr<SrtpContext> srtp_rx;  // null: plain RTP
  std::unique_ptr<SrtpContext> srtp_tx;
  std::unique_ptr<Transcoder> transcoder;  // audio from this leg to its peer, when codecs differ
  std::uint16_t transcoded_seq = 0;        // the transcoder's output as a source of its own,
  std::uint32_t transcoded_ts = 0;         // fed to the peer's rewriter like any other

  const CodecSpec* send_format() const {
    return format_count == 0 ? nullptr : &formats[send_index];
  }
  // The format a received payload type maps to, or nullptr.
  const CodecSpec* format_for_pt(std::uint8_t pt) const {
    for (std::uint8_t i = 0; i < format_count; ++i) {
      if (formats[i].payload_type == pt) return &formats[i];
    }
    return nullptr;
  }
  // Our payload type for a codec id (the first listed), or -1.
  int pt_for(codecs::CodecId codec) const {
    for (std::uint8_t i = 0; i < format_count; ++i) {
      if (formats[i].format.id == codec) return formats[i].payload_type;
    }
    return -1;
  }
};

// Issue 3 bounds per-leg state at 2 KiB besides codec state; we keep the table entry to a
// quarter of that (480 bytes today) so 10,000 legs stay within a few MiB of L2/L3. SRTP
// contexts and transcoders live behind pointers, allocated only for legs that use them.
static_assert(sizeof(Leg) <= 512);

}  // namespace dialcore::dataplane
