#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "dataplane/rtp/rtp_clock.hpp"
#include "dataplane/rtp/rtp_receiver_stats.hpp"

using namespace dialcore::dataplane::rtp;

namespace {

constexpr std::uint32_t kSsrc = 0x5EED;
constexpr std::uint64_t kUnitNs = 125'000;  // one 8 kHz RTP unit
constexpr std::uint64_t kPacketNs = 20'000'000;

// Packet `seq` of a 20 ms / 8 kHz stream arriving exactly on time.
SeqVerdict on_time(RtpReceiverStats& s, std::uint16_t seq, std::uint32_t ssrc = kSsrc) {
  return s.on_packet(ssrc, seq, 160u * seq, std::uint64_t{seq} * kPacketNs);
}

// Sends seq first .. first+count-1 (modulo 2^16) on time.
void run(RtpReceiverStats& s, std::uint16_t first, unsigned count) {
  for (unsigned i = 0; i < count; ++i) on_time(s, static_cast<std::uint16_t>(first + i));
}

}  // namespace

TEST_CASE("a new source is on probation until two packets arrive in sequence", "[stats]") {
  RtpReceiverStats s;
  CHECK_FALSE(s.started());
  CHECK(on_time(s, 100) == SeqVerdict::First);
  CHECK(s.started());
  CHECK_FALSE(s.valid());
  CHECK(s.received() == 0);
  CHECK(s.report_block(0).highest_seq == 0);  // nothing to report yet
  CHECK(on_time(s, 102) == SeqVerdict::Probation);  // out of sequence: probation starts over
  CHECK(on_time(s, 103) == SeqVerdict::InOrder);
  CHECK(s.valid());
  CHECK(s.received() == 1);
  CHECK(s.expected() == 1);
  CHECK(s.extended_highest() == 103);
  CHECK(s.cumulative_lost() == 0);
}

TEST_CASE("the extended highest sequence number counts wraps", "[stats]") {
  RtpReceiverStats s;
  run(s, 65530, 20);  // 65530 .. 65535, 0 .. 13
  CHECK(s.extended_highest() == 65536u + 13);
  CHECK(s.expected() == 19);  // counting starts at the second packet, 65531
  CHECK(s.received() == 19);
  CHECK(s.cumulative_lost() == 0);
  const RtcpReportBlock b = s.report_block(0);
  CHECK(b.highest_seq == 65536u + 13);
  CHECK(b.cumulative_lost == 0);
  CHECK(b.fraction_lost == 0);
}

TEST_CASE("loss: cumulative and fraction per report interval (A.3)", "[stats]") {
  RtpReceiverStats s;
  run(s, 0, 101);  // 1 .. 100 counted
  CHECK(s.report_block(0).fraction_lost == 0);
  // Next interval: 101 .. 200 expected, 10 lost.
  for (std::uint16_t seq = 101; seq <= 200; ++seq) {
    if (seq % 10 != 5) on_time(s, seq);
  }
  const RtcpReportBlock b = s.report_block(0);
  CHECK(b.cumulative_lost == 10);
  CHECK(b.fraction_lost == 25);  // 10 * 256 / 100 = 25.6, truncated
  // Next interval: 201 .. 300, none lost; the cumulative count stays.
  run(s, 201, 100);
  const RtcpReportBlock c = s.report_block(0);
  CHECK(c.fraction_lost == 0);
  CHECK(c.cumulative_lost == 10);
  CHECK(c.highest_seq == 300);
}

TEST_CASE("reordered packets are late, not lost, and counted once", "[stats]") {
  RtpReceiverStats s;
  run(s, 0, 5);
  CHECK(on_time(s, 6) == SeqVerdict::InOrder);
  CHECK(s.cumulative_lost() == 1);  // 5 is missing, for now
  CHECK(on_time(s, 5) == SeqVerdict::Reordered);
  CHECK(s.cumulative_lost() == 0);
  CHECK(s.reordered() == 1);
  CHECK(s.duplicates() == 0);
  CHECK(on_time(s, 5) == SeqVerdict::Duplicate);  // a second copy of the late one
  CHECK(s.duplicates() == 1);
  CHECK(s.reordered() == 1);
}

TEST_CASE("duplicates: of the newest, inside the window, and beyond it", "[stats]") {
  RtpReceiverStats s;
  run(s, 1000, 100);  // highest 1099
  CHECK(on_time(s, 1099) == SeqVerdict::Duplicate);
  CHECK(on_time(s, 1099 - 63) == SeqVerdict::Duplicate);  // the window's oldest bit
  // 64 .. 99 behind: beyond the window, still A.1 reordering: cannot tell, called reordered.
  CHECK(on_time(s, 1099 - 64) == SeqVerdict::Reordered);
  CHECK(on_time(s, 1099 - 99) == SeqVerdict::Reordered);
  CHECK(s.duplicates() == 2);
  CHECK(s.reordered() == 2);
  // RFC 3550 6.4.1: duplicates count as received, so the loss goes negative.
  CHECK(s.cumulative_lost() == -4);
  CHECK(s.report_block(0).cumulative_lost == -4);
}

TEST_CASE("the window slides with gaps and forgets after a long one", "[stats]") {
  RtpReceiverStats s;
  run(s, 0, 10);                                 // 1 .. 9 counted
  CHECK(on_time(s, 40) == SeqVerdict::InOrder);  // 10 .. 39 lost
  CHECK(on_time(s, 9) == SeqVerdict::Duplicate);  // 31 behind: its bit moved with the window
  CHECK(on_time(s, 20) == SeqVerdict::Reordered);
  CHECK(on_time(s, 20) == SeqVerdict::Duplicate);
  CHECK(on_time(s, 140) == SeqVerdict::InOrder);  // 100 ahead: the window restarts
  CHECK(on_time(s, 139) == SeqVerdict::Reordered);
}

TEST_CASE("a jump is believed only when the next packet confirms it (A.1)", "[stats]") {
  RtpReceiverStats s;
  run(s, 0, 50);
  const std::uint32_t received = s.received();
  CHECK(on_time(s, 20000) == SeqVerdict::Jump);
  CHECK(s.received() == received);  // not counted
  CHECK(on_time(s, 50) == SeqVerdict::InOrder);  // the stream went on: the jump was a stray
  CHECK(on_time(s, 30000) == SeqVerdict::Jump);
  CHECK(on_time(s, 30001) == SeqVerdict::Restart);
  CHECK(s.restarts() == 1);
  CHECK(s.received() == 1);
  CHECK(s.expected() == 1);
  CHECK(s.extended_highest() == 30001);
  CHECK(on_time(s, 30002) == SeqVerdict::InOrder);
  CHECK(s.cumulative_lost() == 0);
  // 100+ behind is a jump too, not reordering.
  CHECK(on_time(s, 30002 - 100) == SeqVerdict::Jump);
}

TEST_CASE("another SSRC starts over as a new source, lifetime counts survive", "[stats]") {
  RtpReceiverStats s;
  run(s, 0, 10);
  on_time(s, 9);
  CHECK(s.duplicates() == 1);
  CHECK(on_time(s, 500, 0xB0B) == SeqVerdict::First);
  CHECK(s.ssrc() == 0xB0B);
  CHECK(s.source_changes() == 1);
  CHECK_FALSE(s.valid());
  CHECK(s.duplicates() == 1);
  CHECK(on_time(s, 501, 0xB0B) == SeqVerdict::InOrder);
  CHECK(s.expected() == 1);
}

TEST_CASE("interarrival jitter matches a hand-computed example (A.8)", "[stats][jitter]") {
  // 8 kHz, 160 units per packet. Arrival times in RTP units; transit = arrival - timestamp.
  //   seq  ts    arrival  transit  |D|  J16 = J16 + |D| - (J16 + 8) / 16     J (float A.8)
  //   0    0     1000     -        -    probation: not counted
  //   1    160   1160     1000     -    0 (first counted packet)           0
  //   2    320   1330     1010     10   0 + 10 - 0 = 10                      0.625
  //   3    480   1480     1000     10   10 + 10 - 1 = 19                     1.2109
  //   4    640   1660     1020     20   19 + 20 - 1 = 38                     2.3853
  //   5    800   1800     1000     20   38 + 20 - 2 = 56                     3.4862
  // jitter() = 56 / 16 = 3, the float version floored.
  const std::uint64_t arrival[] = {1000, 1160, 1330, 1480, 1660, 1800};
  RtpReceiverStats s(8000);
  for (std::uint16_t seq = 0; seq < 6; ++seq) {
    s.on_packet(kSsrc, seq, 160u * seq, arrival[seq] * kUnitNs);
  }
  CHECK(s.jitter() == 3);
  CHECK(s.report_block(0).jitter == 3);
}

TEST_CASE("jitter ignores a constant delay and converges on a steady deviation",
          "[stats][jitter]") {
  RtpReceiverStats steady(8000);
  for (std::uint16_t seq = 0; seq < 500; ++seq) {
    steady.on_packet(kSsrc, seq, 160u * seq, 987'654'321 + std::uint64_t{seq} * kPacketNs);
  }
  CHECK(steady.jitter() == 0);

  // Arrivals alternate 40 units early and late: |D| = 80 every packet, so J -> 80.
  RtpReceiverStats wobbly(8000);
  double reference = 0;
  std::int64_t prev_transit = 0;
  for (std::uint16_t seq = 0; seq < 500; ++seq) {
    const std::int64_t offset = seq % 2 == 0 ? 40 : -40;
    const std::int64_t arrival = 100'000 + 160 * seq + offset;
    wobbly.on_packet(kSsrc, seq, 160u * seq, static_cast<std::uint64_t>(arrival) * kUnitNs);
    const std::int64_t transit = arrival - 160 * seq;
    if (seq >= 2) reference += (std::fabs(double(transit - prev_transit)) - reference) / 16;
    prev_transit = transit;
  }
  CHECK(std::abs(reference - 80.0) < 0.01);
  CHECK(wobbly.jitter() >= 79);
  CHECK(wobbly.jitter() <= 80);
}

TEST_CASE("jitter at 48 kHz converts arrival times at the stream's clock", "[stats][jitter]") {
  // 20 ms = 960 units; every packet 1 ms (48 units) late relative to the one before it, then
  // back: |D| = 48 each time.
  RtpReceiverStats s(48000);
  for (std::uint16_t seq = 0; seq < 400; ++seq) {
    const std::uint64_t late_ns = seq % 2 == 0 ? 0 : 1'000'000;
    s.on_packet(kSsrc, seq, 960u * seq, std::uint64_t{seq} * kPacketNs + late_ns);
  }
  CHECK(s.jitter() >= 47);
  CHECK(s.jitter() <= 48);
  // The same stream declared at 8 kHz would read 6x smaller: the clock matters.
  s.set_clock_rate(8000);
  CHECK(s.jitter() >= 47);  // unchanged until new packets arrive
}

TEST_CASE("jitter survives timestamp and arrival wrap-around", "[stats][jitter]") {
  RtpReceiverStats s(8000);
  const std::uint32_t ts0 = 0xFFFFFFFFu - 160u * 50;
  const std::uint64_t t0 = (std::uint64_t{1} << 32) * kUnitNs - 25 * kPacketNs;  // arrival wraps
  for (std::uint16_t seq = 0; seq < 100; ++seq) {
    s.on_packet(kSsrc, seq, ts0 + 160u * seq, t0 + std::uint64_t{seq} * kPacketNs);
  }
  CHECK(s.jitter() == 0);
}

TEST_CASE("LSR and DLSR come from the last SR and the time since it", "[stats]") {
  RtpReceiverStats s;
  run(s, 0, 10);
  CHECK(s.report_block(0).lsr == 0);
  const std::uint64_t ntp = 0xE1234567'89ABCDEFull;
  s.on_sender_report(ntp, 1'000'000'000);
  const RtcpReportBlock b = s.report_block(2'500'000'000);
  CHECK(b.lsr == 0x456789AB);
  CHECK(b.dlsr == 98304);  // 1.5 s in 1/65536 s
}

TEST_CASE("cumulative lost is clamped to 24 bits in the report", "[stats]") {
  RtpReceiverStats s;
  run(s, 0, 2);
  std::uint16_t seq = 1;
  for (int i = 0; i < 2900; ++i) {  // 2,999 apart: each step loses 2,998, about 8.7 M in all
    seq = static_cast<std::uint16_t>(seq + 2999);
    REQUIRE(on_time(s, seq) == SeqVerdict::InOrder);
  }
  CHECK(s.cumulative_lost() > kMaxCumulativeLost);
  CHECK(s.report_block(0).cumulative_lost == kMaxCumulativeLost);
}

TEST_CASE("time conversions are exact", "[stats][clock]") {
  CHECK(ns_to_rtp_units(1'000'000'000, 8000) == 8000);
  CHECK(ns_to_rtp_units(125'000, 8000) == 1);
  CHECK(ns_to_rtp_units(124'999, 8000) == 0);
  CHECK(ns_to_rtp_units(20'000'000, 48000) == 960);
  // Beyond 64-bit products: ns * rate would overflow; the split keeps it exact.
  const std::uint64_t big = 0xFFFF'FFFF'FFFF'FFFFull;
  CHECK(ns_to_ticks(big, 48000) == big / 1'000'000'000 * 48000 + big % 1'000'000'000 * 48000 / 1'000'000'000);
  CHECK(ntp_from_unix_ns(0) == kNtpUnixOffsetSeconds << 32);
  CHECK(ntp_from_unix_ns(1'500'000'000) == ((kNtpUnixOffsetSeconds + 1) << 32 | 0x80000000u));
  CHECK(ntp_middle32(0x11223344'55667788ull) == 0x33445566);
}

// Not run by ctest: `build/bin/rtp_receiver_stats_test "[.bench]"` in a Release build.
TEST_CASE("receive statistics cost", "[.bench]") {
  constexpr std::uint32_t kPackets = 50'000'000;
  std::vector<double> per_packet, per_report;
  std::uint64_t sink = 0;
  for (int round = 0; round < 5; ++round) {
    RtpReceiverStats s(8000);
    auto start = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < kPackets; ++i) {
      // A small arrival wobble so the jitter update does real work.
      sink += static_cast<std::uint64_t>(s.on_packet(
          kSsrc, static_cast<std::uint16_t>(i), 160 * i, std::uint64_t{i} * kPacketNs + (i & 7) * 10'000));
    }
    std::chrono::duration<double, std::nano> ns = std::chrono::steady_clock::now() - start;
    per_packet.push_back(ns.count() / kPackets);
    start = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < kPackets / 10; ++i) sink += s.report_block(i).fraction_lost + s.jitter();
    ns = std::chrono::steady_clock::now() - start;
    per_report.push_back(ns.count() / (kPackets / 10));
  }
  // A worker's pattern: many legs, one packet each in turn (state cache-resident, 100 KiB).
  constexpr std::uint32_t kLegs = 1000;
  std::vector<double> many;
  for (int round = 0; round < 5; ++round) {
    std::vector<RtpReceiverStats> legs(kLegs, RtpReceiverStats(8000));
    const auto start = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < kPackets / kLegs; ++i) {
      for (std::uint32_t leg = 0; leg < kLegs; ++leg) {
        sink += static_cast<std::uint64_t>(legs[leg].on_packet(
            leg, static_cast<std::uint16_t>(i), 160 * i,
            std::uint64_t{i} * kPacketNs + leg * 1000 + (i & 7) * 10'000));
      }
    }
    const std::chrono::duration<double, std::nano> ns = std::chrono::steady_clock::now() - start;
    many.push_back(ns.count() / kPackets);
  }
  std::sort(per_packet.begin(), per_packet.end());
  std::sort(per_report.begin(), per_report.end());
  std::sort(many.begin(), many.end());
  std::printf("on_packet, one stream back to back:  %6.2f ns\n", per_packet[2]);
  std::printf("on_packet, 1,000 streams in turn:    %6.2f ns\n", many[2]);
  std::printf("report_block:                        %6.2f ns  (sink %llu)\n", per_report[2],
              static_cast<unsigned long long>(sink));
}
