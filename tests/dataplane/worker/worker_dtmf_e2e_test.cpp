// DTMF and PCI masking end to end (issue 4): a real Worker on the socket backend on loopback,
// bridging a customer's leg and an agent's leg whose far ends are oRTP sessions (OrtpPeer). The
// customer keys digits both in-band (tones in PCMU) and by RFC 4733 (oRTP's telephone-event
// API); control's CommandChannel collects the Dtmf events.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "dataplane/dsp/dtmf_detector.hpp"
#include "tests/support/ortp_peer.hpp"
#include "worker_harness.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;

namespace {

// Where the agent's audio is written for multimon-ng (kept for a look after a failure).
std::string temp_wav(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string("dialcore_worker_dtmf_") + name + ".wav")).string();
}

// The keys our own detector hears in 8 kHz audio.
std::string detect(const std::vector<std::int16_t>& pcm) {
  dsp::DtmfDetector det;
  std::string keys;
  std::array<dsp::DtmfEvent, 8> ev{};
  for (std::size_t at = 0; at + 160 <= pcm.size(); at += 160) {
    const auto r = det.process(std::span<const std::int16_t>(pcm.data() + at, 160), at, ev);
    for (std::size_t i = 0; i < r.count; ++i) {
      if (ev[i].kind == dsp::DtmfEvent::Kind::End) keys += ev[i].digit;
    }
  }
  return keys;
}

struct Call {
  WorkerHarness h;
  OrtpPeer customer, agent;
  LegId leg_c, leg_a;
  Call() {
    const CodecSpec pcmu = WorkerHarness::spec(dialcore::codecs::CodecId::Pcmu, 0);
    leg_c = h.leg_towards(customer, pcmu);
    leg_a = h.leg_towards(agent, pcmu);
    customer.set_remote(h.local_of(leg_c));
    agent.set_remote(h.local_of(leg_a));
    REQUIRE(h.call(leg_c, BridgeArgs{leg_a}).status == ReplyStatus::Ok);
    customer.play(background_noise(8000));
    agent.play(background_noise(8000));
  }
  // Both far ends send a 20 ms frame; the worker relays; both receive. Bounded by `frames`.
  void run(int frames) {
    for (int i = 0; i < frames; ++i) {
      customer.send_frame();
      agent.send_frame();
      h.advance_ms(20);
      for (int t = 0; t < 3; ++t) h.turn();
      agent.receive();
      customer.receive();
    }
  }
  void run_until_keys_sent(int max_frames) {
    for (int i = 0; i < max_frames && customer.keys_pending(); ++i) run(1);
    REQUIRE_FALSE(customer.keys_pending());
  }
  std::vector<DtmfEventArgs> dtmf(LegId leg) {
    std::vector<DtmfEventArgs> out;
    for (const Event& e : h.events()) {
      if (e.type == EventType::Dtmf && e.leg == leg) out.push_back(e.args<DtmfEventArgs>());
    }
    return out;
  }
};

std::string keys_of(const std::vector<DtmfEventArgs>& events) {
  std::string k;
  for (const auto& e : events) k += e.key;
  return k;
}

}  // namespace

TEST_CASE("masking armed: the agent gets no tone and no event, control gets the exact digits", "[worker][dtmf][ortp]") {
  Call c;
  REQUIRE(c.h.call(c.leg_c, SetDtmfArgs{true, true}).status == ReplyStatus::Ok);
  c.run(10);
  MaskDtmfArgs arm;
  arm.fill = DtmfMaskFillMode::ComfortNoise;
  REQUIRE(c.h.call(c.leg_c, arm).status == ReplyStatus::Ok);
  c.run(5);
  for (char k : std::string("4111")) c.customer.key_inband(k, 100, 120);
  c.run_until_keys_sent(200);
  for (char k : std::string("2580#")) c.customer.key_rfc4733(k, 120, 100);
  c.run_until_keys_sent(300);
  c.run(50);  // the last key's end, the masker's guard after it
  REQUIRE(c.h.call(c.leg_c, MaskDtmfArgs{false}).status == ReplyStatus::Ok);
  c.run(25);

  const auto events = c.dtmf(c.leg_c);
  CHECK(keys_of(events) == "41112580#");
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].masked);
    CHECK(events[i].source == (i < 4 ? DtmfSource::Inband : DtmfSource::Rfc4733));
    CHECK(events[i].duration_ms >= 80);
    CHECK(events[i].duration_ms <= 160);
    if (i > 0) CHECK(events[i].start_ns > events[i - 1].start_ns);
  }
  CHECK(c.dtmf(c.leg_a).empty());
  // The agent's far end: audio all along, but no telephone-event packet and no tone in it.
  CHECK(c.agent.audio_packets() + 5 >= c.customer.sent_frames());
  CHECK(c.agent.event_packets() == 0);
  CHECK(c.agent.rfc4733_keys().empty());
  CHECK(detect(c.agent.audio()).empty());
  const std::string heard = multimon_dtmf(c.agent.audio(), temp_wav("masked_agent"));
  if (heard == "?") WARN("sox or multimon-ng missing: only our detector judged the agent's audio");
  CHECK((heard.empty() || heard == "?"));
  const auto& stats = c.h.worker().stats();
  CHECK(stats.read(WorkerCounter::DtmfMaskedKeys) == 9);
  CHECK(stats.read(WorkerCounter::DtmfEventsSuppressed) >= 5 * 4);
}

TEST_CASE("the multimon judge is live: the customer's unmasked tones are heard by it", "[worker][dtmf][ortp]") {
  Call c;
  c.run(5);
  for (char k : std::string("4111")) c.customer.key_inband(k, 100, 120);
  c.run_until_keys_sent(200);
  c.run(10);
  CHECK(detect(c.agent.audio()) == "4111");
  const std::string heard = multimon_dtmf(c.agent.audio(), temp_wav("unmasked_agent"));
  if (heard == "?") WARN("sox or multimon-ng missing");
  CHECK((heard == "4111" || heard == "?"));
}

TEST_CASE("not masked: keys are reported and forwarded, in-band and RFC 4733", "[worker][dtmf][ortp]") {
  Call c;
  REQUIRE(c.h.call(c.leg_c, SetDtmfArgs{true, true}).status == ReplyStatus::Ok);
  c.run(5);
  for (char k : std::string("123")) c.customer.key_inband(k, 100, 100);
  c.run_until_keys_sent(200);
  for (char k : std::string("45")) c.customer.key_rfc4733(k, 100, 100);
  c.run_until_keys_sent(200);
  c.run(20);

  const auto events = c.dtmf(c.leg_c);
  CHECK(keys_of(events) == "12345");
  for (const auto& e : events) CHECK_FALSE(e.masked);
  // The agent hears the tones and gets the events (its payload type, our stream).
  CHECK(detect(c.agent.audio()) == "123");
  CHECK(c.agent.rfc4733_keys() == "45");
  CHECK(c.agent.event_packets() >= 2 * 4);
  CHECK(c.h.worker().stats().read(WorkerCounter::DtmfMaskedKeys) == 0);
}

TEST_CASE("SendDtmf: RFC 4733 to a leg that negotiated it, in-band when asked", "[worker][dtmf][ortp]") {
  Call c;
  c.run(5);
  SendDtmfArgs send;
  const std::string keys = "9*7";
  std::copy(keys.begin(), keys.end(), send.keys.begin());
  send.count = static_cast<std::uint8_t>(keys.size());
  send.duration_ms = 100;
  send.gap_ms = 80;
  REQUIRE(c.h.call(c.leg_a, send).status == ReplyStatus::Ok);
  c.run(60);
  CHECK(c.agent.rfc4733_keys() == "9*7");
  CHECK(detect(c.agent.audio()).empty());  // events, not tones
  CHECK(c.h.worker().stats().read(WorkerCounter::DtmfSent) >= 3 * 5);

  send.inband = true;
  REQUIRE(c.h.call(c.leg_a, send).status == ReplyStatus::Ok);
  c.run(60);
  CHECK(detect(c.agent.audio()) == "9*7");
  CHECK(c.agent.rfc4733_keys() == "9*7");  // nothing more by RFC 4733

  send.keys[0] = 'x';
  CHECK(c.h.call(c.leg_a, send).status == ReplyStatus::BadArgument);
}

TEST_CASE("DTMF commands: pools, codecs and states give clear errors", "[worker][dtmf]") {
  WorkerConfig config;
  config.dtmf_maskers = 1;
  WorkerHarness h(config);
  UdpPeer p1(loopback_v4()), p2(loopback_v4()), p3(loopback_v4());
  const LegId a = h.leg_towards(p1, WorkerHarness::spec(dialcore::codecs::CodecId::Pcmu, 0));
  const LegId b = h.leg_towards(p2, WorkerHarness::spec(dialcore::codecs::CodecId::Pcma, 8));
  const LegId g729 = h.leg_towards(p3, WorkerHarness::spec(dialcore::codecs::CodecId::G729, 18));
  CHECK(h.call(a, MaskDtmfArgs{}).status == ReplyStatus::Ok);
  CHECK(h.call(b, MaskDtmfArgs{}).status == ReplyStatus::NoCapacity);  // one masker in the pool
  CHECK(h.call(g729, SetDtmfArgs{true, true}).status == ReplyStatus::Unsupported);  // not decodable
  CHECK(h.call(g729, MaskDtmfArgs{}).status == ReplyStatus::Unsupported);
  SendDtmfArgs send;
  send.keys[0] = '1';
  send.count = 1;
  send.inband = true;
  CHECK(h.call(b, send).status == ReplyStatus::WrongState);  // in-band needs audio towards it
  send.count = 0;
  CHECK(h.call(b, send).status == ReplyStatus::BadArgument);
  CHECK(h.call(LegId{999, 1}, SetDtmfArgs{}).status == ReplyStatus::StaleLeg);
  // Destroying the masked leg returns its masker to the pool.
  REQUIRE(h.call(a, DestroyLegArgs{}).status == ReplyStatus::Ok);
  CHECK(h.call(b, MaskDtmfArgs{}).status == ReplyStatus::Ok);
}
