#include <catch2/catch.hpp>

#include <array>
#include <cstdlib>

#include "amd_signals.hpp"
#include "dataplane/dsp/amd_detector.hpp"

using namespace dialcore::dataplane::dsp;
using dialcore::test::add_noise;
using dialcore::test::Pcm;
using dialcore::test::run_amd;

namespace {
using Kind = AmdEvent::Kind;

const AmdEvent& decision(const dialcore::test::AmdRun& r) {
  const AmdEvent* e = r.find(Kind::Decision);
  REQUIRE(e != nullptr);
  return *e;
}
}  // namespace

TEST_CASE("dead air is SILENCE after the initial silence, whatever the noise", "[amd]") {
  for (double noise : {-200.0, -70.0, -55.0, -40.0}) {
    INFO("noise " << noise << " dBFS");
    Pcm x;
    dialcore::test::silence(x, 6000);
    if (noise > -100.0) add_noise(x, noise, 3);
    const auto r = run_amd(x);
    CHECK(r.result == AmdResult::Silence);
    CHECK(r.decision_ms == AmdConfig{}.initial_silence_ms);
    CHECK(decision(r).cause == AmdCause::InitialSilence);
  }
}

TEST_CASE("a short answer then a pause is HUMAN, one pause-length after the answer", "[amd]") {
  for (double level : {-30.0, -20.0, -8.0}) {
    for (double lead : {300.0, 1700.0}) {
      for (double length : {400.0, 1200.0, 3000.0}) {
        INFO("level " << level << " lead " << lead << " length " << length);
        Pcm x;
        dialcore::test::silence(x, lead);
        dialcore::test::voice(x, length, level, 7);
        dialcore::test::silence(x, 3000);
        add_noise(x, level - 25.0, 11);  // 25 dB SNR
        const auto r = run_amd(x);
        CHECK(r.result == AmdResult::Human);
        const double end = lead + length;
        const double pause = AmdConfig{}.after_greeting_silence_ms;
        CHECK(r.decision_ms >= end + pause - 100.0);
        CHECK(r.decision_ms <= end + pause + 100.0);
        CHECK(decision(r).cause == AmdCause::GreetingThenPause);
        CHECK(std::abs(static_cast<double>(decision(r).onset_ms) - lead) <= 60.0);
      }
    }
  }
}

TEST_CASE("a long greeting with short pauses is MACHINE at max_greeting, then its beep", "[amd]") {
  for (double beep_hz : {500.0, 700.0, 1000.0, 1400.0}) {
    for (double level : {-28.0, -12.0}) {
      INFO("beep " << beep_hz << " Hz, level " << level);
      Pcm x;
      dialcore::test::silence(x, 500);
      for (int sentence = 0; sentence < 4; ++sentence) {
        dialcore::test::voice(x, 1400, level, 20u + static_cast<unsigned>(sentence));
        dialcore::test::silence(x, 400);
      }
      const double beep_at = static_cast<double>(x.size()) / 8.0;
      dialcore::test::tone(x, beep_hz, 500, level + 3.0);
      dialcore::test::silence(x, 1000);
      add_noise(x, level - 30.0, 5);
      const auto r = run_amd(x);
      CHECK(r.result == AmdResult::Machine);
      CHECK(decision(r).cause == AmdCause::LongGreeting);
      CHECK(r.decision_ms == 500 + AmdConfig{}.max_greeting_ms);
      const AmdEvent* start = r.find(Kind::BeepStart);
      REQUIRE(start != nullptr);
      CHECK(std::abs(static_cast<double>(start->onset_ms) - beep_at) <= 40.0);
      CHECK(std::abs(static_cast<double>(start->freq_hz) - beep_hz) <= 15.0);
      const AmdEvent* end = r.find(Kind::BeepEnd);
      REQUIRE(end != nullptr);
      CHECK(std::abs(static_cast<double>(end->at_ms) - (beep_at + 500.0)) <= 40.0);
    }
  }
}

TEST_CASE("a beep right after a short greeting decides MACHINE before the pause rule", "[amd]") {
  Pcm x;
  dialcore::test::silence(x, 400);
  dialcore::test::voice(x, 1500, -15.0, 3);
  dialcore::test::silence(x, 200);
  dialcore::test::tone(x, 850.0, 600, -12.0);
  dialcore::test::silence(x, 2000);
  add_noise(x, -50.0, 9);
  const auto r = run_amd(x);
  CHECK(r.result == AmdResult::Machine);
  CHECK(decision(r).cause == AmdCause::BeepAfterGreeting);
  REQUIRE(r.find(Kind::BeepStart) != nullptr);
  CHECK(std::abs(static_cast<double>(r.find(Kind::BeepStart)->onset_ms) - 2100.0) <= 40.0);
}

TEST_CASE("a decaying note in a music greeting is not the beep, the steady tone after it is",
          "[amd]") {
  // amd-dev-0027: a held piano note 4 s before the beep was reported as the beep. A struck note
  // loses level (20 dB/s here, the piano's 4.6 dB in 220 ms); a beep holds it.
  for (double decay : {20.0, 40.0}) {  // below ~13 dB/s the 3 dB bound over 220 ms lets it pass
    INFO("note decaying " << decay << " dB/s");
    Pcm x;
    dialcore::test::silence(x, 500);
    for (int sentence = 0; sentence < 4; ++sentence) {
      dialcore::test::voice(x, 1400, -15.0, 40u + static_cast<unsigned>(sentence));
      dialcore::test::silence(x, 300);
      if (sentence == 3) dialcore::test::struck_note(x, 720.0, 900, -12.0, decay);
    }
    dialcore::test::silence(x, 700);
    const double beep_at = static_cast<double>(x.size()) / 8.0;
    dialcore::test::tone(x, 1000.0, 400, -14.0);
    dialcore::test::silence(x, 800);
    add_noise(x, -50.0, 11);
    const auto r = run_amd(x);
    CHECK(r.result == AmdResult::Machine);
    const AmdEvent* start = r.find(Kind::BeepStart);
    REQUIRE(start != nullptr);
    CHECK(std::abs(static_cast<double>(start->onset_ms) - beep_at) <= 40.0);
    CHECK(std::abs(static_cast<double>(start->freq_hz) - 1000.0) <= 15.0);
  }
}

TEST_CASE("fax calling tone (CNG) across frequency tolerance, level and noise is FAX", "[amd][fax]") {
  for (double hz : {1065.0, 1100.0, 1135.0}) {
    for (double level : {-40.0, -25.0, -10.0}) {
      for (double snr : {10.0, 30.0}) {
        INFO(hz << " Hz, " << level << " dBFS, SNR " << snr);
        Pcm x;
        dialcore::test::silence(x, 300);
        for (int burst = 0; burst < 2; ++burst) {
          dialcore::test::tone(x, hz, 500, level);
          dialcore::test::silence(x, 3000);
        }
        add_noise(x, level - snr, 1);
        const auto r = run_amd(x);
        CHECK(r.result == AmdResult::Fax);
        CHECK(decision(r).cause == AmdCause::FaxCng);
        CHECK(r.decision_ms <= 300 + 500);
      }
    }
  }
}

TEST_CASE("fax answer tone (CED) and V.21 flags are FAX", "[amd][fax]") {
  for (double level : {-35.0, -15.0}) {
    INFO(level << " dBFS");
    Pcm ced;
    dialcore::test::silence(ced, 200);
    dialcore::test::tone(ced, 2100.0 * (1.0 + 0.007), 3000, level);
    dialcore::test::silence(ced, 75);
    dialcore::test::v21_flags(ced, 1500, level);
    add_noise(ced, level - 20.0, 2);
    const auto r = run_amd(ced);
    CHECK(r.result == AmdResult::Fax);
    CHECK(decision(r).cause == AmdCause::FaxCed);
    CHECK(r.decision_ms <= 200 + 500);

    Pcm flags;  // a fax whose CED was missed: the flags alone
    dialcore::test::silence(flags, 200);
    dialcore::test::v21_flags(flags, 2000, level);
    add_noise(flags, level - 20.0, 4);
    const auto v = run_amd(flags);
    CHECK(v.result == AmdResult::Fax);
    CHECK(decision(v).cause == AmdCause::FaxV21);
  }
}

TEST_CASE("the eight SIT codes are told apart by their first two tones", "[amd][sit]") {
  struct Code {
    SitCode code;
    bool high1, long1, high2, long2;
  };
  const std::array<Code, 8> codes{{
      {SitCode::Intercept, false, false, false, false},
      {SitCode::VacantCode, true, true, false, false},
      {SitCode::NoCircuitInter, true, true, true, true},
      {SitCode::NoCircuitIntra, false, true, false, true},
      {SitCode::ReorderInter, true, false, false, true},
      {SitCode::ReorderIntra, false, false, true, true},
      {SitCode::IneffectiveOther, false, true, true, false},
      {SitCode::Reserved, true, false, true, false},
  }};
  for (const Code& c : codes) {
    for (double level : {-30.0, -12.0}) {
      for (double offset : {-0.005, 0.0, 0.005}) {
        INFO(sit_code_name(c.code) << " level " << level << " offset " << offset);
        Pcm x;
        dialcore::test::silence(x, 250);
        const double f1 = (c.high1 ? kSitHigh1 : kSitLow1) * (1.0 + offset);
        const double f2 = (c.high2 ? kSitHigh2 : kSitLow2) * (1.0 + offset);
        dialcore::test::tone(x, f1, c.long1 ? 380 : 274, level);
        dialcore::test::tone(x, f2, c.long2 ? 380 : 274, level);
        dialcore::test::tone(x, kSitThird * (1.0 + offset), 380, level);
        dialcore::test::silence(x, 300);
        dialcore::test::voice(x, 3000, level + 2.0, 1);  // the announcement
        add_noise(x, level - 20.0, 6);
        const auto r = run_amd(x);
        CHECK(r.result == AmdResult::Sit);
        CHECK(decision(r).sit == c.code);
        CHECK(r.decision_ms <= 250 + 274 * 2 + 380 * 3);
      }
    }
  }
}

TEST_CASE("a lone tone or a voice is not taken for a SIT or a fax", "[amd][sit]") {
  Pcm x;
  dialcore::test::silence(x, 300);
  dialcore::test::tone(x, kSitThird, 380, -15.0);  // the third tone without the first two
  dialcore::test::voice(x, 600, -15.0, 2);
  dialcore::test::silence(x, 2000);
  add_noise(x, -45.0, 8);
  const auto r = run_amd(x);
  CHECK(r.result == AmdResult::Human);
}

TEST_CASE("the SIT table follows Telcordia's frequency and duration bits", "[amd][sit]") {
  CHECK(classify_sit(false, false, false, false) == SitCode::Intercept);
  CHECK(classify_sit(true, true, false, false) == SitCode::VacantCode);
  CHECK(classify_sit(true, true, true, true) == SitCode::NoCircuitInter);
  CHECK(classify_sit(false, false, false, true) == SitCode::Unknown);  // not assigned
  CHECK(std::string(sit_code_name(SitCode::ReorderIntra)) == "RO_intra");
}

TEST_CASE("AMD is causal and deterministic: a prefix up to the decision decides the same", "[amd]") {
  Pcm x;
  dialcore::test::silence(x, 800);
  dialcore::test::voice(x, 900, -18.0, 4);
  dialcore::test::silence(x, 2500);
  add_noise(x, -50.0, 12);
  const auto whole = run_amd(x);
  REQUIRE(whole.result == AmdResult::Human);
  const std::size_t cut = (whole.decision_ms + 20) * 8;
  const auto prefix = run_amd(std::span<const std::int16_t>(x).first(cut));
  CHECK(prefix.result == whole.result);
  CHECK(prefix.decision_ms == whole.decision_ms);
  // Cut before the decision the leg is still undecided and finish() says so honestly.
  const auto early = run_amd(std::span<const std::int16_t>(x).first((whole.decision_ms - 100) * 8));
  CHECK(early.result == AmdResult::NotSure);
  CHECK(decision(early).cause == AmdCause::EndOfInput);
}

TEST_CASE("frames of the wrong size are counted and ignored, and reset starts a new leg", "[amd]") {
  AmdDetector det;
  std::array<AmdEvent, 4> ev;
  const Pcm short_frame(80, 1000);
  CHECK(det.process(short_frame, ev) == 0);
  CHECK(det.bad_frames() == 1);
  CHECK(det.elapsed_ms() == 0);
  Pcm quiet(160, 0);
  for (int i = 0; i < 300 && !det.done(); ++i) det.process(quiet, ev);
  CHECK(det.result() == AmdResult::Silence);
  det.reset();
  CHECK(det.result() == AmdResult::Undecided);
  CHECK(det.elapsed_ms() == 0);
}

TEST_CASE("the campaign parameters move the decisions", "[amd]") {
  Pcm x;
  dialcore::test::silence(x, 500);
  dialcore::test::voice(x, 1000, -15.0, 5);
  dialcore::test::silence(x, 1200);
  dialcore::test::voice(x, 2500, -15.0, 6);
  dialcore::test::silence(x, 3000);
  add_noise(x, -50.0, 1);
  AmdConfig no_late;
  no_late.late_machine_gap_ms = 0;
  CHECK(run_amd(x, no_late).result == AmdResult::Human);  // the 1.2 s pause reads as a person waiting
  CHECK(run_amd(x).result == AmdResult::Machine);  // ... until the greeting goes on (late correction)
  AmdConfig patient;
  patient.after_greeting_silence_ms = 1500;
  patient.max_greeting_ms = 3000;
  const auto r = run_amd(x, patient);
  CHECK(r.result == AmdResult::Machine);
  CHECK(r.decision_ms == 500 + 3000);
  AmdConfig late;
  late.initial_silence_ms = 400;
  CHECK(run_amd(x, late).result == AmdResult::Silence);
}
