#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_receiver_stats.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/rtp/stream_rewriter.hpp"

using namespace dialcore::dataplane::rtp;

namespace {

constexpr std::uint32_t kOurSsrc = 0x0D1A1C0E;
constexpr std::uint16_t kFirstSeq = 100;
constexpr std::uint32_t kFirstTs = 9000;
constexpr std::uint64_t kMs = 1'000'000;

// A 20 ms / 8 kHz source: its own SSRC, sequence and timestamp bases.
struct Source {
  std::uint32_t ssrc;
  std::uint16_t seq;
  std::uint32_t ts;
  RtpRewrite next(StreamRewriter& r, std::uint64_t now_ns, bool marker = false) {
    const RtpRewrite out = r.map(ssrc, seq, ts, marker, now_ns);
    ++seq;
    ts += 160;
    return out;
  }
};

}  // namespace

TEST_CASE("the first packet starts our stream with our SSRC and bases, marked", "[rewriter]") {
  StreamRewriter r(kOurSsrc, kFirstSeq, kFirstTs, 8000);
  Source a{0xA, 5000, 777777};
  const RtpRewrite first = a.next(r, 0);
  CHECK(first.verdict == RewriteVerdict::Switched);
  CHECK(first.ssrc == kOurSsrc);
  CHECK(first.sequence == kFirstSeq);
  CHECK(first.timestamp == kFirstTs);
  CHECK(first.marker);
  const RtpRewrite second = a.next(r, 20 * kMs);
  CHECK(second.verdict == RewriteVerdict::Mapped);
  CHECK(second.sequence == kFirstSeq + 1);
  CHECK(second.timestamp == kFirstTs + 160);
  CHECK_FALSE(second.marker);
  CHECK(a.next(r, 40 * kMs, true).marker);  // the source's own marker passes through
}

TEST_CASE("within a source, gaps, reordering and silence pass through unchanged",
          "[rewriter]") {
  StreamRewriter r(kOurSsrc, kFirstSeq, kFirstTs, 8000);
  CHECK(r.map(0xA, 10, 1600, false, 0).sequence == 100);
  CHECK(r.map(0xA, 13, 2080, false, 60 * kMs).sequence == 103);  // 11, 12 lost: still a gap
  const RtpRewrite late = r.map(0xA, 11, 1760, false, 61 * kMs);
  CHECK(late.verdict == RewriteVerdict::Mapped);
  CHECK(late.sequence == 101);
  CHECK(late.timestamp == kFirstTs + 160);
  // DTX: one sequence number on, two seconds of timestamp later.
  const RtpRewrite talk = r.map(0xA, 14, 2080 + 16000, true, 2100 * kMs);
  CHECK(talk.sequence == 104);
  CHECK(talk.timestamp == kFirstTs + 480 + 16000);
  CHECK(talk.verdict == RewriteVerdict::Mapped);
}

TEST_CASE("a new SSRC continues our sequence and timestamps with real time", "[rewriter]") {
  StreamRewriter r(kOurSsrc, kFirstSeq, kFirstTs, 8000);
  Source a{0xA, 1000, 50000};
  for (int i = 0; i < 10; ++i) a.next(r, static_cast<std::uint64_t>(i) * 20 * kMs);
  // Last output: seq 109, ts 9000 + 9 * 160 = 10440, sent at 180 ms.
  Source b{0xB, 7, 123456};
  SECTION("on the beat: 20 ms later, one packet's duration on") {
    const RtpRewrite out = b.next(r, 200 * kMs);
    CHECK(out.verdict == RewriteVerdict::Switched);
    CHECK(out.ssrc == kOurSsrc);
    CHECK(out.sequence == 110);
    CHECK(out.timestamp == 10440 + 160);
    CHECK(out.marker);
    const RtpRewrite then = b.next(r, 220 * kMs);
    CHECK(then.verdict == RewriteVerdict::Mapped);
    CHECK(then.sequence == 111);
    CHECK(then.timestamp == 10440 + 320);
    CHECK_FALSE(then.marker);
  }
  SECTION("after 3 s on hold: the timestamp moves 3 s on") {
    const RtpRewrite out = b.next(r, 3180 * kMs);
    CHECK(out.sequence == 110);
    CHECK(out.timestamp == 10440 + 24000);
  }
  SECTION("1 ms after the last packet: no overlap, at least that packet's duration") {
    const RtpRewrite out = b.next(r, 181 * kMs);
    CHECK(out.sequence == 110);
    CHECK(out.timestamp == 10440 + 160);
  }
  SECTION("late packets of the old SSRC are stale; newer ones mean it came back") {
    b.next(r, 200 * kMs);
    CHECK(r.map(0xA, 1009, 50000 + 9 * 160, false, 201 * kMs).verdict == RewriteVerdict::Stale);
    CHECK(r.map(0xA, 1005, 50000 + 5 * 160, false, 202 * kMs).verdict == RewriteVerdict::Stale);
    CHECK(b.next(r, 220 * kMs).sequence == 111);  // B undisturbed
    const RtpRewrite back = r.map(0xA, 1010, 50000 + 10 * 160, false, 240 * kMs);
    CHECK(back.verdict == RewriteVerdict::Switched);
    CHECK(back.sequence == 112);
  }
}

TEST_CASE("packets older than the new source's first one are dropped", "[rewriter]") {
  StreamRewriter r(kOurSsrc, kFirstSeq, kFirstTs, 8000);
  Source a{0xA, 0, 0};
  for (int i = 0; i < 5; ++i) a.next(r, static_cast<std::uint64_t>(i) * 20 * kMs);
  // Output 100..104. B's packet 51 arrives before its 50: 50's number is already A's.
  CHECK(r.map(0xB, 51, 0, false, 100 * kMs).sequence == 105);
  CHECK(r.map(0xB, 50, 0, false, 101 * kMs).verdict == RewriteVerdict::Stale);
  CHECK(r.map(0xB, 53, 320, false, 140 * kMs).sequence == 107);
  const RtpRewrite late = r.map(0xB, 52, 160, false, 141 * kMs);  // reordered, after 51: fine
  CHECK(late.verdict == RewriteVerdict::Mapped);
  CHECK(late.sequence == 106);
}

TEST_CASE("a sequence jump in the same SSRC rebases once the next packet confirms it",
          "[rewriter]") {
  StreamRewriter r(kOurSsrc, kFirstSeq, kFirstTs, 8000);
  Source a{0xA, 0, 0};
  for (int i = 0; i < 5; ++i) a.next(r, static_cast<std::uint64_t>(i) * 20 * kMs);
  CHECK(r.map(0xA, 40000, 5, false, 100 * kMs).verdict == RewriteVerdict::Unconfirmed);
  CHECK(r.map(0xA, 5, 800, false, 100 * kMs).sequence == 105);  // a stray: A goes on
  CHECK(r.map(0xA, 30000, 5, false, 120 * kMs).verdict == RewriteVerdict::Unconfirmed);
  const RtpRewrite restart = r.map(0xA, 30001, 165, false, 140 * kMs);
  CHECK(restart.verdict == RewriteVerdict::Switched);
  CHECK(restart.sequence == 106);
  CHECK(restart.timestamp == kFirstTs + 5 * 160 + 320);  // 40 ms after the last sent packet
}

TEST_CASE("a prompt between two stretches of the bridged peer", "[rewriter][prompt]") {
  // Peer A (20 ms packets) for 1 s, a 2 s prompt of ours, then A again with the same SSRC
  // (the worker calls switch_source() at both ends of the prompt). Output must be one stream.
  StreamRewriter r(kOurSsrc, 65500, 0xFFFFF000, 8000);  // both wrap during the call
  Source a{0xA, 30000, 400000};
  Source prompt{0, 0, 0};
  std::vector<RtpRewrite> out;
  std::vector<std::uint64_t> when;
  std::uint64_t now = 0;
  auto send = [&](Source& s) {
    out.push_back(s.next(r, now));
    when.push_back(now);
    now += 20 * kMs;
  };
  for (int i = 0; i < 50; ++i) send(a);
  r.switch_source();
  for (int i = 0; i < 100; ++i) send(prompt);
  r.switch_source();
  a.seq = static_cast<std::uint16_t>(a.seq + 100);  // A kept sending while the prompt played
  a.ts += 100 * 160;
  for (int i = 0; i < 50; ++i) send(a);

  REQUIRE(out.size() == 200);
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO("packet " << i);
    REQUIRE(sendable(out[i].verdict));
    CHECK(out[i].ssrc == kOurSsrc);
    CHECK(out[i].sequence == static_cast<std::uint16_t>(65500 + i));  // no gap, through wrap
    CHECK(out[i].timestamp == static_cast<std::uint32_t>(0xFFFFF000u + 160 * i));  // real time
    CHECK(out[i].marker == (i == 0 || i == 50 || i == 150));  // at each switch only
  }
  CHECK(r.switches() == 3);

  // The far end's view: one source, no loss, no jump, no reordering, no jitter.
  RtpReceiverStats far(8000);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const SeqVerdict v = far.on_packet(out[i].ssrc, out[i].sequence, out[i].timestamp, when[i]);
    CHECK((v == SeqVerdict::InOrder || (i == 0 && v == SeqVerdict::First)));
  }
  CHECK(far.source_changes() == 0);
  CHECK(far.restarts() == 0);
  CHECK(far.cumulative_lost() == 0);
  CHECK(far.reordered() == 0);
  CHECK(far.jitter() == 0);
}

TEST_CASE("re-bridging A, B, then A again with explicit switches", "[rewriter]") {
  StreamRewriter r(kOurSsrc, kFirstSeq, kFirstTs, 8000);
  Source a{0xA, 100, 0};
  Source b{0xB, 9000, 5555};
  std::uint64_t now = 0;
  for (int i = 0; i < 3; ++i, now += 20 * kMs) a.next(r, now);
  r.switch_source();
  for (int i = 0; i < 3; ++i, now += 20 * kMs) b.next(r, now);
  r.switch_source();  // back to A: its SSRC is not stale, it is the new source
  a.seq = static_cast<std::uint16_t>(a.seq + 3);
  a.ts += 3 * 160;
  const RtpRewrite back = a.next(r, now);
  CHECK(back.verdict == RewriteVerdict::Switched);
  CHECK(back.sequence == kFirstSeq + 6);
  CHECK(back.timestamp == kFirstTs + 6 * 160);
}

TEST_CASE("a clock change rebases with the last duration in the new units", "[rewriter]") {
  StreamRewriter r(kOurSsrc, kFirstSeq, kFirstTs, 8000);
  Source a{0xA, 0, 0};
  for (int i = 0; i < 3; ++i) a.next(r, static_cast<std::uint64_t>(i) * 20 * kMs);
  r.set_clock_rate(48000);  // the leg now sends Opus
  const RtpRewrite out = r.map(0xA, 3, 3 * 960, false, 41 * kMs);  // 1 ms later
  CHECK(out.verdict == RewriteVerdict::Switched);
  CHECK(out.sequence == kFirstSeq + 3);
  CHECK(out.timestamp == kFirstTs + 2 * 160 + 960);  // 160 units at 8 kHz = 960 at 48 kHz
}

TEST_CASE("rewrite() writes the mapped fields into the packet and keeps the rest",
          "[rewriter]") {
  std::array<std::uint8_t, 12 + 160> buf{};
  for (std::size_t i = 12; i < buf.size(); ++i) buf[i] = static_cast<std::uint8_t>(i);
  REQUIRE(write_rtp_packet(buf, {0xA, 777, 42, 8, false}, std::span(buf).subspan(12)) == buf.size());
  StreamRewriter r(kOurSsrc, kFirstSeq, kFirstTs, 8000);
  RtpPacket in;
  REQUIRE(parse_rtp(buf, in) == RtpStatus::Ok);
  CHECK(r.rewrite(std::span(buf).first<kRtpHeaderBytes>(), in, 0) == RewriteVerdict::Switched);
  RtpPacket out;
  REQUIRE(parse_rtp(buf, out) == RtpStatus::Ok);
  CHECK(header_fields(out) == RtpHeaderFields{kOurSsrc, kFirstTs, kFirstSeq, 8, true});
  CHECK(buf.back() == static_cast<std::uint8_t>(buf.size() - 1));

  // A stale packet is left exactly as it came.
  RtpHeaderFields b_fields{0xB, 0, 1, 8, false};
  write_rtp_header(std::span(buf).first<kRtpHeaderBytes>(), b_fields);
  REQUIRE(parse_rtp(buf, in) == RtpStatus::Ok);
  CHECK(r.rewrite(std::span(buf).first<kRtpHeaderBytes>(), in, 20 * kMs) == RewriteVerdict::Switched);
  write_rtp_header(std::span(buf).first<kRtpHeaderBytes>(), {0xA, 777, 41, 8, false});
  const std::array<std::uint8_t, 12> before = [&] {
    std::array<std::uint8_t, 12> h{};
    std::copy_n(buf.begin(), 12, h.begin());
    return h;
  }();
  REQUIRE(parse_rtp(buf, in) == RtpStatus::Ok);
  CHECK(r.rewrite(std::span(buf).first<kRtpHeaderBytes>(), in, 21 * kMs) == RewriteVerdict::Stale);
  CHECK(std::equal(before.begin(), before.end(), buf.begin()));
}

// Not run by ctest: `build/bin/stream_rewriter_test "[.bench]"` in a Release build.
TEST_CASE("stream rewriter cost", "[.bench]") {
  constexpr std::uint32_t kPackets = 50'000'000;
  std::array<std::uint8_t, 172> buf{};
  write_rtp_packet(buf, {0xA, 0, 0, 0, false}, std::span(buf).subspan(12));
  std::vector<double> mapped, rewritten;
  std::uint64_t sink = 0;
  for (int round = 0; round < 5; ++round) {
    StreamRewriter r(kOurSsrc, kFirstSeq, kFirstTs, 8000);
    auto start = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < kPackets; ++i) {
      const RtpRewrite o = r.map(0xA, static_cast<std::uint16_t>(i), 160 * i, false, i * 20 * kMs);
      sink += o.sequence + o.timestamp;
    }
    std::chrono::duration<double, std::nano> ns = std::chrono::steady_clock::now() - start;
    mapped.push_back(ns.count() / kPackets);
    StreamRewriter w(kOurSsrc, kFirstSeq, kFirstTs, 8000);
    RtpPacket in;
    REQUIRE(parse_rtp(buf, in) == RtpStatus::Ok);
    start = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < kPackets; ++i) {
      in.sequence = static_cast<std::uint16_t>(i);
      in.timestamp = 160 * i;
      sink += static_cast<std::uint64_t>(w.rewrite(std::span(buf).first<kRtpHeaderBytes>(), in, i * 20 * kMs));
      sink += buf[3];
    }
    ns = std::chrono::steady_clock::now() - start;
    rewritten.push_back(ns.count() / kPackets);
  }
  // A worker's pattern: many legs, one packet each in turn, rewritten in their own buffers.
  constexpr std::uint32_t kLegs = 1000;
  std::vector<double> many;
  for (int round = 0; round < 5; ++round) {
    std::vector<StreamRewriter> legs(kLegs, StreamRewriter(kOurSsrc, kFirstSeq, kFirstTs, 8000));
    std::vector<std::array<std::uint8_t, 12>> headers(kLegs);
    RtpPacket in;
    REQUIRE(parse_rtp(buf, in) == RtpStatus::Ok);
    const auto start = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < kPackets / kLegs; ++i) {
      in.sequence = static_cast<std::uint16_t>(i);
      in.timestamp = 160 * i;
      for (std::uint32_t leg = 0; leg < kLegs; ++leg) {
        in.ssrc = leg;
        sink += static_cast<std::uint64_t>(legs[leg].rewrite(headers[leg], in, i * 20 * kMs));
      }
    }
    const std::chrono::duration<double, std::nano> ns = std::chrono::steady_clock::now() - start;
    many.push_back(ns.count() / kPackets);
  }
  std::sort(mapped.begin(), mapped.end());
  std::sort(rewritten.begin(), rewritten.end());
  std::sort(many.begin(), many.end());
  std::printf("map, one stream back to back:        %6.2f ns\n", mapped[2]);
  std::printf("rewrite, one stream back to back:    %6.2f ns\n", rewritten[2]);
  std::printf("rewrite, 1,000 streams in turn:      %6.2f ns  (sink %llu)\n", many[2],
              static_cast<unsigned long long>(sink));
}
