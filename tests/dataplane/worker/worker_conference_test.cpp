// Conferences in the worker (issue 8): a real Worker on the socket backend on loopback; the far
// ends are oRTP sessions (OrtpPeer, PCMU) and, for other codecs, CodecPeer (our codecs on a
// UDP socket). Each far end sends its own tone; a Goertzel amplitude tells which tones each one
// hears: the other members', never its own.
#include <catch2/catch.hpp>

#include <string>

#include "conference_call.hpp"
#include "dataplane/dsp/dtmf_detector.hpp"
#include "tests/support/ortp_peer.hpp"
#include "worker_harness.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
using dialcore::codecs::CodecId;

namespace {

constexpr double kHz[3] = {440.0, 1040.0, 1660.0};
constexpr double kAmplitude = 6000.0;
constexpr double kHeard = 2000.0;  // a tone mixed in arrives near kAmplitude
constexpr double kAbsent = 300.0;  // codec noise and leakage stay well under this

template <typename Peer>
LegId attach(WorkerHarness& h, Peer& peer, const CodecSpec& spec, double hz) {
  const LegId leg = h.leg_towards(peer, spec);
  peer.set_remote(h.local_of(leg));
  peer.play(tone(hz, kAmplitude));
  return leg;
}

// Every far end sends a frame, 20 ms pass, the worker turns, every far end reads.
template <typename... Peers>
void run(WorkerHarness& h, int frames, Peers&... peers) {
  for (int i = 0; i < frames; ++i) {
    (peers.send_frame(), ...);
    h.advance_ms(20);
    for (int t = 0; t < 3; ++t) h.turn();
    (peers.receive(), ...);
  }
}

// What the far end heard over its last `samples`: the amplitude of each party's tone.
template <typename Peer>
std::array<double, 3> heard(const Peer& peer, std::size_t samples = 4000) {
  const auto x = tail(peer.audio(), samples);
  return {tone_amplitude(x, kHz[0]), tone_amplitude(x, kHz[1]), tone_amplitude(x, kHz[2])};
}

template <typename Peer>
void check_hears_others(const Peer& peer, int self) {
  const auto amp = heard(peer);
  INFO("party " << self << " hears " << amp[0] << " / " << amp[1] << " / " << amp[2]);
  for (int i = 0; i < 3; ++i) {
    if (i == self) {
      CHECK(amp[static_cast<std::size_t>(i)] < kAbsent);
    } else {
      CHECK(amp[static_cast<std::size_t>(i)] > kHeard);
    }
  }
}

CodecSpec pcmu() { return WorkerHarness::spec(CodecId::Pcmu, 0); }

}  // namespace

TEST_CASE("three oRTP parties in a conference each hear the other two and not themselves", "[worker][conference][ortp]") {
  WorkerHarness h;
  OrtpPeer p0, p1, p2;
  const LegId l0 = attach(h, p0, pcmu(), kHz[0]);
  const LegId l1 = attach(h, p1, pcmu(), kHz[1]);
  const LegId l2 = attach(h, p2, pcmu(), kHz[2]);
  // A customer bridged to an agent, then the consulted agent joins: the merge.
  REQUIRE(h.call(l0, BridgeArgs{l1}).status == ReplyStatus::Ok);
  run(h, 20, p0, p1, p2);
  CHECK(heard(p0)[1] > kHeard);
  CHECK(heard(p2)[0] < kAbsent);  // not bridged yet: hears nobody
  REQUIRE(h.call(l2, ConferenceJoinArgs{l0}).status == ReplyStatus::Ok);  // 2 members + 1
  REQUIRE(h.call(l1, ConferenceJoinArgs{l0}).status == ReplyStatus::Ok);
  run(h, 60, p0, p1, p2);
  check_hears_others(p0, 0);
  check_hears_others(p1, 1);
  check_hears_others(p2, 2);
  const auto& stats = h.worker().stats();
  CHECK(stats.read(WorkerCounter::ConferenceTicks) >= 55);
  CHECK(stats.read(WorkerCounter::ConferenceUnderruns) < 3 * 10);  // a few at the start

  SECTION("a leave returns the other two to a plain bridge") {
    REQUIRE(h.call(l2, ConferenceLeaveArgs{}).status == ReplyStatus::Ok);
    const std::size_t p2_packets = p2.audio_packets();
    const auto ticks = stats.read(WorkerCounter::ConferenceTicks);
    run(h, 40, p0, p1, p2);
    CHECK(stats.read(WorkerCounter::ConferenceTicks) == ticks);  // no mix any more
    auto a0 = heard(p0, 2400), a1 = heard(p1, 2400);
    CHECK(a0[1] > kHeard);
    CHECK(a0[2] < kAbsent);
    CHECK(a1[0] > kHeard);
    CHECK(a1[2] < kAbsent);
    CHECK(p2.audio_packets() == p2_packets);  // the one who left hears nothing
    // A plain bridge again: Bridge/Unbridge work, a second leave is WrongState.
    CHECK(h.call(l0, ConferenceLeaveArgs{}).status == ReplyStatus::WrongState);
    CHECK(h.call(l0, UnbridgeArgs{}).status == ReplyStatus::Ok);
    CHECK(h.call(l0, BridgeArgs{l2}).status == ReplyStatus::Ok);
  }
  SECTION("destroying a member leaves the conference; the last two are bridged") {
    REQUIRE(h.call(l1, DestroyLegArgs{}).status == ReplyStatus::Ok);
    run(h, 40, p0, p2);
    CHECK(heard(p0, 2400)[2] > kHeard);
    CHECK(heard(p2, 2400)[0] > kHeard);
    CHECK(heard(p2, 2400)[1] < kAbsent);
  }
}

// Three far ends in the codecs of `specs` joined into one conference (the third joins the
// second's), 60 frames: each hears the other two and not itself.
template <typename A, typename B, typename C>
void three_in_codecs(A& p0, B& p1, C& p2, const std::array<CodecSpec, 3>& specs) {
  WorkerHarness h;
  const LegId l0 = attach(h, p0, specs[0], kHz[0]);
  const LegId l1 = attach(h, p1, specs[1], kHz[1]);
  const LegId l2 = attach(h, p2, specs[2], kHz[2]);
  REQUIRE(h.call(l1, ConferenceJoinArgs{l0}).status == ReplyStatus::Ok);
  REQUIRE(h.call(l2, ConferenceJoinArgs{l1}).status == ReplyStatus::Ok);
  run(h, 60, p0, p1, p2);
  check_hears_others(p0, 0);
  check_hears_others(p1, 1);
  check_hears_others(p2, 2);
}

TEST_CASE("a conference of PCMU, PCMA and G.729 members: each hears the others in its codec", "[worker][conference][codecs]") {
  OrtpPeer p0;
  CodecPeer p1(CodecId::Pcma, 8), p2(CodecId::G729, 18);
  REQUIRE(p1.ok());
  REQUIRE(p2.ok());
  three_in_codecs(p0, p1, p2, {pcmu(), WorkerHarness::spec(CodecId::Pcma, 8), WorkerHarness::spec(CodecId::G729, 18)});
}

TEST_CASE("an Opus member (48 kHz RTP clock, coded at 8 kHz) in a conference with PCMU", "[worker][conference][codecs]") {
  OrtpPeer p0, p1;
  CodecPeer p2(CodecId::Opus, 111);
  REQUIRE(p2.ok());
  three_in_codecs(p0, p1, p2, {pcmu(), pcmu(), WorkerHarness::spec(CodecId::Opus, 111)});
}

TEST_CASE("masking armed on a conference member: no other member hears its tones", "[worker][conference][dtmf]") {
  WorkerHarness h;
  OrtpPeer customer, agent, other;
  const LegId lc = attach(h, customer, pcmu(), kHz[0]);
  const LegId la = attach(h, agent, pcmu(), kHz[1]);
  const LegId lo = attach(h, other, pcmu(), kHz[2]);
  customer.play(background_noise(8000));
  REQUIRE(h.call(la, ConferenceJoinArgs{lc}).status == ReplyStatus::Ok);
  REQUIRE(h.call(lo, ConferenceJoinArgs{lc}).status == ReplyStatus::Ok);
  REQUIRE(h.call(lc, MaskDtmfArgs{}).status == ReplyStatus::Ok);
  run(h, 10, customer, agent, other);
  for (char k : std::string("4111")) customer.key_inband(k, 100, 120);
  for (int i = 0; i < 200 && customer.keys_pending(); ++i) run(h, 1, customer, agent, other);
  run(h, 30, customer, agent, other);
  std::string keys;
  for (const Event& e : h.events()) {
    if (e.type == EventType::Dtmf && e.leg == lc) {
      keys += e.args<DtmfEventArgs>().key;
      CHECK(e.args<DtmfEventArgs>().masked);
    }
  }
  CHECK(keys == "4111");
  dsp::DtmfDetector det;
  for (const auto* peer : {&agent.audio(), &other.audio()}) {
    std::array<dsp::DtmfEvent, 8> ev{};
    std::size_t found = 0;
    for (std::size_t at = 0; at + 160 <= peer->size(); at += 160) {
      found += det.process(std::span<const std::int16_t>(peer->data() + at, 160), at, ev).count;
    }
    CHECK(found == 0);
  }
}

TEST_CASE("conference commands: clear errors, nothing changed", "[worker][conference]") {
  WorkerConfig config;
  config.conferences = 1;
  WorkerHarness h(config);
  std::array<UdpPeer, 7> peers{UdpPeer(loopback_v4()), UdpPeer(loopback_v4()), UdpPeer(loopback_v4()),
                               UdpPeer(loopback_v4()), UdpPeer(loopback_v4()), UdpPeer(loopback_v4()),
                               UdpPeer(loopback_v4())};
  std::array<LegId, 6> l{};
  for (std::size_t i = 0; i < l.size(); ++i) l[i] = h.leg_towards(peers[i], pcmu());
  CodecSpec l16 = WorkerHarness::spec(CodecId::L16, 96);
  l16.format.sample_rate_hz = l16.format.rtp_clock_hz = 16000;
  const LegId wide = h.leg_towards(peers[6], l16);

  CHECK(h.call(l[0], ConferenceJoinArgs{l[0]}).status == ReplyStatus::BadArgument);
  CHECK(h.call(l[0], ConferenceJoinArgs{LegId{999, 1}}).status == ReplyStatus::StaleLeg);
  CHECK(h.call(l[0], ConferenceLeaveArgs{}).status == ReplyStatus::WrongState);
  CHECK(h.call(wide, ConferenceJoinArgs{l[0]}).status == ReplyStatus::Unsupported);  // 16 kHz
  CHECK(h.call(l[1], ConferenceJoinArgs{l[0]}).status == ReplyStatus::Ok);
  CHECK(h.call(l[1], ConferenceJoinArgs{l[0]}).status == ReplyStatus::WrongState);  // already in
  CHECK(h.call(l[1], BridgeArgs{l[2]}).status == ReplyStatus::WrongState);
  CHECK(h.call(l[3], ConferenceJoinArgs{l[2]}).status == ReplyStatus::NoCapacity);  // pool of one
  CHECK(h.call(l[2], ConferenceJoinArgs{l[0]}).status == ReplyStatus::Ok);
  CHECK(h.call(l[3], ConferenceJoinArgs{l[1]}).status == ReplyStatus::Ok);
  CHECK(h.call(l[4], ConferenceJoinArgs{l[1]}).status == ReplyStatus::NoCapacity);  // four members
  CHECK(h.call(wide, ConferenceJoinArgs{l[1]}).status == ReplyStatus::NoCapacity);
  // Leaving down to two bridges them and frees the slot for another conference.
  CHECK(h.call(l[3], ConferenceLeaveArgs{}).status == ReplyStatus::Ok);
  CHECK(h.call(l[2], ConferenceLeaveArgs{}).status == ReplyStatus::Ok);
  CHECK(h.call(l[1], ConferenceLeaveArgs{}).status == ReplyStatus::WrongState);  // bridged now
  CHECK(h.call(l[1], UnbridgeArgs{}).status == ReplyStatus::Ok);
  CHECK(h.call(l[4], ConferenceJoinArgs{l[5]}).status == ReplyStatus::Ok);
  CHECK(h.call(l[4], DestroyLegArgs{}).status == ReplyStatus::Ok);  // the last one is alone
  CHECK(h.call(l[5], ConferenceLeaveArgs{}).status == ReplyStatus::WrongState);
  CHECK(h.call(l[2], ConferenceJoinArgs{l[3]}).status == ReplyStatus::Ok);  // the slot is free
}
