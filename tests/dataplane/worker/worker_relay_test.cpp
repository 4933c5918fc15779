#include <catch2/catch.hpp>

#include <cmath>

#include "codecs/g711.hpp"
#include "dataplane/srtp/srtp_context.hpp"
#include "worker_harness.hpp"

using namespace dialcore::dataplane;
using dialcore::test::parsed;
using dialcore::test::rtp_bytes;
using dialcore::test::UdpPeer;
using dialcore::test::WorkerHarness;
using dialcore::codecs::CodecId;

namespace {

WorkerConfig with_jitter_buffer(bool on) {
  WorkerConfig c;
  c.jitter_buffer = on;
  return c;
}

struct Call {
  WorkerHarness h;
  UdpPeer a{dialcore::test::loopback_v4(0)};
  UdpPeer b{dialcore::test::loopback_v4(0)};
  LegId leg_a, leg_b;
  Call(CodecId codec_a = CodecId::Pcmu, std::uint8_t pt_a = 0, CodecId codec_b = CodecId::Pcmu,
       std::uint8_t pt_b = 0, const WorkerConfig& config = {})
      : h(config) {
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    leg_a = h.leg_towards(a, WorkerHarness::spec(codec_a, pt_a));
    leg_b = h.leg_towards(b, WorkerHarness::spec(codec_b, pt_b));
    REQUIRE(h.call(leg_a, BridgeArgs{leg_b}).status == ReplyStatus::Ok);
  }
};

}  // namespace

TEST_CASE("worker relays RTP between two bridged legs with our own stream identity", "[worker]") {
  Call c;
  std::uint32_t out_ssrc = 0;
  std::uint16_t last_seq = 0;
  for (std::uint16_t i = 0; i < 10; ++i) {
    const auto pkt = rtp_bytes(0xA1A1A1A1, static_cast<std::uint16_t>(5000 + i), 160u * i, 0, 160,
                               static_cast<std::uint8_t>(i));
    REQUIRE(c.a.send_to(c.h.local_of(c.leg_a), pkt));
    const auto got = c.h.relay_to(c.b);
    REQUIRE(got);
    CHECK(got->from == c.h.local_of(c.leg_b));  // sent from leg B's own port
    const auto rtp = parsed(got->bytes);
    CHECK(rtp.payload_type == 0);
    CHECK(rtp.payload_bytes == 160);
    CHECK(got->bytes[12] == static_cast<std::uint8_t>(i));  // payload untouched
    CHECK(rtp.ssrc != 0xA1A1A1A1);                          // our SSRC, not the far end's
    if (i == 0) {
      out_ssrc = rtp.ssrc;
    } else {
      CHECK(rtp.ssrc == out_ssrc);
      CHECK(rtp.sequence == static_cast<std::uint16_t>(last_seq + 1));
    }
    last_seq = rtp.sequence;
  }
  const auto& ev = c.h.events();
  REQUIRE(!ev.empty());
  CHECK(ev.front().type == EventType::FirstPacket);
  CHECK(ev.front().leg == c.leg_a);

  const Event stats = c.h.call(c.leg_a, StatsArgs{});
  CHECK(stats.args<LegStats>().rx_packets == 10);
  CHECK(c.h.call(c.leg_b, StatsArgs{}).args<LegStats>().tx_packets == 10);
}

TEST_CASE("the far end sees one clean stream across a re-bridge", "[worker]") {
  Call c;
  UdpPeer third{dialcore::test::loopback_v4(0)};
  const LegId leg_c = c.h.leg_towards(third, WorkerHarness::spec(CodecId::Pcmu, 0));
  std::vector<dialcore::dataplane::rtp::RtpPacket> seen;
  for (std::uint16_t i = 0; i < 5; ++i) {
    REQUIRE(c.a.send_to(c.h.local_of(c.leg_a), rtp_bytes(111, static_cast<std::uint16_t>(100 + i), 160u * i, 0, 160)));
    const auto got = c.h.relay_to(c.b);
    REQUIRE(got);
    seen.push_back(parsed(got->bytes));
  }
  REQUIRE(c.h.call(c.leg_a, UnbridgeArgs{}).status == ReplyStatus::Ok);
  REQUIRE(c.h.call(leg_c, BridgeArgs{c.leg_b}).status == ReplyStatus::Ok);
  c.h.advance_ms(20);
  for (std::uint16_t i = 0; i < 5; ++i) {
    REQUIRE(third.send_to(c.h.local_of(leg_c), rtp_bytes(999, static_cast<std::uint16_t>(40000 + i), 77777u + 160u * i, 0, 160)));
    const auto got = c.h.relay_to(c.b);
    REQUIRE(got);
    seen.push_back(parsed(got->bytes));
  }
  for (std::size_t i = 1; i < seen.size(); ++i) {
    INFO("packet " << i);
    CHECK(seen[i].ssrc == seen[0].ssrc);
    CHECK(seen[i].sequence == static_cast<std::uint16_t>(seen[i - 1].sequence + 1));
    CHECK(seen[i].timestamp - seen[i - 1].timestamp >= 160u);
  }
  CHECK(seen[5].marker);  // the new source is marked
  CHECK_FALSE(seen[6].marker);
}

namespace {

// With the jitter buffer a packet received at t is played (decoded, encoded, sent) at
// t + 20 ms, its minimum delay: the test delivers it, then advances the clock one ptime.
// Without it, the packet goes out in the turn that received it.
void transcode_pcmu_g729(Call& c, bool buffered) {
  // A 400 Hz tone at -12 dBFS in mu-law, 20 ms packets.
  std::vector<std::uint8_t> payload(160);
  std::size_t received = 0;
  for (std::uint16_t i = 0; i < 20; ++i) {
    for (std::size_t k = 0; k < 160; ++k) {
      const double t = static_cast<double>(160 * i + k) / 8000.0;
      const auto s = static_cast<std::int16_t>(8000.0 * std::sin(2 * M_PI * 400.0 * t));
      payload[k] = dialcore::codecs::g711::linear_to_ulaw(s);
    }
    auto pkt = rtp_bytes(42, i, 160u * i, 0, 0);
    pkt.insert(pkt.end(), payload.begin(), payload.end());
    REQUIRE(c.a.send_to(c.h.local_of(c.leg_a), pkt));
    if (buffered) {
      c.h.turn();  // received now
      CHECK_FALSE(c.b.receive(0));  // not played before its time
      c.h.advance_ms(20);
    }
    const auto got = c.h.relay_to(c.b);
    REQUIRE(got);
    const auto rtp = parsed(got->bytes);
    CHECK(rtp.payload_type == 18);
    CHECK(rtp.payload_bytes == 20);  // two G.729 frames
    ++received;
  }
  CHECK(received == 20);
  // And back: G.729 from B becomes PCMU at A.
  std::vector<std::uint8_t> g729(20, 0x33);
  for (std::uint16_t i = 0; i < 5; ++i) {
    auto pkt = rtp_bytes(43, i, 160u * i, 18, 0);
    pkt.insert(pkt.end(), g729.begin(), g729.end());
    REQUIRE(c.b.send_to(c.h.local_of(c.leg_b), pkt));
    if (buffered) {
      c.h.turn();
      c.h.advance_ms(20);
    }
    const auto got = c.h.relay_to(c.a);
    REQUIRE(got);
    const auto rtp = parsed(got->bytes);
    CHECK(rtp.payload_type == 0);
    CHECK(rtp.payload_bytes == 160);
  }
}

}  // namespace

TEST_CASE("transcoding PCMU to G.729 and back through a bridged pair", "[worker][transcode]") {
  SECTION("through the jitter buffer (the default)") {
    Call c(CodecId::Pcmu, 0, CodecId::G729, 18);
    transcode_pcmu_g729(c, true);
  }
  SECTION("decoded as received") {
    Call c(CodecId::Pcmu, 0, CodecId::G729, 18, with_jitter_buffer(false));
    transcode_pcmu_g729(c, false);
  }
}

TEST_CASE("symmetric RTP latches to where packets come from", "[worker]") {
  WorkerHarness h;
  UdpPeer a{dialcore::test::loopback_v4(0)}, b{dialcore::test::loopback_v4(0)};
  UdpPeer decoy{dialcore::test::loopback_v4(0)};  // what SDP said; the real peer is elsewhere
  const LegId la = h.leg_towards(decoy, WorkerHarness::spec(CodecId::Pcmu, 0), /*latch=*/true);
  const LegId lb = h.leg_towards(b, WorkerHarness::spec(CodecId::Pcmu, 0));
  REQUIRE(h.call(la, BridgeArgs{lb}).status == ReplyStatus::Ok);
  REQUIRE(a.send_to(h.local_of(la), rtp_bytes(1, 1, 0, 0, 160)));  // A speaks first
  REQUIRE(h.relay_to(b));
  REQUIRE(b.send_to(h.local_of(lb), rtp_bytes(2, 1, 0, 0, 160)));
  CHECK(h.relay_to(a));                 // B's answer reaches A's real address
  CHECK_FALSE(decoy.receive(0));
}

TEST_CASE("malformed packets, unknown payload types and strangers are counted drops", "[worker]") {
  Call c;
  const std::vector<std::uint8_t> junk{0x80, 0x00, 0x01};          // RTP-looking, truncated
  const std::vector<std::uint8_t> other{0x10, 0x11, 0x12, 0x13};    // not RTP at all
  REQUIRE(c.a.send_to(c.h.local_of(c.leg_a), junk));
  REQUIRE(c.a.send_to(c.h.local_of(c.leg_a), other));
  REQUIRE(c.a.send_to(c.h.local_of(c.leg_a), rtp_bytes(5, 1, 0, 77, 160)));  // PT 77 not negotiated
  REQUIRE(c.a.send_to(c.h.local_of(c.leg_a), rtp_bytes(5, 2, 160, 0, 160)));
  REQUIRE(c.h.relay_to(c.b));  // the good one still goes through
  CHECK(c.h.worker().stats().read(WorkerCounter::RxMalformed) == 2);
  CHECK_FALSE(c.b.receive(20));
}

TEST_CASE("no-RTP timeout is reported once per silence", "[worker]") {
  WorkerHarness h;
  UdpPeer a{dialcore::test::loopback_v4(0)};
  const Event created = h.call(LegId::invalid(), CreateLegArgs{dialcore::test::loopback_v4(0), 1000});
  REQUIRE(created.status == ReplyStatus::Ok);
  h.advance_ms(500);
  h.turn();
  CHECK(h.events().empty());
  h.advance_ms(600);
  h.turn();
  h.advance_ms(200);
  h.turn();
  REQUIRE(h.events().size() == 1);
  CHECK(h.events()[0].type == EventType::RtpTimeout);
  CHECK(h.events()[0].args<RtpTimeoutArgs>().silent_ms >= 1000);
}

TEST_CASE("stale handles, double bridges and bad codecs get error replies", "[worker]") {
  Call c;
  CHECK(c.h.call(c.leg_a, BridgeArgs{c.leg_b}).status == ReplyStatus::WrongState);
  CHECK(c.h.call(c.leg_a, BridgeArgs{c.leg_a}).status == ReplyStatus::BadArgument);
  SetCodecArgs bad;
  bad.count = 0;
  CHECK(c.h.call(c.leg_a, bad).status == ReplyStatus::BadArgument);
  REQUIRE(c.h.call(c.leg_a, DestroyLegArgs{}).status == ReplyStatus::Ok);
  CHECK(c.h.call(c.leg_a, StatsArgs{}).status == ReplyStatus::StaleLeg);
  CHECK(c.h.call(c.leg_b, BridgeArgs{c.leg_a}).status == ReplyStatus::StaleLeg);
  CHECK(c.h.call(c.leg_b, PlayAudioArgs{}).status == ReplyStatus::BadArgument);  // no clip 0 loaded
  CHECK(c.h.worker().legs() == 1);
}

TEST_CASE("SRTP in on one leg, SRTP out on the other", "[worker][srtp]") {
  Call c;
  SrtpKey ka, kb;
  ka.suite = SrtpSuite::AesCm128HmacSha1_80;
  kb.suite = SrtpSuite::AeadAes128Gcm;
  for (std::size_t i = 0; i < 16; ++i) ka.master_key[i] = static_cast<std::uint8_t>(i), kb.master_key[i] = static_cast<std::uint8_t>(100 + i);
  SetSrtpArgs on_a;
  on_a.rx = ka;
  SetSrtpArgs on_b;
  on_b.tx = kb;
  REQUIRE(c.h.call(c.leg_a, on_a).status == ReplyStatus::Ok);
  REQUIRE(c.h.call(c.leg_b, on_b).status == ReplyStatus::Ok);
  SrtpContext peer_a_tx(ka, SrtpContext::Direction::Outbound);
  SrtpContext peer_b_rx(kb, SrtpContext::Direction::Inbound);
  for (std::uint16_t i = 0; i < 5; ++i) {
    auto pkt = rtp_bytes(7, i, 160u * i, 0, 160, 0x42);
    std::size_t len = pkt.size();
    pkt.resize(len + kSrtpMaxTrailer);
    REQUIRE(peer_a_tx.protect_rtp(pkt, len) == SrtpStatus::Ok);
    pkt.resize(len);
    REQUIRE(c.a.send_to(c.h.local_of(c.leg_a), pkt));
    auto got = c.h.relay_to(c.b);
    REQUIRE(got);
    std::size_t n = got->bytes.size();
    CHECK(n == 172 + 16);  // GCM tag
    REQUIRE(peer_b_rx.unprotect_rtp(got->bytes, n) == SrtpStatus::Ok);
    CHECK(n == 172);
    CHECK(got->bytes[20] == 0x42);
  }
  // A packet with a broken tag is dropped and counted.
  auto forged = rtp_bytes(7, 9, 0, 0, 160);
  forged.resize(forged.size() + 10, 0);
  REQUIRE(c.a.send_to(c.h.local_of(c.leg_a), forged));
  for (int i = 0; i < 20; ++i) c.h.turn();
  CHECK(c.h.worker().stats().read(WorkerCounter::RxSrtpFailed) == 1);
}
