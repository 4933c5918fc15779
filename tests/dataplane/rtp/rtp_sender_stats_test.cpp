#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <span>

#include "dataplane/rtp/rtcp_packet.hpp"
#include "dataplane/rtp/rtcp_writer.hpp"
#include "dataplane/rtp/rtp_clock.hpp"
#include "dataplane/rtp/rtp_receiver_stats.hpp"
#include "dataplane/rtp/rtp_sender_stats.hpp"

using namespace dialcore::dataplane::rtp;

namespace {
constexpr std::uint64_t kMs = 1'000'000;
}

TEST_CASE("sender stats count packets and payload octets", "[stats][sender]") {
  RtpSenderStats s;
  CHECK_FALSE(s.sent_any());
  for (std::uint32_t i = 0; i < 50; ++i) s.on_sent(1000 + 160 * i, 160, i * 20 * kMs);
  CHECK(s.sent_any());
  CHECK(s.packets() == 50);
  CHECK(s.octets() == 50 * 160);
}

TEST_CASE("the SR timestamp is extrapolated from the last packet to the SR's instant",
          "[stats][sender]") {
  RtpSenderStats s;
  s.on_sent(1000, 160, 100 * kMs);
  const std::uint64_t ntp = ntp_from_unix_ns(1'700'000'000'000'000'000);
  const RtcpSenderInfo at_once = s.sender_info(ntp, 100 * kMs, 8000);
  CHECK(at_once.rtp_timestamp == 1000);
  CHECK(at_once.ntp == ntp);
  CHECK(s.sender_info(ntp, 112500 * kMs / 1000, 8000).rtp_timestamp == 1000 + 100);  // 12.5 ms
  CHECK(s.sender_info(ntp, 120 * kMs, 48000).rtp_timestamp == 1000 + 960);
  // A clock that went backwards reads as no time elapsed, not as a huge one.
  CHECK(s.sender_info(ntp, 50 * kMs, 8000).rtp_timestamp == 1000);
}

TEST_CASE("an SR built from both sides' statistics reads back as what was measured",
          "[stats][sender][rtcp]") {
  // We receive 100 packets from the peer (every 10th lost) and send 100 of ours; at 2 s we
  // report: SR with our sender info and one report block on the peer's stream.
  RtpReceiverStats rx(8000);
  RtpSenderStats tx;
  for (std::uint16_t seq = 0; seq < 100; ++seq) {
    const std::uint64_t now = std::uint64_t{seq} * 20 * kMs;
    if (seq % 10 != 9) rx.on_packet(0xFEED, seq, 160u * seq, now);
    tx.on_sent(5000 + 160u * seq, 160, now);
  }
  rx.on_sender_report(0x00001111'22223333ull, 1500 * kMs);
  const std::uint64_t now = 2000 * kMs;
  const std::uint64_t ntp = ntp_from_unix_ns(1'700'000'000'000'000'000);

  std::array<std::uint8_t, 256> buf{};
  RtcpWriter w(buf);
  const RtcpReportBlock block = rx.report_block(now);
  REQUIRE(w.sender_report(0x0D1A1C0E, tx.sender_info(ntp, now, 8000), std::span(&block, 1)));
  REQUIRE(w.sdes_cname(0x0D1A1C0E, "dialcore@w0.3"));

  RtcpCompound c;
  REQUIRE(parse_rtcp(w.bytes(), c) == RtcpStatus::Ok);
  const RtcpPart sr = *c.begin();
  RtcpSenderInfo info;
  REQUIRE(read_sender_info(sr, info));
  CHECK(info.ntp == ntp);
  CHECK(info.packets == 100);
  CHECK(info.octets == 16000);
  CHECK(info.rtp_timestamp == 5000 + 160 * 99 + 160);  // last packet at 1.98 s, SR at 2.0 s
  REQUIRE(report_count(sr) == 1);
  const RtcpReportBlock got = report_block(sr, 0);
  CHECK(got.ssrc == 0xFEED);
  CHECK(got.highest_seq == 98);    // 99 was lost
  CHECK(got.cumulative_lost == 9);  // 9, 19, ..., 89 (99 is past the highest: not yet missed)
  CHECK(got.fraction_lost == 9 * 256 / 98);  // expected 98 (1..98), received 89
  CHECK(got.jitter == 0);
  CHECK(got.lsr == 0x11112222);
  CHECK(got.dlsr == 32768);  // 0.5 s
}
