#include <catch2/catch.hpp>

#include "codec_round_trip.hpp"
#include "codecs/names/codec_registry.hpp"
#include "tests/support/audio_metrics.hpp"
#include "tests/support/fixtures.hpp"

using namespace dialcore::codecs;
using dialcore::test::best_alignment;
using dialcore::test::load_speech;
using dialcore::test::round_trip;

namespace {

std::string fixture_for(std::uint32_t rate_hz) {
  return "machine-greeting-" + std::to_string(rate_hz / 1000) + "k.wav";
}

// A parametric codec reproduces the waveform only roughly, so we ask for a strong correlation
// at the codec's delay and compare with "chance": the best correlation the same decoded audio
// reaches against the input a second away, where only the speech's statistics can match.
void check_aligned(const std::vector<std::int16_t>& in, const std::vector<std::int16_t>& out,
                   std::uint32_t rate_hz, double min_corr) {
  // Two seconds of speech from 1 s in, lags up to 10 ms (codec delays here are at most 6.5 ms).
  const std::size_t max_lag = rate_hz / 100;
  const std::size_t from = rate_hz, len = 2 * rate_hz;
  REQUIRE(in.size() >= from + len + rate_hz);
  REQUIRE(out.size() >= from + len + max_lag);
  const std::span<const std::int16_t> ref(in.data() + from, len);
  const std::span<const std::int16_t> test(out.data() + from, len + max_lag);
  const std::span<const std::int16_t> elsewhere(in.data() + from + rate_hz, len);
  const auto aligned = best_alignment(ref, test, max_lag);
  const auto chance = best_alignment(elsewhere, test, max_lag);
  INFO("aligned " << aligned.correlation << " at lag " << aligned.lag << ", chance "
                  << chance.correlation);
  CHECK(aligned.correlation >= min_corr);
  CHECK(aligned.correlation >= chance.correlation + 0.4);
}

}  // namespace

TEST_CASE("L16 is bit exact at 8, 16 and 48 kHz", "[l16][quality]") {
  for (std::uint32_t rate : {8000u, 16000u, 48000u}) {
    const auto pcm = load_speech(fixture_for(rate), rate);
    const auto r = round_trip(default_format(CodecId::L16, rate), pcm, 20);
    CHECK(r.bytes == r.packets * rate / 1000 * 20 * 2);
    CHECK(std::equal(r.decoded.begin(), r.decoded.end(), pcm.begin()));
  }
}

TEST_CASE("G.729A round trip: two 10-byte frames per 20 ms packet, waveform kept", "[g729][quality]") {
  for (const char* name : {"machine-greeting-8k.wav", "business-answer-8k.wav"}) {
    const auto pcm = load_speech(name, 8000);
    const auto r = round_trip(default_format(CodecId::G729), pcm, 20);
    CHECK(r.bytes == r.packets * 20);  // annexb=no: every frame sent, 8 kbit/s
    INFO(name);
    check_aligned(pcm, r.decoded, 8000, 0.75);
  }
}

TEST_CASE("G.729 annex B sends fewer bytes in silence and still decodes", "[g729][quality]") {
  auto pcm = load_speech("business-answer-8k.wav", 8000);
  pcm.insert(pcm.end(), 16000, 0);  // two seconds of digital silence at the end
  CodecFormat f = default_format(CodecId::G729);
  f.annexb = true;
  const auto r = round_trip(f, pcm, 20);
  CHECK(r.bytes < r.packets * 20);
  CHECK(r.empty_packets > 0);
  check_aligned(pcm, r.decoded, 8000, 0.5);
}

TEST_CASE("Opus round trip at 8, 16 and 48 kHz with each frame size", "[opus][quality]") {
  for (std::uint32_t rate : {8000u, 16000u, 48000u}) {
    const auto pcm = load_speech(fixture_for(rate), rate);
    for (std::uint16_t frame_ms : std::initializer_list<std::uint16_t>{10, 20, 40, 60}) {
      CodecFormat f = default_format(CodecId::Opus, rate);
      f.frame_ms = frame_ms;
      INFO(rate << " Hz, " << frame_ms << " ms");
      const auto r = round_trip(f, pcm, frame_ms);
      CHECK(r.decoded.size() == r.packets * frame_samples(f));
      check_aligned(pcm, r.decoded, rate, 0.85);
    }
  }
}

TEST_CASE("Opus honours DTX, CBR and the bit-rate cap", "[opus][quality]") {
  auto pcm = load_speech("business-answer-8k.wav", 8000);
  pcm.insert(pcm.end(), 16000, 0);
  const auto base = round_trip(default_format(CodecId::Opus, 8000), pcm, 20);

  CodecFormat dtx = default_format(CodecId::Opus, 8000);
  dtx.dtx = true;
  const auto d = round_trip(dtx, pcm, 20);
  CHECK(d.empty_packets > 20);  // most of the 2 s of silence is not sent
  CHECK(d.bytes < base.bytes);

  CodecFormat capped = default_format(CodecId::Opus, 8000);
  capped.max_average_bitrate = 8000;
  const auto c = round_trip(capped, pcm, 20);
  CHECK(c.bytes < base.bytes);
  const double kbps = static_cast<double>(c.bytes) * 8.0 / (static_cast<double>(c.packets) * 20.0);
  CHECK(kbps <= 8.0 * 1.15);

  CodecFormat cbr = default_format(CodecId::Opus, 8000);
  cbr.cbr = true;
  const auto k = round_trip(cbr, pcm, 20);
  CHECK(k.empty_packets == 0);
  check_aligned(pcm, k.decoded, 8000, 0.85);
}
