#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>
#include <vector>

#include "bench/support/wav_file.hpp"
#include "dataplane/dsp/dtmf_masker.hpp"
#include "dataplane/dsp/dtmf_tones.hpp"
#include "dtmf_signals.hpp"
#include "tests/support/fixtures.hpp"

using namespace dialcore::dataplane::dsp;
using dialcore::test::add_noise;
using dialcore::test::detect;
using dialcore::test::Pcm;
using dialcore::test::render;

namespace {

struct Masked {
  Pcm out;
  std::string captured;  // keys whose Begin went to the captured span
  std::string events;    // keys whose Begin went to the ordinary span
  std::size_t captured_events = 0;
};

// Runs the masker over x in frames of `frame` samples, armed from the start unless told not to;
// `arm_at` / `disarm_at` (sample indices, frame-aligned) switch it while running.
Masked run(const Pcm& x, DtmfMaskConfig config = {}, std::size_t frame = 160, bool armed = true,
           std::size_t arm_at = SIZE_MAX, std::size_t disarm_at = SIZE_MAX) {
  DtmfMasker m(config);
  if (armed) m.arm();
  Masked r;
  r.out.resize(x.size());
  std::vector<DtmfEvent> ev(8), cap(8);
  for (std::size_t at = 0; at < x.size(); at += frame) {
    if (at == arm_at) m.arm();
    if (at == disarm_at) m.disarm();
    const std::size_t n = std::min(frame, x.size() - at);
    const auto res = m.process({x.data() + at, n}, {r.out.data() + at, n}, at, ev, cap);
    for (std::size_t i = 0; i < res.events; ++i) {
      if (ev[i].kind == DtmfEvent::Kind::Begin) r.events += ev[i].digit;
    }
    for (std::size_t i = 0; i < res.captured; ++i) {
      if (cap[i].kind == DtmfEvent::Kind::Begin) r.captured += cap[i].digit;
    }
    r.captured_events += res.captured;
  }
  return r;
}

DtmfTone key(char k, std::uint32_t on_ms = 80, std::uint32_t off_ms = 120) {
  return {k, on_ms, off_ms, -10.0f, -8.0f, 0.0f, 0.0f};
}

// Amplitude of the component at `hz` over x[from, from + n).
double amplitude(const Pcm& x, std::size_t from, std::size_t n, double hz) {
  std::complex<double> acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    acc += static_cast<double>(x[from + i]) *
           std::polar(1.0, -2.0 * std::numbers::pi * hz * static_cast<double>(i) / 8000.0);
  }
  return 2.0 * std::abs(acc) / static_cast<double>(n);
}

double snr_db(const Pcm& ref, std::size_t ref_from, const Pcm& y, std::size_t y_from,
              std::size_t n) {
  double sig = 0.0, err = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = ref[ref_from + i], b = y[y_from + i];
    sig += a * a;
    err += (a - b) * (a - b);
  }
  return err == 0.0 ? 999.0 : 10.0 * std::log10(sig / err);
}

constexpr std::size_t kDelay = 480;  // the default look-ahead, 60 ms

}  // namespace

TEST_CASE("armed: every key is captured and its tones are gone from the audio", "[mask]") {
  const std::string keys = "4539148803436467#737";
  std::vector<DtmfTone> tones;
  for (char k : keys) tones.push_back(key(k, 60 + static_cast<std::uint32_t>(k % 7) * 10));
  Pcm x = render(tones, 4000);
  add_noise(x, -50.0, 1);
  for (auto fill : {DtmfMaskFill::ComfortNoise, DtmfMaskFill::Silence, DtmfMaskFill::NeutralTone}) {
    DtmfMaskConfig config;
    config.fill = fill;
    const Masked m = run(x, config);
    INFO("fill " << static_cast<int>(fill));
    CHECK(m.captured == keys);
    CHECK(m.events.empty());  // nothing reaches the ordinary events while armed
    CHECK(detect(m.out).digits.empty());
    // The judge can fail: the same audio not armed still carries every key.
    const Masked plain = run(x, config, 160, false);
    CHECK(detect(plain.out).digits == keys);
    CHECK(plain.events == keys);
    CHECK(plain.captured.empty());
  }
  // Not armed, events come straight through whatever the frame size (a 500 ms frame holds
  // several keys).
  CHECK(run(x, {}, 4000, false).events == keys);
  CHECK(run(x, {}, 4000, true).captured == keys);
}

TEST_CASE("armed: the tone energy is replaced from before its start to after its end", "[mask]") {
  // One key from 500 ms to 580 ms; the output is delayed by the look-ahead.
  Pcm x = render({key('9', 80, 300)}, 4000);
  add_noise(x, -55.0, 2);
  DtmfMaskConfig config;
  config.fill = DtmfMaskFill::Silence;
  const Masked m = run(x, config);
  REQUIRE(m.captured == "9");
  // 852 and 1477 Hz over the tone and 10 ms either side: at least 60 dB down.
  const std::size_t from = 4000 - 80, n = 640 + 160;
  for (double hz : {852.0, 1477.0}) {
    const double before = amplitude(x, from, n, hz), after = amplitude(m.out, from + kDelay, n, hz);
    INFO(hz << " Hz: " << before << " -> " << after);
    CHECK(after < before * 1e-3);
  }
}

TEST_CASE("armed: speech away from keys comes out unchanged, delayed by the look-ahead", "[mask]") {
  Pcm x = dialcore::test::load_speech("business-answer-8k.wav", 8000);
  const std::size_t speech = x.size();
  Pcm keys = render({key('1'), key('2'), key('3')}, 8000);  // 1 s after the speech
  x.insert(x.end(), keys.begin(), keys.end());
  add_noise(x, -60.0, 3);
  const Masked m = run(x);
  CHECK(m.captured == "123");
  // Everything up to 150 ms before the first key, past the 2 ms fade-in at arming.
  const std::size_t n = speech + 8000 - 1200 - 16;
  CHECK(snr_db(x, 16, m.out, 16 + kDelay, n) > 90.0);
}

TEST_CASE("the delay is exactly the look-ahead while armed, and zero when not", "[mask]") {
  Pcm x(16000, 0);
  add_noise(x, -20.0, 4);  // loud noise: no key, every sample different
  for (std::uint32_t ms : {30u, 45u, 60u}) {
    DtmfMaskConfig config;
    config.lookahead_ms = ms;
    const std::size_t d = ms * 8;
    DtmfMasker probe(config);
    CHECK(probe.delay_samples() == 0);
    probe.arm();
    CHECK(probe.delay_samples() == d);
    const Masked m = run(x, config);
    INFO("look-ahead " << ms << " ms");
    for (std::size_t i = 0; i < d; ++i) REQUIRE(m.out[i] == 0);  // arming from silence
    bool same = true;
    for (std::size_t i = 16; i + d < x.size(); ++i) same = same && m.out[i + d] == x[i];
    CHECK(same);
  }
  // Longer than 60 ms is not allowed: clamped.
  DtmfMaskConfig config;
  config.lookahead_ms = 200;
  DtmfMasker m(config);
  m.arm();
  CHECK(m.delay_samples() == DtmfMasker::kMaxLookaheadSamples);
  const Masked plain = run(x, {}, 160, false);
  CHECK(plain.out == x);
}

TEST_CASE("arming and disarming mid-call: no click, and back to zero delay", "[mask]") {
  // A continuous 300 Hz sine at -10 dBFS: any step in the output shows as a jump between samples.
  Pcm x(8000 * 3);
  const double amp = 32767.0 * std::pow(10.0, -0.5);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<std::int16_t>(std::lround(
        amp * std::sin(2.0 * std::numbers::pi * 300.0 * static_cast<double>(i) / 8000.0)));
  }
  const std::size_t arm_at = 8000, disarm_at = 16000;
  const Masked m = run(x, {}, 160, false, arm_at, disarm_at);
  int worst = 0;
  for (std::size_t i = 1; i < m.out.size(); ++i)
    worst = std::max(worst, std::abs(m.out[i] - m.out[i - 1]));
  // The sine itself moves by up to amp * 2 pi 300 / 8000 = 0.24 amp per sample.
  CHECK(worst < 0.3 * amp);
  // Not armed before, exactly the input; while armed, the input 60 ms late; after disarming
  // (immediate: nothing is hidden) and the 10 ms cross-fade, the input again.
  CHECK(std::equal(x.begin(), x.begin() + arm_at, m.out.begin()));
  CHECK(snr_db(x, arm_at + 16, m.out, arm_at + 16 + kDelay, disarm_at - arm_at - kDelay - 16) >
        90.0);
  CHECK(std::equal(x.begin() + disarm_at + 80, x.end(), m.out.begin() + disarm_at + 80));
}

TEST_CASE("disarming while a key is hidden finishes hiding it first", "[mask]") {
  Pcm x = render({key('5', 200, 400)}, 4000);  // key from 500 to 700 ms
  add_noise(x, -50.0, 5);
  DtmfMaskConfig config;
  config.fill = DtmfMaskFill::Silence;
  // Disarm 600 ms in: the key is sounding; it stays hidden, and then the delay goes.
  const Masked m = run(x, config, 160, true, SIZE_MAX, 4800);
  CHECK(m.captured == "5");
  CHECK(detect(m.out).digits.empty());
  DtmfMasker probe(config);
  probe.arm();
  probe.disarm();
  CHECK(probe.delay_samples() == kDelay);  // until its next frame drops the delay
  Pcm in(160, 0), out(160);
  std::vector<DtmfEvent> ev(4);
  for (int i = 0; i < 4; ++i) probe.process(in, out, 0, ev, ev);
  CHECK(probe.delay_samples() == 0);
  CHECK_FALSE(probe.armed());
}

TEST_CASE("the output does not depend on the frame size", "[mask]") {
  std::vector<DtmfTone> tones;
  for (char k : std::string("0123456789")) tones.push_back(key(k, 50, 60));
  Pcm x = render(tones, 3000);
  add_noise(x, -45.0, 6);
  for (auto fill : {DtmfMaskFill::ComfortNoise, DtmfMaskFill::NeutralTone}) {
    DtmfMaskConfig config;
    config.fill = fill;
    const Masked a = run(x, config, 160);
    for (std::size_t frame : {37u, 80u, 480u}) {
      INFO("frame " << frame);
      CHECK(run(x, config, frame).out == a.out);
    }
  }
}

TEST_CASE("comfort noise follows the line's noise floor, the neutral tone is no key", "[mask]") {
  Pcm x = render({key('8', 400, 400)}, 8000);
  add_noise(x, -50.0, 7);
  DtmfMaskConfig config;  // comfort noise
  const Masked m = run(x, config);
  REQUIRE(m.captured == "8");
  // Inside the key (delayed): noise at about the floor, -50 dBFS (RMS of a -50 dBFS sine).
  double e = 0.0;
  const std::size_t from = 8000 + 800 + kDelay, n = 1600;
  for (std::size_t i = 0; i < n; ++i) e += static_cast<double>(m.out[from + i]) * m.out[from + i];
  const double rms_dbfs = 20.0 * std::log10(std::sqrt(e / n) * std::sqrt(2.0) / 32767.0);
  CHECK(rms_dbfs == Approx(-50.0).margin(3.0));
  config.fill = DtmfMaskFill::NeutralTone;
  const Masked t = run(x, config);
  CHECK(amplitude(t.out, from, n, 500.0) > 32767.0 * std::pow(10.0, -30.0 / 20.0) * 0.9);
  CHECK(detect(t.out).digits.empty());
}

TEST_CASE("uniform cadence: the audio does not tell how many keys or when", "[mask]") {
  // Four keys and two keys over the same stretch, silent background: identical outputs.
  auto keys = [](const std::string& k, std::uint32_t off) {
    std::vector<DtmfTone> v;
    for (char c : k) v.push_back({c, 80, off, -10.0f, -8.0f, 0.0f, 0.0f});
    return render(v, 4000);
  };
  Pcm four = keys("1234", 120), two = keys("14", 120 + 2 * 200);  // both 800 ms from 1st to last
  four.resize(std::max(four.size(), two.size()) + 16000, 0);
  two.resize(four.size(), 0);
  DtmfMaskConfig config;
  config.uniform_cadence = true;
  config.fill = DtmfMaskFill::NeutralTone;
  const Masked a = run(four, config), b = run(two, config);
  CHECK(a.captured == "1234");
  CHECK(b.captured == "14");
  CHECK(a.out == b.out);
  CHECK(detect(a.out).digits.empty());
  // The judge can fail: without the cadence the two differ.
  config.uniform_cadence = false;
  CHECK(run(four, config).out != run(two, config).out);
}

TEST_CASE("voices that once passed for keys are left alone while armed", "[mask][talkoff]") {
  for (const char* f :
       {"dtmf/amd-dev-0030.wav", "dtmf/amd-dev-0095.wav", "dtmf/dtmf-dev-talkoff-009.wav"}) {
    const auto wav = dialcore::bench::read_wav(dialcore::test::fixture_path(f));
    REQUIRE(wav.ok());
    const Pcm& x = wav.audio.samples;
    const Masked m = run(x);
    INFO(f);
    CHECK(m.captured.empty());
    CHECK(snr_db(x, 16, m.out, 16 + kDelay, x.size() - 16 - kDelay) > 90.0);
  }
}
