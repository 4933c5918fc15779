#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "bench/support/wav_file.hpp"
#include "dtmf_signals.hpp"
#include "tests/support/fixtures.hpp"

// Real corpus audio (tests/fixtures/dtmf/README.md): keys at Q.24 corners, keys under speech,
// tones that must be rejected, and speech and music that must not produce keys (among them the
// answering-machine greetings whose gliding harmonics once passed for keys).
TEST_CASE("fixture files give their labelled digits", "[dtmf][fixtures]") {
  std::ifstream csv(dialcore::test::fixture_path("dtmf/expected.csv"));
  REQUIRE(csv);
  std::string line;
  std::getline(csv, line);  // header
  int files = 0;
  while (std::getline(csv, line)) {
    const auto comma = line.find(',');
    REQUIRE(comma != std::string::npos);
    const std::string file = line.substr(0, comma), want = line.substr(comma + 1);
    const auto wav = dialcore::bench::read_wav(dialcore::test::fixture_path("dtmf/" + file));
    REQUIRE(wav.ok());
    REQUIRE(wav.audio.sample_rate_hz == 8000);
    INFO(file);
    CHECK(dialcore::test::detect(wav.audio.samples).digits == want);
    CHECK(dialcore::test::detect(wav.audio.samples, 80).digits == want);  // 10 ms frames
    ++files;
  }
  CHECK(files == 13);
}
