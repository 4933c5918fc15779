#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "amd_signals.hpp"
#include "bench/support/wav_file.hpp"
#include "dataplane/dsp/amd_detector.hpp"
#include "dataplane/dsp/half_band_decimator.hpp"
#include "tests/support/alloc_counter.hpp"
#include "tests/support/fixtures.hpp"

using namespace dialcore::dataplane::dsp;

TEST_CASE("AMD allocates nothing per frame, deciding, waiting for the beep or reset", "[amd][alloc]") {
  const auto wav = dialcore::bench::read_wav(dialcore::test::fixture_path("amd/amd-dev-0058.wav"));
  REQUIRE(wav.ok());
  const auto& pcm = wav.audio.samples;
  std::array<AmdEvent, 4> events;
  AmdDetector det;
  HalfBandDecimator dec;
  std::array<std::int16_t, 160> narrow{};
  std::size_t found = 0;
  const std::size_t before = dialcore::test::allocations();
  for (int leg = 0; leg < 2; ++leg) {
    for (std::size_t at = 0; at + 160 <= pcm.size(); at += 160) {
      found += det.process({pcm.data() + at, 160}, events);
    }
    found += det.finish(events);
    det.reset();
  }
  for (std::size_t at = 0; at + 320 <= pcm.size(); at += 320) dec.process({pcm.data() + at, 320}, narrow);
  CHECK(dialcore::test::allocations() == before);
  CHECK(found == 6);  // per leg: MACHINE, beep start, beep end: the loop did real work
}

TEST_CASE("AMD allocates nothing while a HUMAN is provisional and when it is corrected", "[amd][alloc][late]") {
  // A short answer, a 1.2 s pause, then a long greeting and a beep: HUMAN, Correction, beep.
  dialcore::test::Pcm x;
  dialcore::test::silence(x, 500);
  dialcore::test::voice(x, 700, -16.0, 3);
  dialcore::test::silence(x, 1200);
  dialcore::test::voice(x, 2500, -16.0, 4);
  dialcore::test::silence(x, 300);
  dialcore::test::tone(x, 1000.0, 500, -14.0);
  dialcore::test::silence(x, 1000);
  dialcore::test::add_noise(x, -50.0, 5);
  std::array<AmdEvent, 4> events;
  AmdDetector det;
  std::size_t found = 0;
  bool corrected = false;
  const std::size_t before = dialcore::test::allocations();
  for (std::size_t at = 0; at + 160 <= x.size(); at += 160) {
    const std::size_t n = det.process({x.data() + at, 160}, events);
    for (std::size_t i = 0; i < n; ++i) corrected = corrected || events[i].kind == AmdEvent::Kind::Correction;
    found += n;
  }
  CHECK(dialcore::test::allocations() == before);
  CHECK(corrected);
  CHECK(found == 4);  // HUMAN, correction, beep start, beep end
}
