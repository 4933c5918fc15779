// Release only (the sanitizers own malloc): the worker's DTMF paths allocate nothing in steady
// state: RFC 4733 receive (reported and suppressed while masked), the DSP tap on G.711 audio
// with in-band tones (detector and masker from the pools), RFC 4733 send through the stream
// rewriter, in-band keys written over the audio, and the Dtmf events to control.
#include <catch2/catch.hpp>

#include "codecs/g711.hpp"
#include "dataplane/dsp/dtmf_generator.hpp"
#include "dataplane/rtp/telephone_event.hpp"
#include "tests/support/alloc_counter.hpp"
#include "worker_harness.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;


TEST_CASE("DTMF detection, masking, RFC 4733 in and out allocate nothing in steady state", "[worker][dtmf][alloc]") {
  WorkerHarness h;
  UdpPeer customer(loopback_v4()), agent(loopback_v4());
  const CodecSpec pcmu = WorkerHarness::spec(dialcore::codecs::CodecId::Pcmu, 0);
  const LegId c = h.leg_towards(customer, pcmu);
  const LegId a = h.leg_towards(agent, pcmu);
  REQUIRE(h.call(c, BridgeArgs{a}).status == ReplyStatus::Ok);
  REQUIRE(h.call(c, SetDtmfArgs{true, true}).status == ReplyStatus::Ok);
  REQUIRE(h.call(c, MaskDtmfArgs{}).status == ReplyStatus::Ok);
  REQUIRE(h.call(c, MaskDtmfArgs{false}).status == ReplyStatus::Ok);
  REQUIRE(h.call(c, MaskDtmfArgs{}).status == ReplyStatus::Ok);
  SendDtmfArgs send;
  send.count = kMaxSendDtmfKeys;
  for (std::size_t i = 0; i < kMaxSendDtmfKeys; ++i) send.keys[i] = "0123456789*#"[i % 12];
  REQUIRE(h.call(a, send).status == ReplyStatus::Ok);      // RFC 4733 to the agent
  send.inband = true;
  REQUIRE(h.call(c, send).status == ReplyStatus::Ok);      // tones to the customer

  // The customer's packets, built before counting: PCMU with in-band keys, and RFC 4733 events
  // (a key every 200 ms: start, two updates, three ends).
  constexpr int kFrames = 400;
  dsp::DtmfGenerator gen;
  for (int k = 0; k < 30; ++k) gen.enqueue(dsp::DtmfTone{"147*"[k % 4], 100, 100});
  std::vector<std::vector<std::uint8_t>> audio, events;
  for (int f = 0; f < kFrames; ++f) {
    std::array<std::int16_t, 160> pcm{};
    gen.generate(pcm);
    auto pkt = rtp_bytes(0xC0FFEE, static_cast<std::uint16_t>(f), 160u * static_cast<std::uint32_t>(f), 0, 160);
    dialcore::codecs::g711::encode_ulaw(pcm.data(), pkt.data() + 12, 160);
    audio.push_back(std::move(pkt));
    const int in_key = f % 10;  // frames 0..5 of every 10 carry event packets
    if (in_key < 6) {
      const auto key_ts = 160u * static_cast<std::uint32_t>(f - in_key);
      auto ev = rtp_bytes(0xC0FFEE, static_cast<std::uint16_t>(f + 10000), key_ts, 101, 4);
      const auto d = static_cast<std::uint16_t>(in_key < 3 ? in_key * 160 : 800);
      rtp::write_telephone_event(std::span<std::uint8_t, 4>(ev.data() + 12, 4), {2, in_key >= 3, 10, d});
      events.push_back(std::move(ev));
    } else {
      events.emplace_back();
    }
  }
  const NetAddress to_c = h.local_of(c);
  const NetAddress to_a = h.local_of(a);
  std::vector<std::vector<std::uint8_t>> agent_audio;
  for (int f = 0; f < kFrames; ++f) {
    agent_audio.push_back(rtp_bytes(0xA6E, static_cast<std::uint16_t>(f), 160u * static_cast<std::uint32_t>(f), 0, 160, 0xFF));
  }
  auto frames = [&](int from, int to) {
    for (int f = from; f < to; ++f) {
      customer.send_to(to_c, audio[static_cast<std::size_t>(f)]);
      agent.send_to(to_a, agent_audio[static_cast<std::size_t>(f)]);  // carries the tones to c
      if (!events[static_cast<std::size_t>(f)].empty()) customer.send_to(to_c, events[static_cast<std::size_t>(f)]);
      h.advance_ms(20);
      h.turn();
      h.turn();
      drain_socket(agent);
      drain_socket(customer);
    }
  };
  frames(0, 100);  // warm up: first packets post events, lazy kernel/socket state settles
  const std::size_t before = allocations();
  frames(100, kFrames);
  const std::size_t after = allocations();
  CHECK(after - before == 0);
  const std::size_t probe = allocations();
  { std::vector<int> v(10); (void)v; }
  CHECK(allocations() > probe);  // the counter counts
  const auto& s = h.worker().stats();
  CHECK(s.read(WorkerCounter::DtmfMaskedKeys) > 20);            // in-band and RFC 4733 keys captured
  CHECK(s.read(WorkerCounter::DtmfEventsSuppressed) > 100);
  CHECK(s.read(WorkerCounter::DtmfSent) > 50);                  // RFC 4733 out to the agent
}
