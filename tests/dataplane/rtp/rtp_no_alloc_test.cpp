#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/rtp/packet_kind.hpp"
#include "dataplane/rtp/rtcp_packet.hpp"
#include "dataplane/rtp/rtcp_writer.hpp"
#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_receiver_stats.hpp"
#include "dataplane/rtp/rtp_sender_stats.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/rtp/stream_rewriter.hpp"
#include "dataplane/rtp/telephone_event_receiver.hpp"
#include "tests/support/alloc_counter.hpp"

using namespace dialcore::dataplane::rtp;

TEST_CASE("the allocation counter sees allocations", "[alloc]") {
  const std::size_t before = dialcore::test::allocations();
  auto* v = new std::vector<int>(100);
  CHECK(dialcore::test::allocations() > before);
  delete v;
}

TEST_CASE("the RTP path allocates nothing per packet", "[rtp][alloc]") {
  std::array<std::uint8_t, 172> packet{};
  std::array<std::uint8_t, 512> rtcp{};
  RtpReceiverStats rx(8000);
  RtpSenderStats tx;
  StreamRewriter rewriter(0x1234, 1, 1, 8000);
  std::uint64_t work = 0;
  const std::size_t before = dialcore::test::allocations();
  for (std::uint32_t i = 0; i < 100000; ++i) {
    const std::uint64_t now = std::uint64_t{i} * 20'000'000;
    const RtpHeaderFields in{0xA + i / 5000, 160 * i, static_cast<std::uint16_t>(i), 0, false};
    write_rtp_packet(packet, in, std::span(packet).subspan(kRtpHeaderBytes));
    if (classify_packet(packet) != PacketKind::Rtp) continue;
    RtpPacket p;
    if (parse_rtp(packet, p) != RtpStatus::Ok) continue;
    rx.on_packet(p.ssrc, p.sequence, p.timestamp, now);
    if (i % 1000 == 500) rewriter.switch_source();  // a prompt starts or ends
    if (!sendable(rewriter.rewrite(std::span(packet).first<kRtpHeaderBytes>(), p, now))) continue;
    tx.on_sent(p.timestamp, p.payload_bytes, now);
    if (i % 250 == 0) {  // RTCP every 5 s: build a report and parse it back
      RtcpWriter w(rtcp);
      const RtcpReportBlock block = rx.report_block(now);
      w.sender_report(rewriter.ssrc(), tx.sender_info(ntp_from_unix_ns(now), now, 8000),
                      std::span(&block, 1));
      w.sdes_cname(rewriter.ssrc(), "dialcore@w0.1");
      RtcpCompound c;
      if (parse_rtcp(w.bytes(), c) == RtcpStatus::Ok) {
        for (const RtcpPart& part : c) work += report_block(part, 0).highest_seq;
      }
    }
    ++work;
  }
  CHECK(dialcore::test::allocations() == before);
  CHECK(work > 100000);  // the loop did real work
  CHECK(rewriter.switches() > 100);
}

TEST_CASE("RFC 4733 receive, plain and in RFC 2198 RED, allocates nothing", "[rtp][alloc][red]") {
  // Key 5 at ts 800 (update, then its end) as RED: the previous block redundant, PT 101.
  const std::array<std::uint8_t, 13> red_packet = {0xE5, 0x00, 0x00, 0x04,  // F, PT 101, 0, 4 bytes
                                                   101,                     // primary PT 101
                                                   5, 10, 0x01, 0x90,       // redundant: 400
                                                   5, 0x8A, 0x03, 0x20};    // primary: end, 800
  const std::array<std::uint8_t, 4> plain = {6, 10, 0x00, 0xA0};
  const std::array<std::uint8_t, 3> broken = {0xE5, 0x00, 0x00};
  TelephoneEventReceiver r(8000, 250);
  std::array<TelephoneEventReport, 8> out{};
  std::size_t reports = 0;
  const std::size_t before = dialcore::test::allocations();
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const std::uint64_t now = std::uint64_t{i} * 100'000'000;
    reports += r.on_red(800 + 2000 * i, red_packet, 101, now, out);
    reports += r.on_packet(1800 + 2000 * i, plain, now + 20'000'000, out);
    reports += r.on_red(800, broken, 101, now, out);
    reports += r.on_timer(now + 60'000'000, out);
  }
  CHECK(dialcore::test::allocations() == before);
  CHECK(reports >= 1000);
  CHECK(r.malformed() == 1000);
}
