#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "codec_round_trip.hpp"
#include "codecs/names/codec_registry.hpp"
#include "tests/support/audio_metrics.hpp"
#include "tests/support/fixtures.hpp"

using namespace dialcore::codecs;
using dialcore::test::load_speech;
using dialcore::test::max_step;
using dialcore::test::rms;
using dialcore::test::round_trip;

namespace {

using Samples = std::vector<std::int16_t>;

std::span<const std::int16_t> window(const Samples& x, std::size_t from, std::size_t len) {
  return {x.data() + from, std::min(len, x.size() - from)};
}

// Packets inside speech (both the packet and the one before are loud), spaced apart.
std::vector<std::size_t> speech_packets(const Samples& ref, std::size_t packet, std::size_t want) {
  std::vector<std::size_t> out;
  for (std::size_t p = 2; p + 2 < ref.size() / packet && out.size() < want; ++p) {
    if (rms(window(ref, (p - 1) * packet, packet)) > 800 && rms(window(ref, p * packet, packet)) > 800 &&
        (out.empty() || p > out.back() + 12)) {
      out.push_back(p);
    }
  }
  return out;
}

struct Verdict {
  bool no_click = true;
  bool no_silence_jump = true;
};

// A click is a step at a joint larger than the real signal makes nearby; a silence jump is a
// concealed packet far quieter than the audio just before it.
Verdict judge(const Samples& ref, const Samples& out, std::size_t packet, std::size_t p,
              std::size_t lost_count) {
  Verdict v;
  const std::size_t start = p * packet, end = (p + lost_count) * packet;
  const int natural = max_step(window(ref, start - 2 * packet, 4 * packet + lost_count * packet));
  for (std::size_t joint : {start, end}) {
    const int step = max_step(window(out, joint - 2, 5));
    if (step > natural * 5 / 4 + 300) v.no_click = false;
    UNSCOPED_INFO("joint " << joint << ": step " << step << ", natural " << natural);
  }
  const double before = rms(window(ref, start - packet, packet));
  const double concealed = rms(window(out, start, packet / 2));
  UNSCOPED_INFO("level before " << before << ", first concealed half " << concealed);
  if (concealed < 0.2 * before) v.no_silence_jump = false;
  return v;
}

void check_plc(const CodecFormat& f, const Samples& pcm, bool offer_next = false) {
  const std::size_t packet = f.sample_rate_hz / 1000 * 20;
  const auto ref = round_trip(f, pcm, 20).decoded;
  const auto spots = speech_packets(ref, packet, 8);
  REQUIRE(spots.size() >= 4);
  // Single losses everywhere, a double loss at the last spot.
  std::set<std::size_t> lost(spots.begin(), spots.end());
  lost.insert(spots.back() + 1);
  const auto out = round_trip(f, pcm, 20, [&](std::size_t p) { return lost.count(p) > 0; }, offer_next).decoded;
  for (std::size_t i = 0; i < spots.size(); ++i) {
    const std::size_t n = i + 1 == spots.size() ? 2 : 1;
    const Verdict v = judge(ref, out, packet, spots[i], n);
    CHECK(v.no_click);
    CHECK(v.no_silence_jump);
  }
}

}  // namespace

TEST_CASE("the PLC checks catch zero-filled losses", "[plc]") {
  // The same judge must fail a decoder that leaves lost packets silent, or the test proves nothing.
  const auto pcm = load_speech("machine-greeting-8k.wav", 8000);
  const auto ref = round_trip(default_format(CodecId::Pcmu), pcm, 20).decoded;
  const auto spots = speech_packets(ref, 160, 8);
  REQUIRE(spots.size() >= 4);
  int clicks = 0, silences = 0;
  for (std::size_t p : spots) {
    Samples zeroed = ref;
    std::fill_n(zeroed.begin() + static_cast<std::ptrdiff_t>(p * 160), 160, 0);
    const Verdict v = judge(ref, zeroed, 160, p, 1);
    clicks += v.no_click ? 0 : 1;
    silences += v.no_silence_jump ? 0 : 1;
  }
  CHECK(silences == static_cast<int>(spots.size()));
  CHECK(clicks >= 1);
}

TEST_CASE("G.711 PLC fills losses without clicks or silence jumps", "[plc][g711]") {
  for (const char* name : {"machine-greeting-8k.wav", "personal-greeting-8k.wav"}) {
    INFO(name);
    const auto pcm = load_speech(name, 8000);
    check_plc(default_format(CodecId::Pcmu), pcm);
    check_plc(default_format(CodecId::Pcma), pcm);
  }
}

TEST_CASE("L16 PLC at 8 and 16 kHz", "[plc][l16]") {
  check_plc(default_format(CodecId::L16, 8000), load_speech("machine-greeting-8k.wav", 8000));
  check_plc(default_format(CodecId::L16, 16000), load_speech("machine-greeting-16k.wav", 16000));
}

TEST_CASE("G.729 PLC (bcg729 frame erasure)", "[plc][g729]") {
  check_plc(default_format(CodecId::G729), load_speech("machine-greeting-8k.wav", 8000));
}

TEST_CASE("Opus PLC, and FEC from the next packet", "[plc][opus]") {
  for (std::uint32_t rate : {8000u, 16000u}) {
    const auto pcm = load_speech("machine-greeting-" + std::to_string(rate / 1000) + "k.wav", rate);
    check_plc(default_format(CodecId::Opus, rate), pcm, false);
    check_plc(default_format(CodecId::Opus, rate), pcm, true);
  }
}

TEST_CASE("Opus FEC recovers a lost packet better than PLC alone", "[plc][opus]") {
  const auto pcm = load_speech("machine-greeting-8k.wav", 8000);
  const CodecFormat f = default_format(CodecId::Opus, 8000);  // FEC on by default
  const auto ref = round_trip(f, pcm, 20).decoded;
  auto every_7th = [](std::size_t p) { return p % 7 == 3; };
  const auto plc = round_trip(f, pcm, 20, every_7th, false).decoded;
  const auto fec = round_trip(f, pcm, 20, every_7th, true).decoded;
  const double snr_plc = dialcore::test::segmental_snr_db(ref, plc, 160);
  const double snr_fec = dialcore::test::segmental_snr_db(ref, fec, 160);
  INFO("segSNR vs lossless decode: PLC " << snr_plc << " dB, FEC " << snr_fec << " dB");
  CHECK(snr_fec > snr_plc + 1.0);
}
