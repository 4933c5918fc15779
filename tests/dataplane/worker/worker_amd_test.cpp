// Answering-machine detection inside the worker (issue 4): a leg with AMD on, RTP from a
// UdpPeer far end carrying audio generated here (tests/dataplane/dsp/amd_signals.hpp), the Amd
// events the worker posts, their timing, and the commands' errors.
#include <catch2/catch.hpp>

#include <cmath>

#include "amd_call.hpp"
#include "tests/dataplane/dsp/amd_signals.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
using dialcore::codecs::CodecId;

namespace {

const CodecSpec kPcmu = WorkerHarness::spec(CodecId::Pcmu, 0);
const CodecSpec kPcma = WorkerHarness::spec(CodecId::Pcma, 8, 10);

// A "Hello?" of 700 ms at 500 ms, then the line's noise: a person waiting for an answer.
Pcm hello_then_quiet(unsigned seed) {
  Pcm x;
  silence(x, 500);
  voice(x, 700, -16.0, seed);
  silence(x, 4500);
  add_noise(x, -50.0, seed + 1);
  return x;
}

double ms(std::uint32_t v) { return static_cast<double>(v); }
double ms_since(std::uint64_t at_ns, std::uint64_t start_ns) {
  return static_cast<double>(at_ns - start_ns) / 1e6;
}

}  // namespace

TEST_CASE("a hello then quiet is HUMAN once, then AMD stops by itself", "[worker][amd]") {
  WorkerHarness h;
  UdpPeer far(loopback_v4());
  const LegId leg = h.leg_towards(far, kPcmu);
  const Pcm x = hello_then_quiet(3);
  const AmdCall call = amd_call(h, leg, far, AmdArgs{}, x, CodecId::Pcmu, 0);
  REQUIRE(call.events.size() == 1);  // the verdict; no correction, no beep
  const AmdEventArgs& v = call.events[0];
  CHECK(v.result == AmdResultCode::Human);
  CHECK(v.cause == AmdCauseCode::GreetingThenPause);
  CHECK_FALSE(v.correction);
  // The answer ends at 1200 ms; the detector's 900 ms pause rule (20 ms frames).
  CHECK(std::abs(ms(v.at_ms) - 2100.0) <= 60.0);
  CHECK(std::abs(ms(v.onset_ms) - 500.0) <= 60.0);
  // Posted when its frame arrived: the worker clock agrees with the audio time.
  CHECK(std::abs(ms_since(v.at_ns, call.start_ns) - ms(v.at_ms)) <= 40.0);
  // It stopped once the HUMAN was final (the 2 s correction window after the answer), well
  // before the audio ran out: 5.7 s sent.
  const auto frames = h.worker().stats().read(WorkerCounter::AmdFrames);
  CHECK(frames >= (1200 + 2000) / 20);
  CHECK(frames <= (1200 + 2000 + 400) / 20);
  CHECK(h.worker().stats().read(WorkerCounter::AmdEvents) == 1);

  SECTION("A-law in 10 ms packets: the same verdict at the same time") {
    UdpPeer far2(loopback_v4());
    const LegId leg2 = h.leg_towards(far2, kPcma);
    const AmdCall c2 = amd_call(h, leg2, far2, AmdArgs{}, x, CodecId::Pcma, 8, 10);
    REQUIRE(c2.events.size() == 1);
    CHECK(c2.events[0].result == AmdResultCode::Human);
    CHECK(std::abs(ms(c2.events[0].at_ms) - ms(v.at_ms)) <= 20.0);
  }
}

TEST_CASE("a greeting longer than greeting_ms is MACHINE at its limit, and AMD stops", "[worker][amd]") {
  WorkerHarness h;
  UdpPeer far(loopback_v4());
  const LegId leg = h.leg_towards(far, kPcmu);
  Pcm x;
  silence(x, 500);
  voice(x, 6000, -18.0, 11);
  silence(x, 1000);
  add_noise(x, -50.0, 12);
  AmdArgs args;
  args.greeting_ms = 3000;  // the campaign's value reaches the detector (its default is 4000)
  const AmdCall call = amd_call(h, leg, far, args, x, CodecId::Pcmu, 0);
  REQUIRE(call.events.size() == 1);  // no beep asked for
  CHECK(call.events[0].result == AmdResultCode::Machine);
  CHECK(call.events[0].cause == AmdCauseCode::LongGreeting);
  CHECK(std::abs(ms(call.events[0].at_ms) - 3500.0) <= 60.0);
  // Nothing analysed after a MACHINE without the beep wanted.
  CHECK(h.worker().stats().read(WorkerCounter::AmdFrames) <= 3500 / 20 + 3);
}

TEST_CASE("with report_beep, a beep after the greeting comes as onset and end events", "[worker][amd]") {
  Pcm x;
  silence(x, 500);
  voice(x, 4500, -18.0, 21);  // MACHINE at 4500 ms (4 s greeting)
  silence(x, 300);
  tone(x, 1000.0, 500.0, -14.0);  // the beep: 5300..5800 ms
  silence(x, 1500);
  add_noise(x, -50.0, 22);
  for (const bool report : {true, false}) {
    INFO("report_beep " << report);
    WorkerHarness h;
    UdpPeer far(loopback_v4());
    const LegId leg = h.leg_towards(far, kPcmu);
    AmdArgs args;
    args.report_beep = report;
    const AmdCall call = amd_call(h, leg, far, args, x, CodecId::Pcmu, 0);
    REQUIRE(call.verdict() != nullptr);
    CHECK(call.verdict()->result == AmdResultCode::Machine);
    CHECK(std::abs(ms(call.verdict()->at_ms) - 4500.0) <= 60.0);
    if (!report) {
      CHECK(call.events.size() == 1);
      continue;
    }
    REQUIRE(call.events.size() == 3);
    const AmdEventArgs* onset = call.find(false, true, false);
    const AmdEventArgs* end = call.find(false, true, true);
    REQUIRE(onset != nullptr);
    REQUIRE(end != nullptr);
    CHECK(onset->result == AmdResultCode::Machine);
    CHECK(std::abs(ms(onset->onset_ms) - 5300.0) <= 40.0);
    CHECK(std::abs(static_cast<double>(onset->freq_hz) - 1000.0) <= 15.0);
    CHECK(ms(onset->at_ms) < ms(end->at_ms));
    CHECK(std::abs(ms(end->at_ms) - 5800.0) <= 60.0);
    // The leg is free of AMD once the beep ended.
    CHECK(h.worker().stats().read(WorkerCounter::AmdFrames) <= 5800 / 20 + 5);
  }
}

TEST_CASE("a provisional HUMAN whose greeting goes on comes back as a Correction to MACHINE",
          "[worker][amd]") {
  WorkerHarness h;
  UdpPeer far(loopback_v4());
  const LegId leg = h.leg_towards(far, kPcmu);
  Pcm x;
  silence(x, 500);
  voice(x, 700, -16.0, 3);
  silence(x, 1200);  // a machine's pause between sentences: HUMAN at ~2100 ms
  voice(x, 2500, -16.0, 103);  // from 2400 ms
  silence(x, 2000);
  add_noise(x, -50.0, 10);
  const AmdCall call = amd_call(h, leg, far, AmdArgs{}, x, CodecId::Pcmu, 0);
  REQUIRE(call.events.size() == 2);
  CHECK(call.events[0].result == AmdResultCode::Human);
  CHECK_FALSE(call.events[0].correction);
  CHECK(call.events[1].correction);
  CHECK(call.events[1].result == AmdResultCode::Machine);
  CHECK(call.events[1].cause == AmdCauseCode::LateGreeting);
  // Found once 300 ms of the second sentence were heard.
  CHECK(ms(call.events[1].at_ms) >= 2400.0 + 300.0 - 20.0);
  CHECK(ms(call.events[1].at_ms) <= 2400.0 + 300.0 + 160.0);
}

TEST_CASE("no RTP at all is SILENCE after initial_silence_ms, on the worker's clock", "[worker][amd]") {
  WorkerHarness h;
  UdpPeer far(loopback_v4());
  const LegId leg = h.leg_towards(far, kPcmu);
  AmdArgs args;
  args.initial_silence_ms = 2500;
  const AmdCall call = amd_call(h, leg, far, args, {}, CodecId::Pcmu, 0, 20, 8000, 4000);
  REQUIRE(call.events.size() == 1);
  CHECK(call.events[0].result == AmdResultCode::Silence);
  CHECK(call.events[0].cause == AmdCauseCode::InitialSilence);
  CHECK(std::abs(ms(call.events[0].at_ms) - 2500.0) <= 20.0);
  // Found by the timeout scan (every 100 ms), the RTP gap analysed as silence.
  const double posted = ms_since(call.events[0].at_ns, call.start_ns);
  CHECK(posted >= 2500.0);
  CHECK(posted <= 2500.0 + 100.0 + 40.0);
}

TEST_CASE("line noise with no speech is SILENCE at the default initial silence", "[worker][amd]") {
  WorkerHarness h;
  UdpPeer far(loopback_v4());
  const LegId leg = h.leg_towards(far, kPcmu);
  Pcm x;
  silence(x, 5000);
  add_noise(x, -45.0, 5);
  const AmdCall call = amd_call(h, leg, far, AmdArgs{}, x, CodecId::Pcmu, 0);
  REQUIRE(call.events.size() == 1);
  CHECK(call.events[0].result == AmdResultCode::Silence);
  CHECK(std::abs(ms(call.events[0].at_ms) - 4000.0) <= 20.0);
}

TEST_CASE("a 16 kHz leg is decimated: L16 to Opus, the same HUMAN at the same time", "[worker][amd]") {
  WorkerHarness h;
  UdpPeer customer(loopback_v4()), agent(loopback_v4());
  CodecSpec l16 = WorkerHarness::spec(CodecId::L16, 96);
  l16.format.rtp_clock_hz = 16000;
  l16.format.sample_rate_hz = 16000;
  CodecSpec opus = WorkerHarness::spec(CodecId::Opus, 111);
  opus.format.sample_rate_hz = 16000;
  const LegId c = h.leg_towards(customer, l16);
  const LegId a = h.leg_towards(agent, opus);
  REQUIRE(h.call(c, BridgeArgs{a}).status == ReplyStatus::Ok);  // c's audio is transcoded at 16 kHz
  const Pcm x = hello_then_quiet(3);
  const auto wide = to_16k(x);
  const AmdCall call = amd_call(h, c, customer, AmdArgs{}, wide, CodecId::L16, 96, 20, 16000);
  drain_socket(agent);
  REQUIRE(call.events.size() == 1);
  CHECK(call.events[0].result == AmdResultCode::Human);
  CHECK(std::abs(ms(call.events[0].at_ms) - 2100.0) <= 60.0);
  CHECK(h.worker().stats().read(WorkerCounter::DspUndecodable) == 0);
}

TEST_CASE("StartAmd and StopAmd: errors, restart, stop, destroy", "[worker][amd]") {
  WorkerConfig config;
  config.amd_detectors = 1;  // one analysis at a time on this worker
  WorkerHarness h(config);
  UdpPeer far(loopback_v4()), other(loopback_v4());
  const LegId leg = h.leg_towards(far, kPcmu);
  const LegId leg2 = h.leg_towards(other, kPcmu);

  REQUIRE(h.call(leg, AmdArgs{}).status == ReplyStatus::Ok);
  CHECK(h.call(leg, AmdArgs{}).status == ReplyStatus::WrongState);   // one analysis per leg
  CHECK(h.call(leg2, AmdArgs{}).status == ReplyStatus::NoCapacity);  // the pool's one slot
  CHECK(h.call(leg, StopAmdArgs{}).status == ReplyStatus::Ok);
  CHECK(h.call(leg, StopAmdArgs{}).status == ReplyStatus::Ok);       // idempotent
  // Stopped: the audio is not analysed, no event comes.
  const AmdCall none = amd_call(h, leg2, other, AmdArgs{}, {}, CodecId::Pcmu, 0);  // takes the slot
  CHECK(h.call(leg2, StopAmdArgs{}).status == ReplyStatus::Ok);
  const std::size_t events_before = h.events().size();
  const Pcm x = hello_then_quiet(4);
  for (std::size_t at = 0; at + 160 <= x.size(); at += 160) {
    auto p = rtp_bytes(1, static_cast<std::uint16_t>(at / 160), static_cast<std::uint32_t>(at), 0, 0);
    const auto payload = encode_payload(CodecId::Pcmu, std::span<const std::int16_t>(x).subspan(at, 160));
    p.insert(p.end(), payload.begin(), payload.end());
    far.send_to(h.local_of(leg), p);
    h.advance_ms(20);
    h.turn();
  }
  for (std::size_t i = events_before; i < h.events().size(); ++i) CHECK(h.events()[i].type != EventType::Amd);
  CHECK(none.events.empty());

  // A finished analysis frees its slot; StartAmd then starts afresh on the same leg.
  const AmdCall first = amd_call(h, leg, far, AmdArgs{}, hello_then_quiet(5), CodecId::Pcmu, 0);
  REQUIRE(first.events.size() == 1);
  const AmdCall again = amd_call(h, leg, far, AmdArgs{}, hello_then_quiet(6), CodecId::Pcmu, 0);
  REQUIRE(again.events.size() == 1);
  CHECK(again.events[0].result == AmdResultCode::Human);

  // DestroyLeg returns the slot of a running analysis.
  REQUIRE(h.call(leg, AmdArgs{}).status == ReplyStatus::Ok);
  REQUIRE(h.call(leg, DestroyLegArgs{}).status == ReplyStatus::Ok);
  CHECK(h.call(leg, AmdArgs{}).status == ReplyStatus::StaleLeg);  // a stale handle
  CHECK(h.call(leg2, AmdArgs{}).status == ReplyStatus::Ok);

  // Audio this worker cannot decode for AMD: L16 at 48 kHz relayed as it is.
  UdpPeer g(loopback_v4());
  CodecSpec l16 = WorkerHarness::spec(CodecId::L16, 97);
  l16.format.rtp_clock_hz = l16.format.sample_rate_hz = 48000;
  const LegId wide = h.leg_towards(g, l16);
  CHECK(h.call(leg2, StopAmdArgs{}).status == ReplyStatus::Ok);
  CHECK(h.call(wide, AmdArgs{}).status == ReplyStatus::Unsupported);
}

TEST_CASE("a G.729 leg relayed as it is gets a decoder of its own: the same HUMAN", "[worker][amd]") {
  WorkerHarness h;
  UdpPeer far(loopback_v4());
  const LegId leg = h.leg_towards(far, WorkerHarness::spec(CodecId::G729, 18));
  const AmdCall call = amd_call(h, leg, far, AmdArgs{}, hello_then_quiet(3), CodecId::G729, 18);
  REQUIRE(call.events.size() == 1);
  CHECK(call.events[0].result == AmdResultCode::Human);
  CHECK(std::abs(ms(call.events[0].at_ms) - 2100.0) <= 60.0);
  CHECK(h.worker().stats().read(WorkerCounter::DspUndecodable) == 0);
  // A second analysis on the same slot (the first one's decoder replaced by a command).
  const AmdCall again = amd_call(h, leg, far, AmdArgs{}, hello_then_quiet(4), CodecId::G729, 18);
  REQUIRE(again.events.size() == 1);
  CHECK(again.events[0].result == AmdResultCode::Human);
}
