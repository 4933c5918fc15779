#include <catch2/catch.hpp>

#include <vector>

#include "bench/support/wav_file.hpp"
#include "dataplane/dsp/dtmf_detector.hpp"
#include "dataplane/dsp/dtmf_generator.hpp"
#include "dataplane/dsp/dtmf_masker.hpp"
#include "tests/support/alloc_counter.hpp"
#include "tests/support/fixtures.hpp"

using namespace dialcore::dataplane::dsp;

TEST_CASE("the allocation counter sees allocations", "[alloc]") {
  const std::size_t before = dialcore::test::allocations();
  auto* v = new std::vector<int>(100);
  CHECK(dialcore::test::allocations() > before);
  delete v;
}

TEST_CASE("DTMF detection and generation allocate nothing per frame", "[dtmf][alloc]") {
  const auto wav =
      dialcore::bench::read_wav(dialcore::test::fixture_path("dtmf/dtmf-dev-valid-019.wav"));
  REQUIRE(wav.ok());
  const auto& pcm = wav.audio.samples;
  std::vector<DtmfEvent> events(8);
  std::vector<std::int16_t> out(160);
  DtmfDetector det;
  DtmfGenerator gen;
  std::size_t found = 0;
  const std::size_t before = dialcore::test::allocations();
  for (std::size_t at = 0; at + 160 <= pcm.size(); at += 160) {
    found += det.process({pcm.data() + at, 160}, at, events).count;
    if (!gen.busy()) gen.enqueue({'5', 60, 40, -10.0f, -8.0f, 0.0f, 0.0f});
    gen.generate(out);
  }
  CHECK(dialcore::test::allocations() == before);
  CHECK(found == 40);  // 20 keys, Begin and End each: the loop did real work
}

TEST_CASE("DTMF masking allocates nothing per frame, armed, disarmed or between", "[mask][alloc]") {
  const auto wav =
      dialcore::bench::read_wav(dialcore::test::fixture_path("dtmf/dtmf-dev-valid-019.wav"));
  REQUIRE(wav.ok());
  const auto& pcm = wav.audio.samples;
  std::vector<DtmfEvent> events(8), captured(8);
  std::vector<std::int16_t> out(160);
  DtmfMasker masker;
  std::size_t found = 0;
  const std::size_t before = dialcore::test::allocations();
  for (std::size_t at = 0; at + 160 <= pcm.size(); at += 160) {
    if (at == 0) masker.arm();
    if (at == pcm.size() / 2 / 160 * 160) masker.disarm();
    const auto r = masker.process({pcm.data() + at, 160}, out, at, events, captured);
    found += r.captured + r.events;
  }
  CHECK(dialcore::test::allocations() == before);
  CHECK(found == 40);
}
