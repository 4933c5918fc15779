#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "amd_signals.hpp"
#include "bench/support/wav_file.hpp"
#include "dataplane/dsp/amd_detector.hpp"
#include "tests/support/fixtures.hpp"

using namespace dialcore::dataplane::dsp;

// Real corpus audio (tests/fixtures/amd/README.md): one file per class, decided as labelled
// within the window expected.csv allows, and causally (the file cut 20 ms after the decision
// gives the same decision at the same time).
TEST_CASE("AMD fixture files are classified as labelled, in time and causally", "[amd][fixtures]") {
  std::ifstream csv(dialcore::test::fixture_path("amd/expected.csv"));
  REQUIRE(csv);
  std::string line;
  std::getline(csv, line);  // header
  int files = 0;
  while (std::getline(csv, line)) {
    std::stringstream row(line);
    std::string file, label, lo, hi;
    std::getline(row, file, ',');
    std::getline(row, label, ',');
    std::getline(row, lo, ',');
    std::getline(row, hi, ',');
    const auto wav = dialcore::bench::read_wav(dialcore::test::fixture_path("amd/" + file));
    REQUIRE(wav.ok());
    REQUIRE(wav.audio.sample_rate_hz == 8000);
    INFO(file);
    const auto r = dialcore::test::run_amd(wav.audio.samples);
    CHECK(std::string(amd_result_name(r.result)) == label);
    CHECK(r.decision_ms >= static_cast<std::uint32_t>(std::stoul(lo)));
    CHECK(r.decision_ms <= static_cast<std::uint32_t>(std::stoul(hi)));
    const std::size_t cut = std::min<std::size_t>(wav.audio.samples.size(), (r.decision_ms + 20) * 8);
    const auto prefix =
        dialcore::test::run_amd(std::span<const std::int16_t>(wav.audio.samples).first(cut));
    CHECK(prefix.result == r.result);
    CHECK(prefix.decision_ms == r.decision_ms);
    if (r.result == AmdResult::Machine) {  // 0058's beep starts at 4648 ms
      const AmdEvent* beep = r.find(AmdEvent::Kind::BeepStart);
      REQUIRE(beep != nullptr);
      CHECK(beep->onset_ms >= 4620);
      CHECK(beep->onset_ms <= 4700);
    }
    ++files;
  }
  CHECK(files == 6);
}
