// RFC 4733 telephone-event: payload format, RFC 2198 redundancy, the receive state machine under
// loss and reordering, and the sender inside a rewritten stream.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <vector>

#include "dataplane/rtp/stream_rewriter.hpp"
#include "dataplane/rtp/telephone_event.hpp"
#include "dataplane/rtp/telephone_event_receiver.hpp"
#include "dataplane/rtp/telephone_event_sender.hpp"

using namespace dialcore::dataplane::rtp;

namespace {

constexpr std::uint64_t kMs = 1'000'000;

std::vector<std::uint8_t> te(std::initializer_list<TelephoneEventBlock> blocks) {
  std::vector<std::uint8_t> p(blocks.size() * kTelephoneEventBytes);
  std::size_t off = 0;
  for (const auto& b : blocks) {
    write_telephone_event(std::span<std::uint8_t, 4>(p.data() + off, 4), b);
    off += 4;
  }
  return p;
}

bool ts_after_check(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) >= 0; }

TelephoneEventBlock ev(std::uint8_t code, std::uint16_t duration, bool end = false) {
  return TelephoneEventBlock{code, end, 10, duration};
}

// Feeds packets and collects every report.
struct Rx {
  TelephoneEventReceiver r{8000, 250};
  std::vector<TelephoneEventReport> reports;
  void packet(std::uint32_t ts, const std::vector<std::uint8_t>& payload, std::uint64_t now_ns) {
    std::array<TelephoneEventReport, 8> out{};
    const std::size_t n = r.on_packet(ts, payload, now_ns, out);
    reports.insert(reports.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  }
  void timer(std::uint64_t now_ns) {
    std::array<TelephoneEventReport, 8> out{};
    const std::size_t n = r.on_timer(now_ns, out);
    reports.insert(reports.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  }
};

}  // namespace

TEST_CASE("telephone-event blocks parse and write back", "[rfc4733]") {
  const auto p = te({ev(11, 1234, true), ev(3, 0)});
  REQUIRE(p.size() == 8);
  CHECK(p[0] == 11);
  CHECK(p[1] == (0x80 | 10));
  std::array<TelephoneEventBlock, 4> out{};
  REQUIRE(parse_telephone_events(p, out) == 2);
  CHECK(out[0] == ev(11, 1234, true));
  CHECK(out[1] == ev(3, 0));
  CHECK(parse_telephone_events(std::span<const std::uint8_t>(p.data(), 3), out) == 0);
  CHECK(parse_telephone_events({}, out) == 0);
  CHECK(dtmf_event_code('#') == 11);
  CHECK(dtmf_event_code('d') == 15);
  CHECK(dtmf_event_code('x') == -1);
  CHECK(dtmf_event_key(10) == '*');
  CHECK(dtmf_event_key(16) == '\0');
}

TEST_CASE("a clean key: start, updates, three ends: one report", "[rfc4733]") {
  Rx rx;
  const std::uint32_t ts = 48000;
  rx.packet(ts, te({ev(5, 0)}), 1000 * kMs);
  rx.packet(ts, te({ev(5, 400)}), 1050 * kMs);
  rx.packet(ts, te({ev(5, 800)}), 1100 * kMs);
  CHECK(rx.reports.empty());
  CHECK(rx.r.active());
  for (int i = 0; i < 3; ++i) rx.packet(ts, te({ev(5, 960, true)}), (1120 + 20 * i) * kMs);
  REQUIRE(rx.reports.size() == 1);
  CHECK(rx.reports[0].event == 5);
  CHECK(rx.reports[0].start_ts == ts);
  CHECK(rx.reports[0].duration == 960);
  CHECK(rx.reports[0].how == TelephoneEventEnd::EndBit);
  CHECK(rx.reports[0].start_ns == 1000 * kMs);
  CHECK(rx.r.repeats() == 2);
  CHECK_FALSE(rx.r.active());
}

TEST_CASE("all three end packets lost: the next key ends it with the duration heard", "[rfc4733]") {
  Rx rx;
  rx.packet(1000, te({ev(1, 0)}), 0);
  rx.packet(1000, te({ev(1, 400)}), 50 * kMs);
  rx.packet(1000, te({ev(1, 640)}), 80 * kMs);
  // ends lost; the next key 2 starts 1000 units later
  rx.packet(2640, te({ev(2, 160)}), 300 * kMs);
  REQUIRE(rx.reports.size() == 1);
  CHECK(rx.reports[0].event == 1);
  CHECK(rx.reports[0].duration == 640);
  CHECK(rx.reports[0].how == TelephoneEventEnd::NextEvent);
  CHECK(rx.r.lost_ends() == 1);
  rx.packet(2640, te({ev(2, 480, true)}), 340 * kMs);
  REQUIRE(rx.reports.size() == 2);
  CHECK(rx.reports[1].event == 2);
  CHECK(rx.reports[1].start_ts == 2640);
  CHECK(rx.reports[1].start_ns == 300 * kMs - 20 * kMs);  // arrival minus 160 units heard
}

TEST_CASE("end packets lost and nothing follows: the key ends by timeout", "[rfc4733]") {
  Rx rx;
  rx.packet(7000, te({ev(9, 0)}), 0);
  rx.packet(7000, te({ev(9, 400)}), 50 * kMs);
  rx.timer(299 * kMs);  // 249 ms after the last packet
  CHECK(rx.reports.empty());
  rx.timer(300 * kMs);
  REQUIRE(rx.reports.size() == 1);
  CHECK(rx.reports[0].how == TelephoneEventEnd::Timeout);
  CHECK(rx.reports[0].duration == 400);
  // A straggling end of the same key afterwards is a retransmission, not a second key.
  rx.packet(7000, te({ev(9, 800, true)}), 320 * kMs);
  CHECK(rx.reports.size() == 1);
  rx.timer(900 * kMs);
  CHECK(rx.reports.size() == 1);
}

TEST_CASE("reordered updates and an end that overtakes them", "[rfc4733]") {
  Rx rx;
  rx.packet(500, te({ev(0, 480)}), 60 * kMs);  // the start and first update were overtaken
  rx.packet(500, te({ev(0, 0)}), 61 * kMs);
  rx.packet(500, te({ev(0, 160)}), 62 * kMs);
  rx.packet(500, te({ev(0, 800, true)}), 100 * kMs);
  rx.packet(500, te({ev(0, 640)}), 101 * kMs);  // an update later than the end
  rx.packet(500, te({ev(0, 800, true)}), 120 * kMs);
  REQUIRE(rx.reports.size() == 1);
  CHECK(rx.reports[0].duration == 800);
  CHECK(rx.reports[0].start_ts == 500);
  CHECK(rx.reports[0].start_ns == 0);  // first arrival at 60 ms carried 60 ms of duration
}

TEST_CASE("a late packet of an earlier key after the next one started is ignored", "[rfc4733]") {
  Rx rx;
  rx.packet(100, te({ev(4, 800, true)}), 0);
  rx.packet(2000, te({ev(6, 160)}), 300 * kMs);
  rx.packet(100, te({ev(4, 640)}), 301 * kMs);  // reordered across keys
  rx.packet(2000, te({ev(6, 800, true)}), 400 * kMs);
  REQUIRE(rx.reports.size() == 2);
  CHECK(rx.reports[0].event == 4);
  CHECK(rx.reports[1].event == 6);
  CHECK(rx.r.late() == 1);
}

TEST_CASE("the same key twice is two keys: timestamps tell them apart", "[rfc4733]") {
  Rx rx;
  for (std::uint32_t k = 0; k < 2; ++k) {
    const std::uint32_t ts = 0xFFFFFF00u + k * 2000;  // across the 32-bit wrap
    rx.packet(ts, te({ev(7, 0)}), k * 400 * kMs);
    rx.packet(ts, te({ev(7, 800, true)}), (k * 400 + 100) * kMs);
    rx.packet(ts, te({ev(7, 800, true)}), (k * 400 + 120) * kMs);
  }
  REQUIRE(rx.reports.size() == 2);
  CHECK(rx.reports[1].start_ts == 0xFFFFFF00u + 2000);
}

TEST_CASE("several events in one packet are consecutive keys (RFC 4733 2.5.1.5)", "[rfc4733]") {
  Rx rx;
  rx.packet(1000, te({ev(1, 800, true), ev(2, 320)}), 0);
  REQUIRE(rx.reports.size() == 1);
  CHECK(rx.reports[0].event == 1);
  rx.packet(1800, te({ev(2, 800, true)}), 60 * kMs);  // key 2 starts where key 1 ended
  REQUIRE(rx.reports.size() == 2);
  CHECK(rx.reports[1].event == 2);
  CHECK(rx.reports[1].start_ts == 1800);
}

TEST_CASE("a key longer than one 16-bit segment adds its segments up", "[rfc4733]") {
  Rx rx;
  rx.packet(10, te({ev(8, 0)}), 0);
  rx.packet(10, te({ev(8, 0xFFFF)}), 8000 * kMs);
  rx.packet(10 + 0xFFFF, te({ev(8, 800)}), 8100 * kMs);
  rx.packet(10 + 0xFFFF, te({ev(8, 1600, true)}), 8200 * kMs);
  REQUIRE(rx.reports.size() == 1);
  CHECK(rx.reports[0].start_ts == 10);
  CHECK(rx.reports[0].duration == 0xFFFFu + 1600);
}

TEST_CASE("malformed telephone-event payloads are counted and report nothing", "[rfc4733]") {
  Rx rx;
  rx.packet(10, {1, 2, 3}, 0);
  rx.packet(10, {}, 0);
  CHECK(rx.r.malformed() == 2);
  CHECK(rx.reports.empty());
  CHECK_FALSE(rx.r.active());
}

namespace {

// RFC 2198: redundant blocks (4-byte headers) then the primary (1-byte header), then data.
std::vector<std::uint8_t> red(std::uint8_t pt, const std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>>& redundant,
                              const std::vector<std::uint8_t>& primary) {
  std::vector<std::uint8_t> p;
  for (const auto& [offset, data] : redundant) {
    const std::uint32_t w = 0x80000000u | std::uint32_t{pt} << 24 | std::uint32_t{offset} << 10 |
                            static_cast<std::uint32_t>(data.size());
    p.push_back(static_cast<std::uint8_t>(w >> 24));
    p.push_back(static_cast<std::uint8_t>(w >> 16));
    p.push_back(static_cast<std::uint8_t>(w >> 8));
    p.push_back(static_cast<std::uint8_t>(w));
  }
  p.push_back(pt);
  for (const auto& r : redundant) p.insert(p.end(), r.second.begin(), r.second.end());
  p.insert(p.end(), primary.begin(), primary.end());
  return p;
}

}  // namespace

TEST_CASE("RFC 2198 redundancy parses and recovers a key whose own packets were lost", "[rfc4733][red]") {
  const auto payload = red(101, {{800, te({ev(3, 800, true)})}}, te({ev(4, 160)}));
  std::array<RedBlock, 4> blocks{};
  REQUIRE(parse_red(payload, blocks) == 2);
  CHECK(blocks[0].payload_type == 101);
  CHECK(blocks[0].ts_offset == 800);
  CHECK(blocks[0].data.size() == 4);
  CHECK(blocks[1].data.size() == 4);
  CHECK(parse_red(std::span<const std::uint8_t>(payload.data(), 3), blocks) == 0);  // cut header
  const auto lying = red(101, {{800, std::vector<std::uint8_t>(40, 0)}}, {});
  CHECK(parse_red(std::span<const std::uint8_t>(lying.data(), 10), blocks) == 0);  // data past end

  TelephoneEventReceiver r;
  std::array<TelephoneEventReport, 8> out{};
  // Key 3 (ts 1000) was never received on its own; the packet of key 4 (ts 1800) carries its end.
  REQUIRE(r.on_red(1800, payload, 101, 0, out) == 1);
  CHECK(out[0].event == 3);
  CHECK(out[0].start_ts == 1000);
  CHECK(out[0].duration == 800);
  CHECK(r.active());
  // The same redundancy again (the next packet): the repeated block is a retransmission.
  const auto next = red(101, {{800, te({ev(3, 800, true)})}}, te({ev(4, 800, true)}));
  REQUIRE(r.on_red(1800, next, 101, 100 * kMs, out) == 1);
  CHECK(out[0].event == 4);
  CHECK(r.repeats() + r.late() >= 1);
}

// A sender using RFC 2198 (RFC 4733 2.5.1.5 "redundancy"): every packet carries the block of the
// packet before it as a redundant block (offset: how far that event's timestamp lies before this
// packet's). Keys '7' (ts 8000) then '8' (ts 16000); then an audio block (PT 0) in the same RED
// stream, which the receiver ignores.
TEST_CASE("RFC 2198 stream: lost primaries are recovered from the next packet's redundant block",
          "[rfc4733][red]") {
  struct Sent {
    std::uint32_t ts;
    TelephoneEventBlock block;
  };
  const std::vector<Sent> sent = {
      {8000, ev(7, 400)},        {8000, ev(7, 800)},         {8000, ev(7, 1200, true)},
      {8000, ev(7, 1200, true)}, {8000, ev(7, 1200, true)},  {16000, ev(8, 400)},
      {16000, ev(8, 800)},       {16000, ev(8, 960, true)},  {16000, ev(8, 960, true)},
      {16000, ev(8, 960, true)}};
  std::vector<std::vector<std::uint8_t>> packets;
  std::vector<std::uint32_t> stamps;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>> redundant;
    if (i > 0) {
      redundant.push_back({static_cast<std::uint16_t>(sent[i].ts - sent[i - 1].ts),
                           te({sent[i - 1].block})});
    }
    packets.push_back(red(101, redundant, te({sent[i].block})));
    stamps.push_back(sent[i].ts);
  }

  SECTION("every packet whose primary is an end of key 7 lost: the next one's redundancy ends it") {
    TelephoneEventReceiver r(8000, 250);
    std::array<TelephoneEventReport, 8> out{};
    std::vector<TelephoneEventReport> got;
    for (std::size_t i = 0; i < packets.size(); ++i) {
      if (i >= 2 && i <= 4) continue;  // the three end packets of key 7: lost
      const std::size_t n = r.on_red(stamps[i], packets[i], 101, i * 50 * kMs, out);
      got.insert(got.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
    }
    REQUIRE(got.size() == 2);
    CHECK(got[0].event == 7);
    CHECK(got[0].how == TelephoneEventEnd::EndBit);  // recovered, not guessed from key 8
    CHECK(got[0].duration == 1200);
    CHECK(got[0].start_ts == 8000);
    CHECK(got[1].event == 8);
    CHECK(got[1].how == TelephoneEventEnd::EndBit);
    CHECK(got[1].duration == 960);
    CHECK(r.lost_ends() == 0);
    CHECK(r.malformed() == 0);
  }

  SECTION("the first packet of key 8 lost and the rest reordered in pairs: each key once") {
    TelephoneEventReceiver r(8000, 250);
    std::array<TelephoneEventReport, 8> out{};
    std::string keys;
    const std::vector<std::size_t> order = {0, 2, 1, 3, 4, 6, 7, 9, 8};  // 5 lost
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::size_t i = order[k];
      const std::size_t n = r.on_red(stamps[i], packets[i], 101, k * 50 * kMs, out);
      for (std::size_t j = 0; j < n; ++j) keys += dtmf_event_key(out[j].event);
    }
    CHECK(keys == "78");
  }

  SECTION("malformed RED is a counted drop; blocks of other payload types are ignored") {
    TelephoneEventReceiver r(8000, 250);
    std::array<TelephoneEventReport, 8> out{};
    const std::vector<std::uint8_t> truncated(packets[3].begin(), packets[3].begin() + 3);
    CHECK(r.on_red(8000, truncated, 101, 0, out) == 0);
    CHECK(r.on_red(8000, {}, 101, 0, out) == 0);
    CHECK(r.malformed() == 2);
    // Audio (PT 0) as the primary, key 7's end as the redundant block: only the key counts.
    std::vector<std::uint8_t> mixed = {0xE5, 0x00, 0x00, 0x04, 0x00};  // F PT 101, len 4; PT 0
    const auto key = te({ev(7, 1200, true)});
    mixed.insert(mixed.end(), key.begin(), key.end());
    mixed.insert(mixed.end(), 160, 0xFF);
    std::array<RedBlock, 4> blocks{};
    REQUIRE(parse_red(mixed, blocks) == 2);
    CHECK(blocks[0].payload_type == 101);
    CHECK(blocks[1].payload_type == 0);
    CHECK(blocks[1].data.size() == 160);
    CHECK(r.on_red(8000, mixed, 101, 0, out) == 1);
    CHECK(out[0].event == 7);
    CHECK(r.malformed() == 2);
  }
}

TEST_CASE("the sender: start with marker, updates, three ends, inside the rewritten stream", "[rfc4733][sender]") {
  StreamRewriter stream(0xABCD, 1000, 50000, 8000);
  // Audio flows first: 20 ms packets of a source.
  std::uint64_t now = 0;
  std::vector<RtpRewrite> audio;
  for (int i = 0; i < 5; ++i) {
    audio.push_back(stream.map(77, static_cast<std::uint16_t>(10 + i), 160u * static_cast<std::uint32_t>(i), false, now));
    if (i < 4) now += 20 * kMs;
  }
  TelephoneEventSender tx({8000, 50, 60, 10});
  REQUIRE(tx.enqueue(static_cast<std::uint8_t>(dtmf_event_code('5')), 120));
  REQUIRE(tx.enqueue(static_cast<std::uint8_t>(dtmf_event_code('#')), 100));
  CHECK_FALSE(tx.enqueue(1, 0));
  CHECK_FALSE(tx.enqueue(1, 9000));  // longer than one segment

  std::vector<TelephoneEventPacket> sent;
  std::vector<std::uint16_t> seqs;
  for (const auto& a : audio) seqs.push_back(a.sequence);
  std::uint16_t audio_seq = 15;
  std::uint32_t audio_ts = 800;
  for (int step = 0; step < 60 && (tx.busy() || step == 0); ++step) {
    now += 10 * kMs;
    std::array<TelephoneEventPacket, 4> out{};
    const std::size_t n = tx.poll(now, stream, 101, out);
    for (std::size_t i = 0; i < n; ++i) {
      sent.push_back(out[i]);
      seqs.push_back(out[i].header.sequence);
    }
    if (step % 2 == 1) {  // audio keeps flowing every 20 ms
      const RtpRewrite a = stream.map(77, audio_seq++, audio_ts, false, now);
      audio_ts += 160;
      REQUIRE(sendable(a.verdict));
      seqs.push_back(a.sequence);
    }
  }
  CHECK_FALSE(tx.busy());
  // Key 5: start (marker, duration 0) at the audio timestamp of now, updates at 50 ms, three ends.
  REQUIRE(sent.size() >= 10);
  CHECK(sent[0].header.marker);
  CHECK(sent[0].block.duration == 0);
  CHECK(sent[0].block.event == 5);
  CHECK(sent[0].header.ssrc == 0xABCD);
  CHECK(sent[0].header.payload_type == 101);
  // At the first poll (10 ms after the last audio packet, ts 50000 + 4 * 160): + 80 units.
  CHECK(sent[0].header.timestamp == 50000 + 4 * 160 + 80);
  int ends5 = 0, ends11 = 0;
  for (const auto& p : sent) {
    if (p.block.event == 5) {
      CHECK(p.header.timestamp == sent[0].header.timestamp);
      if (p.block.end) {
        ++ends5;
        CHECK(p.block.duration == 960);
      }
    } else {
      REQUIRE(p.block.event == 11);
      if (p.block.end) ++ends11;
    }
  }
  CHECK(ends5 == 3);
  CHECK(ends11 == 3);
  // Every packet of the stream got its own sequence number, consecutive, no gap.
  std::vector<std::uint16_t> sorted = seqs;
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  CHECK(sorted.back() - sorted.front() == static_cast<int>(sorted.size()) - 1);

  // What we send, a receiver turns back into the two keys with their durations.
  TelephoneEventReceiver rx;
  std::vector<TelephoneEventReport> got;
  for (const auto& p : sent) {
    std::array<std::uint8_t, 4> payload{};
    write_telephone_event(payload, p.block);
    std::array<TelephoneEventReport, 4> out{};
    const std::size_t n = rx.on_packet(p.header.timestamp, payload, 0, out);
    got.insert(got.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0].event == 5);
  CHECK(got[0].duration == 960);
  CHECK(got[1].event == 11);
  CHECK(got[1].duration == 800);
  CHECK(ts_after_check(got[1].start_ts, got[0].start_ts + 960));
}

// Not run by ctest: `build/bin/telephone_event_test "[.bench]"` in a Release build.
TEST_CASE("telephone-event receiver cost", "[.bench]") {
  constexpr int kLegs = 1000, kRounds = 200;
  std::vector<TelephoneEventReceiver> legs(kLegs);
  std::array<TelephoneEventReport, 4> out{};
  std::size_t reports = 0;
  std::vector<double> ns;
  std::vector<std::vector<std::uint8_t>> payloads;
  for (int k = 0; k < 10; ++k) payloads.push_back(te({ev(5, static_cast<std::uint16_t>(k * 160), k == 9)}));
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < kRounds; ++r) {
      const auto ts = static_cast<std::uint32_t>(rep * 100000 + (r / 10) * 2000);
      const auto& payload = payloads[static_cast<std::size_t>(r % 10)];
      for (auto& leg : legs) reports += leg.on_packet(ts, payload, static_cast<std::uint64_t>(r) * kMs, out);
    }
    const auto t1 = std::chrono::steady_clock::now();
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / (kLegs * kRounds));
  }
  std::sort(ns.begin(), ns.end());
  std::printf("telephone-event receiver: %.1f ns per packet (median of 5, %d legs in turn), %zu reports\n",
              ns[2], kLegs, reports);
  CHECK(reports > 0);
}
