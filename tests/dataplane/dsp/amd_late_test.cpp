#include <catch2/catch.hpp>

#include <cstdlib>
#include <span>

#include "amd_signals.hpp"
#include "dataplane/dsp/amd_detector.hpp"

// The late MACHINE correction of a provisional HUMAN, and the noise floor's minimum-statistics
// bound, on signals generated here (amd_signals.hpp).

using namespace dialcore::dataplane::dsp;
using dialcore::test::add_noise;
using dialcore::test::Pcm;
using dialcore::test::run_amd;
using Kind = AmdEvent::Kind;

namespace {

// A short answer at 500 ms, a pause of `pause_ms`, then `second_ms` more speech, then quiet.
Pcm answer_pause_more(double first_ms, double pause_ms, double second_ms, unsigned seed) {
  Pcm x;
  dialcore::test::silence(x, 500);
  dialcore::test::voice(x, first_ms, -16.0, seed);
  dialcore::test::silence(x, pause_ms);
  if (second_ms > 0.0) dialcore::test::voice(x, second_ms, -16.0, seed + 100);
  dialcore::test::silence(x, 3500);
  add_noise(x, -50.0, seed + 7);
  return x;
}

double ms(std::uint32_t v) { return static_cast<double>(v); }

}  // namespace

TEST_CASE("a greeting that goes on after a short pause turns a provisional HUMAN into MACHINE",
          "[amd][late]") {
  for (double pause : {950.0, 1200.0, 1500.0}) {
    for (double second : {800.0, 2500.0}) {
      INFO("pause " << pause << " second sentence " << second);
      const Pcm x = answer_pause_more(700.0, pause, second, 3);
      const auto r = run_amd(x);
      const AmdEvent* first = r.find(Kind::Decision);
      REQUIRE(first != nullptr);
      CHECK(first->result == AmdResult::Human);
      CHECK(std::abs(ms(first->at_ms) - (1200.0 + AmdConfig{}.after_greeting_silence_ms)) <= 100.0);
      const AmdEvent* late = r.find(Kind::Correction);
      REQUIRE(late != nullptr);
      CHECK(late->result == AmdResult::Machine);
      CHECK(late->cause == AmdCause::LateGreeting);
      // Found once late_machine_speech_ms of the second sentence were heard.
      const double resumed = 1200.0 + pause;
      CHECK(ms(late->at_ms) >= resumed + AmdConfig{}.late_machine_speech_ms - 20.0);  // frame edges
      CHECK(ms(late->at_ms) <= resumed + AmdConfig{}.late_machine_speech_ms + 160.0);
      CHECK(r.result == AmdResult::Machine);
      CHECK(r.decision_ms == late->at_ms);
      // Turned off, the first decision stands.
      AmdConfig off;
      off.late_machine_gap_ms = 0;
      const auto plain = run_amd(x, off);
      CHECK(plain.result == AmdResult::Human);
      CHECK(plain.find(Kind::Correction) == nullptr);
    }
  }
}

TEST_CASE("a person's second Hello after a longer wait, or a short sound, keeps HUMAN final",
          "[amd][late]") {
  for (double pause : {2200.0, 2600.0, 3200.0}) {
    INFO("pause " << pause);
    const auto r = run_amd(answer_pause_more(600.0, pause, 900.0, 5));
    CHECK(r.result == AmdResult::Human);
    CHECK(r.find(Kind::Correction) == nullptr);
    CHECK(std::abs(ms(r.decision_ms) - (1100.0 + AmdConfig{}.after_greeting_silence_ms)) <= 100.0);
  }
  // A 160 ms "mm" inside the window is under late_machine_speech_ms: still a person.
  const auto r = run_amd(answer_pause_more(600.0, 1200.0, 160.0, 6));
  CHECK(r.result == AmdResult::Human);
  CHECK(r.find(Kind::Correction) == nullptr);
}

TEST_CASE("the HUMAN becomes final when the window closes, and only then is the leg done", "[amd][late]") {
  const Pcm x = answer_pause_more(600.0, 4000.0, 0.0, 8);
  AmdDetector det;
  std::array<AmdEvent, 4> ev;
  std::uint32_t decided = 0, final_at = 0;
  for (std::size_t at = 0; at + 160 <= x.size() && !det.done(); at += 160) {
    det.process(std::span<const std::int16_t>(x).subspan(at, 160), ev);
    if (!decided && det.result() == AmdResult::Human) {
      decided = det.elapsed_ms();
      CHECK_FALSE(det.human_final());
      CHECK_FALSE(det.done());
    }
    if (det.human_final() && !final_at) final_at = det.elapsed_ms();
  }
  REQUIRE(decided > 0);
  CHECK(det.done());
  // Final late_machine_gap_ms after the answer's last speech (~1100 ms).
  CHECK(std::abs(ms(final_at) - (1100.0 + AmdConfig{}.late_machine_gap_ms)) <= 100.0);
  CHECK(det.decision_ms() == decided);
  CHECK(det.first_result() == AmdResult::Human);
}

TEST_CASE("a beep while a HUMAN is provisional is a late MACHINE, with the beep's onset", "[amd][late]") {
  for (double hz : {440.0, 1000.0, 1400.0}) {
    INFO("beep " << hz << " Hz");
    Pcm x;
    dialcore::test::silence(x, 400);
    dialcore::test::voice(x, 800, -16.0, 9);
    dialcore::test::silence(x, 1100);  // HUMAN at ~2100 ms
    dialcore::test::tone(x, hz, 500, -14.0);  // 2300..2800 ms
    dialcore::test::silence(x, 2000);
    add_noise(x, -50.0, 10);
    const auto r = run_amd(x);
    REQUIRE(r.find(Kind::Decision) != nullptr);
    CHECK(r.find(Kind::Decision)->result == AmdResult::Human);
    const AmdEvent* late = r.find(Kind::Correction);
    REQUIRE(late != nullptr);
    CHECK(late->cause == AmdCause::LateBeep);
    const AmdEvent* beep = r.find(Kind::BeepStart);
    REQUIRE(beep != nullptr);
    CHECK(beep->result == AmdResult::Machine);
    CHECK(std::abs(ms(beep->onset_ms) - 2300.0) <= 40.0);
    CHECK(r.find(Kind::BeepEnd) != nullptr);
    CHECK(r.result == AmdResult::Machine);
  }
}

TEST_CASE("a late correction is causal: cut after it it stands, cut before it the HUMAN does",
          "[amd][late]") {
  const Pcm x = answer_pause_more(700.0, 1200.0, 2500.0, 11);
  const auto whole = run_amd(x);
  REQUIRE(whole.result == AmdResult::Machine);
  const AmdEvent* first = whole.find(Kind::Decision);
  REQUIRE(first != nullptr);
  const auto cut = [&](std::uint32_t at_ms) {
    return run_amd(std::span<const std::int16_t>(x).first((at_ms + 20) * 8));
  };
  const auto after = cut(whole.decision_ms);
  CHECK(after.result == AmdResult::Machine);
  CHECK(after.decision_ms == whole.decision_ms);
  const auto before = cut(first->at_ms);
  CHECK(before.result == AmdResult::Human);
  CHECK(before.decision_ms == first->at_ms);
}

TEST_CASE("a quiet start (codec start-up, digital silence) does not make line noise a greeting",
          "[amd][floor]") {
  for (double quiet : {20.0, 40.0, 300.0}) {
    for (double noise : {-45.0, -35.0}) {
      INFO("digital silence " << quiet << " ms, then noise at " << noise << " dBFS");
      Pcm x;
      dialcore::test::silence(x, quiet);
      Pcm line;
      dialcore::test::silence(line, 1500);
      dialcore::test::voice(line, 700, -12.0, 13);
      dialcore::test::silence(line, 3500);
      add_noise(line, noise, 14);
      x.insert(x.end(), line.begin(), line.end());
      const auto r = run_amd(x);
      CHECK(r.result == AmdResult::Human);
      const double end = quiet + 1500.0 + 700.0;
      CHECK(std::abs(ms(r.decision_ms) - (end + AmdConfig{}.after_greeting_silence_ms)) <= 120.0);
    }
  }
}
