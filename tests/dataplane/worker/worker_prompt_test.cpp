// Prompts and tones into a leg (issue 4, item 4): PlayAudio/StopAudio through a real Worker on
// loopback, the far end seeing one continuous stream; the tone generator and the 16 -> 8 kHz
// prompt path on their own.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "codecs/g711.hpp"
#include "dataplane/dsp/tone_generator.hpp"
#include "dataplane/worker/prompt_player.hpp"
#include "worker_harness.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;

namespace {

std::vector<std::int16_t> sine(double hz, std::uint32_t rate, std::uint32_t ms, double amp = 10000.0) {
  std::vector<std::int16_t> v(rate / 1000 * ms);
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i] = static_cast<std::int16_t>(std::lround(amp * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / rate)));
  }
  return v;
}

double rms(std::span<const std::int16_t> pcm) {
  double e = 0.0;
  for (const auto s : pcm) e += static_cast<double>(s) * s;
  return pcm.empty() ? 0.0 : std::sqrt(e / static_cast<double>(pcm.size()));
}

// Power of `hz` in pcm (Goertzel), normalised so a full-scale sine gives ~1.
double tone_power(std::span<const std::int16_t> pcm, double hz, double rate) {
  const double w = 2.0 * std::numbers::pi * hz / rate, c = 2.0 * std::cos(w);
  double s1 = 0.0, s2 = 0.0;
  for (const auto x : pcm) {
    const double s0 = x / 32768.0 + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double p = s1 * s1 + s2 * s2 - c * s1 * s2;
  return 4.0 * p / (static_cast<double>(pcm.size()) * static_cast<double>(pcm.size()));
}

struct Received {
  dialcore::dataplane::rtp::RtpPacket rtp;
  std::vector<std::int16_t> pcm;
  bool relayed;  // the bridged audio (fill byte 0x55), not the prompt
};

struct PromptCall {
  PromptLibrary lib;
  WorkerHarness h;
  UdpPeer a{loopback_v4()}, b{loopback_v4()};
  LegId la, lb;
  std::vector<Received> got;
  std::uint16_t a_seq = 100;
  explicit PromptCall(const WorkerConfig& config) : h(config) {
    const CodecSpec pcmu = WorkerHarness::spec(dialcore::codecs::CodecId::Pcmu, 0);
    la = h.leg_towards(a, pcmu);
    lb = h.leg_towards(b, pcmu);
    REQUIRE(h.call(la, BridgeArgs{lb}).status == ReplyStatus::Ok);
  }
  // a sends one 20 ms packet towards b; the worker turns; b's datagrams are collected.
  void frame() {
    const auto pkt = rtp_bytes(0xAAAA, a_seq, 160u * a_seq, 0, 160, 0x55);
    ++a_seq;
    REQUIRE(a.send_to(h.local_of(la), pkt));
    h.advance_ms(20);
    for (int t = 0; t < 3; ++t) h.turn();
    while (auto d = b.receive(2)) {
      Received r{parsed(d->bytes), {}, true};
      const auto payload = r.rtp.payload_in(std::span<const std::uint8_t>(d->bytes));
      r.relayed = !payload.empty() && std::all_of(payload.begin(), payload.end(), [](std::uint8_t x) { return x == 0x55; });
      r.pcm.resize(payload.size());
      dialcore::codecs::g711::decode_ulaw(payload.data(), r.pcm.data(), payload.size());
      got.push_back(std::move(r));
    }
  }
  std::vector<Event> events(EventType type) {
    std::vector<Event> out;
    for (const Event& e : h.events()) {
      if (e.type == type) out.push_back(e);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("a prompt plays once into a bridged leg inside its one outgoing stream", "[worker][prompt]") {
  WorkerConfig config;
  PromptLibrary lib;
  const auto clip = sine(1000.0, 8000, 300);
  REQUIRE(lib.add(7, 8000, clip));
  config.prompts = &lib;
  PromptCall c(config);
  for (int i = 0; i < 5; ++i) c.frame();
  REQUIRE(c.h.call(c.lb, PlayAudioArgs{7, 1, false}).status == ReplyStatus::Ok);
  for (int i = 0; i < 30; ++i) c.frame();

  REQUIRE(c.events(EventType::AudioStarted).size() == 1);
  const auto ended = c.events(EventType::AudioEnded);
  REQUIRE(ended.size() == 1);
  const auto end = ended[0].args<AudioEventArgs>();
  CHECK(end.clip_id == 7);
  CHECK_FALSE(end.stopped);
  CHECK(end.loops == 1);
  CHECK(end.played_ms == 300);
  CHECK(ended[0].leg == c.lb);

  // b's stream: relayed, then the prompt (15 packets, the clip), then relayed again; one SSRC,
  // gap-free sequence numbers, a marker at each switch, timestamps increasing.
  REQUIRE(c.got.size() >= 30);
  std::vector<std::int16_t> prompt_pcm;
  int switches = 0;
  for (std::size_t i = 0; i < c.got.size(); ++i) {
    const auto& r = c.got[i];
    if (!r.relayed) prompt_pcm.insert(prompt_pcm.end(), r.pcm.begin(), r.pcm.end());
    if (i == 0) continue;
    CHECK(r.rtp.ssrc == c.got[0].rtp.ssrc);
    CHECK(r.rtp.sequence == static_cast<std::uint16_t>(c.got[i - 1].rtp.sequence + 1));
    CHECK(static_cast<std::int32_t>(r.rtp.timestamp - c.got[i - 1].rtp.timestamp) > 0);
    if (r.relayed != c.got[i - 1].relayed) {
      ++switches;
      CHECK(r.rtp.marker);
    }
  }
  CHECK(switches == 2);
  REQUIRE(prompt_pcm.size() == clip.size());
  std::vector<std::int16_t> err(clip.size());
  for (std::size_t i = 0; i < clip.size(); ++i) err[i] = static_cast<std::int16_t>(prompt_pcm[i] - clip[i]);
  CHECK(20.0 * std::log10(rms(clip) / rms(err)) > 30.0);  // the clip, through mu-law
}

TEST_CASE("a ringback tone loops until StopAudio, then the bridged audio resumes", "[worker][prompt]") {
  PromptCall c(WorkerConfig{});
  c.frame();
  REQUIRE(c.h.call(c.lb, PlayAudioArgs{static_cast<std::uint32_t>(ToneClip::RingbackNorthAmerica), 1, false}).status ==
          ReplyStatus::Ok);
  for (int i = 0; i < 150; ++i) c.frame();  // 3 s: 2 s of tone, 1 s of its pause
  REQUIRE(c.h.call(c.lb, StopAudioArgs{}).status == ReplyStatus::Ok);
  for (int i = 0; i < 5; ++i) c.frame();
  const auto ended = c.events(EventType::AudioEnded);
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].args<AudioEventArgs>().stopped);
  CHECK(ended[0].args<AudioEventArgs>().played_ms >= 2900);
  std::vector<std::int16_t> tone;
  for (const auto& r : c.got) {
    if (!r.relayed) tone.insert(tone.end(), r.pcm.begin(), r.pcm.end());
  }
  REQUIRE(tone.size() >= 8000 * 2);
  const std::span<const std::int16_t> on(tone.data() + 800, 8000);  // inside the 2 s on
  CHECK(tone_power(on, 440.0, 8000.0) > 0.005);
  CHECK(tone_power(on, 480.0, 8000.0) > 0.005);
  CHECK(tone_power(on, 1000.0, 8000.0) < 0.0001);
  CHECK(rms(std::span<const std::int16_t>(tone.data() + 17000, 6000)) < 50.0);  // the 4 s off
  CHECK(c.got.back().relayed);
  CHECK(c.h.call(c.lb, StopAudioArgs{}).status == ReplyStatus::WrongState);  // nothing plays
}

TEST_CASE("PlayAudio errors: unknown clip, mix, no codec yet", "[worker][prompt]") {
  PromptCall c(WorkerConfig{});
  CHECK(c.h.call(c.lb, PlayAudioArgs{12345, 1, false}).status == ReplyStatus::BadArgument);
  CHECK(c.h.call(c.lb, PlayAudioArgs{static_cast<std::uint32_t>(ToneClip::AgentBeep), 1, true}).status ==
        ReplyStatus::Unsupported);
  const Event created = c.h.call(LegId::invalid(), CreateLegArgs{loopback_v4(0), 0});
  REQUIRE(created.status == ReplyStatus::Ok);
  CHECK(c.h.call(created.leg, PlayAudioArgs{static_cast<std::uint32_t>(ToneClip::AgentBeep), 1, false}).status ==
        ReplyStatus::WrongState);
  PromptLibrary lib;
  CHECK_FALSE(lib.add(1, 11025, {1, 2, 3}));
  CHECK_FALSE(lib.add(1, 8000, {}));
  CHECK_FALSE(lib.add(kToneClipBase + 3, 8000, {1}));
}

TEST_CASE("tone generator: SIT segments, UK ringback cadence, agent beep", "[prompt][tone]") {
  dsp::ToneGenerator sit(dsp::sit_tone(dsp::SitCode::Intercept), 8000);
  std::vector<std::int16_t> pcm(8000 * 2);
  const std::size_t n = sit.generate(pcm);
  CHECK(n == (274 + 274 + 380) * 8);
  CHECK(sit.done());
  CHECK(tone_power(std::span<const std::int16_t>(pcm.data() + 100, 2000), 913.8, 8000.0) > 0.01);
  CHECK(tone_power(std::span<const std::int16_t>(pcm.data() + 2300, 2000), 1370.6, 8000.0) > 0.01);
  CHECK(tone_power(std::span<const std::int16_t>(pcm.data() + 4500, 2400), 1776.7, 8000.0) > 0.01);
  CHECK(tone_power(std::span<const std::int16_t>(pcm.data() + 4500, 2400), 913.8, 8000.0) < 1e-4);

  dsp::ToneGenerator uk(dsp::ringback_tone(dsp::RingbackStyle::UnitedKingdom), 16000);
  std::vector<std::int16_t> ring(16 * 3000 * 2);
  CHECK(uk.generate(ring) == ring.size());  // loops until stopped
  CHECK(uk.loops() == 2);
  CHECK(rms(std::span<const std::int16_t>(ring.data() + 16 * 420, 16 * 150)) < 5.0);   // 0.2 s gap
  CHECK(rms(std::span<const std::int16_t>(ring.data() + 16 * 650, 16 * 300)) > 1000.0);  // second burst
  CHECK(rms(std::span<const std::int16_t>(ring.data() + 16 * 1100, 16 * 1800)) < 5.0);  // 2 s off

  dsp::ToneGenerator beep(dsp::agent_beep_tone(), 8000);
  std::vector<std::int16_t> b(8000);
  CHECK(beep.generate(b) == 150 * 8);
  CHECK(std::abs(b[0]) < 100);  // ramped in: no click
}

TEST_CASE("a 16 kHz prompt into an 8 kHz codec is low-passed and decimated", "[prompt]") {
  PromptLibrary lib;
  auto mix = sine(1000.0, 16000, 200, 8000.0);
  const auto high = sine(6000.0, 16000, 200, 8000.0);  // would alias to 2 kHz without the filter
  for (std::size_t i = 0; i < mix.size(); ++i) mix[i] = static_cast<std::int16_t>(mix[i] + high[i]);
  REQUIRE(lib.add(3, 16000, mix));
  PromptPlayer::Status status{};
  auto player = PromptPlayer::create(&lib, 3, 1, WorkerHarness::spec(dialcore::codecs::CodecId::Pcmu, 0), status);
  REQUIRE(player);
  std::vector<std::int16_t> out;
  std::array<std::uint8_t, 1500> payload{};
  while (std::size_t n = player->next_packet(payload)) {
    const std::size_t at = out.size();
    out.resize(at + n);
    dialcore::codecs::g711::decode_ulaw(payload.data(), out.data() + at, n);
  }
  CHECK(player->done());
  REQUIRE(out.size() == 8 * 200);
  const std::span<const std::int16_t> mid(out.data() + 200, 1200);
  const double p1k = tone_power(mid, 1000.0, 8000.0), p2k = tone_power(mid, 2000.0, 8000.0);
  CHECK(p1k > 0.01);
  CHECK(10.0 * std::log10(p1k / p2k) > 30.0);
  // An 8 kHz clip into a 16 kHz codec needs an upsampler this build does not have.
  REQUIRE(lib.add(4, 8000, sine(500.0, 8000, 100)));
  CodecSpec wide = WorkerHarness::spec(dialcore::codecs::CodecId::L16, 96);
  wide.format.sample_rate_hz = wide.format.rtp_clock_hz = 16000;
  CHECK(PromptPlayer::create(&lib, 4, 1, wide, status) == nullptr);
  CHECK(status == PromptPlayer::Status::Unsupported);
  CHECK(PromptPlayer::create(&lib, 3, 1, wide, status) != nullptr);  // 16 kHz clip: as it is
}
