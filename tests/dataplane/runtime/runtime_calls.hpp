#pragma once
// Calls through a Runtime for tests (runtime_test, runtime_dpdk_test): a bridged PCMU pair of
// legs on one worker, and RTP sent through it and checked at the far peer.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "runtime_control.hpp"
#include "tests/dataplane/io/udp_peer.hpp"

namespace dialcore::test {

inline CodecSpec pcmu() {
  CodecSpec s;
  s.format.id = dialcore::codecs::CodecId::Pcmu;
  s.payload_type = 0;
  return s;
}

inline std::vector<std::uint8_t> rtp_packet(std::uint32_t ssrc, std::uint16_t seq, std::uint8_t fill) {
  std::vector<std::uint8_t> b(rtp::kRtpHeaderBytes + 160, fill);
  rtp::write_rtp_header(rtp::RtpHeaderBytes(b.data(), 12),
                        {ssrc, static_cast<std::uint32_t>(seq) * 160u, seq, 0, false});
  return b;
}

struct Pair {
  LegId a, b;
  NetAddress local_a, local_b;
};

// Two legs on `worker` towards the peers, PCMU, bridged; ours on `local` (port 0: the worker's
// shard picks).
inline Pair bridged_pair(RuntimeControl& ctl, std::size_t worker, const UdpPeer& pa,
                         const UdpPeer& pb, const NetAddress& local = loopback_v4(0)) {
  Pair p;
  for (int side = 0; side < 2; ++side) {
    const Event created = ctl.call(worker, LegId::invalid(), CreateLegArgs{local, 0});
    REQUIRE(created.status == ReplyStatus::Ok);
    (side == 0 ? p.a : p.b) = created.leg;
    (side == 0 ? p.local_a : p.local_b) = created.args<CreateLegReplyArgs>().local;
    SetRemoteArgs remote;
    remote.rtp = (side == 0 ? pa : pb).address();
    remote.latch = false;
    REQUIRE(ctl.call(worker, created.leg, remote).status == ReplyStatus::Ok);
    SetCodecArgs codec;
    codec.formats[0] = pcmu();
    codec.count = 1;
    REQUIRE(ctl.call(worker, created.leg, codec).status == ReplyStatus::Ok);
  }
  REQUIRE(ctl.call(worker, p.a, BridgeArgs{p.b}).status == ReplyStatus::Ok);
  return p;
}

// Sends `count` packets from `from` to `to` and counts what `sink` receives with the payload
// intact (bounded: at most 2 s of waiting per packet missing). A datagram of an earlier step
// that arrives late (a warm-up packet relayed once ARP resolved, seen under ASan on a loaded
// machine) is not this step's: it is read and skipped (counted in `*strays`), never taken for
// this step's packet; a corrupted packet of this step is skipped too, so it still counts short.
inline int relay(const UdpPeer& from, const NetAddress& to, const UdpPeer& sink, int count,
                 std::uint8_t fill, int* strays = nullptr) {
  int intact = 0;
  for (int i = 0; i < count; ++i) {
    const auto seq = static_cast<std::uint16_t>(100 + i);
    REQUIRE(from.send_to(to, rtp_packet(0x1234, seq, fill)));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto d = sink.receive(200);
      if (!d) continue;
      rtp::RtpPacket parsed;
      bool ours = rtp::parse_rtp(d->bytes, parsed) == rtp::RtpStatus::Ok;
      const auto payload = ours ? parsed.payload_in(std::span<const std::uint8_t>(d->bytes))
                                : std::span<const std::uint8_t>{};
      ours = ours && payload.size() == 160 &&
             std::all_of(payload.begin(), payload.end(), [fill](std::uint8_t b) { return b == fill; });
      if (ours) {
        ++intact;
        break;
      }
      if (strays != nullptr) ++*strays;
    }
  }
  return intact;
}

}  // namespace dialcore::test
