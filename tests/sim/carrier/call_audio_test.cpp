// What an answered call sends (label e2e): the answer clip first, then pauses and talk for a
// person, silence for a machine, and in-band keys over the audio.

#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "dataplane/dsp/dtmf_detector.hpp"
#include "sim/carrier/call_audio.hpp"
#include "sim/common/wav_io.hpp"

namespace dialcore::sim::carrier {
namespace {

Clip ramp(const char* name, std::size_t n, std::int16_t base) {
  Clip c{name, std::vector<std::int16_t>(n)};
  for (std::size_t i = 0; i < n; ++i) c.pcm[i] = static_cast<std::int16_t>(base + static_cast<std::int16_t>(i % 100));
  return c;
}

std::vector<std::int16_t> play(CallAudio& a, std::size_t frames) {
  std::vector<std::int16_t> out;
  std::array<std::int16_t, 160> f{};
  for (std::size_t i = 0; i < frames; ++i) {
    a.next(f);
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

}  // namespace

TEST_CASE("carrier audio: a machine plays its greeting once, then silence", "[e2e]") {
  const Clip greeting = ramp("g", 1000, 1000);
  CallAudio a(greeting, nullptr, 0);
  const auto out = play(a, 20);
  for (std::size_t i = 0; i < 1000; ++i) REQUIRE(out[i] == greeting.pcm[i]);
  for (std::size_t i = 1000; i < out.size(); ++i) REQUIRE(out[i] == 0);
}

TEST_CASE("carrier audio: a person answers, waits 3.5 s, then talks on with 1.5 s pauses", "[e2e]") {
  const std::string dir = DIALCORE_SOURCE_DIR "/tests/fixtures/amd";
  const Corpus corpus = Corpus::load(dir);  // expected.csv: two HUMAN clips, one MACHINE
  REQUIRE(corpus.humans().size() == 2);
  REQUIRE(corpus.machines().size() == 1);
  const Clip& hello = corpus.human(0);
  CallAudio a(hello, &corpus, 1);
  const std::size_t first = hello.pcm.size() + CallAudio::kFirstPauseSamples;
  const Clip& next = corpus.human(1);
  const std::size_t n = first + next.pcm.size() + CallAudio::kPauseSamples + 1600;
  const auto out = play(a, n / 160 + 1);
  for (std::size_t i = 0; i < hello.pcm.size(); ++i) REQUIRE(out[i] == hello.pcm[i]);
  for (std::size_t i = 0; i < CallAudio::kFirstPauseSamples; ++i) REQUIRE(out[hello.pcm.size() + i] == 0);
  for (std::size_t i = 0; i < next.pcm.size(); ++i) REQUIRE(out[first + i] == next.pcm[i]);
  // Later pauses are the short ones.
  const std::size_t second = first + next.pcm.size();
  for (std::size_t i = 0; i < CallAudio::kPauseSamples; ++i) REQUIRE(out[second + i] == 0);
  CHECK(out[second + CallAudio::kPauseSamples + 800] != 0);
}

TEST_CASE("carrier audio: in-band keys replace the audio and are detected", "[e2e]") {
  const Clip hello = ramp("h", 80000, 0);
  CallAudio a(hello, nullptr, 0);
  for (char k : std::string("4111#12")) REQUIRE(a.key_inband(k, 80, 80));
  const auto out = play(a, 150);
  CHECK_FALSE(a.keys_pending());
  dataplane::dsp::DtmfDetector detector;
  std::array<dataplane::dsp::DtmfEvent, 8> ev{};
  std::string keys;
  for (std::size_t at = 0; at + 160 <= out.size(); at += 160) {
    const auto r = detector.process(std::span(out.data() + at, 160), at, ev);
    for (std::size_t i = 0; i < r.count; ++i) {
      if (ev[i].kind == dataplane::dsp::DtmfEvent::Kind::Begin) keys += ev[i].digit;
    }
  }
  CHECK(keys == "4111#12");
}

TEST_CASE("carrier wav: 16 kHz clips are decimated, bad files refused", "[e2e]") {
  const std::string speech = DIALCORE_SOURCE_DIR "/tests/fixtures/speech/";
  const auto k8 = read_wav_8k(speech + "machine-greeting-8k.wav");
  const auto k16 = read_wav_8k(speech + "machine-greeting-16k.wav");
  CHECK(k16.size() == Approx(static_cast<double>(k8.size())).margin(80));
  CHECK_THROWS_WITH(read_wav_8k(speech + "machine-greeting-48k.wav"), Catch::Contains("neither 8000 nor 16000"));
  CHECK_THROWS_WITH(read_wav_8k(speech + "README.md"), Catch::Contains("not a RIFF/WAVE"));
  REQUIRE(write_wav_8k("carrier_wav_test.wav", k8));
  CHECK(read_wav_8k("carrier_wav_test.wav") == k8);
}

}  // namespace dialcore::sim::carrier
