// Masked audio only: the customer's keys go through the DSP's DtmfMasker (armed, as the worker
// does while a payment is taken) before the recorder sees them; multimon-ng, the decoder the
// corpus scorer uses, finds no key in either channel of the file, and the sidecar lists the
// masked span. The judge can fail: the same keys recorded unmasked are all heard. Needs sox and
// multimon-ng (Debian packages sox, multimon-ng).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dataplane/dsp/dtmf_generator.hpp"
#include "dataplane/dsp/dtmf_masker.hpp"
#include "dataplane/recording/sidecar.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"

using namespace dialcore::test::rec;
namespace r = dialcore::dataplane::recording;
namespace dsp = dialcore::dataplane::dsp;

namespace {

const std::string kDigits = "4929137*0#58";

std::vector<std::int16_t> keyed_audio() {
  dsp::DtmfGenerator gen;
  std::vector<std::int16_t> pcm(8000 / 2, 0);  // 0.5 s before the first key
  for (const char d : kDigits) REQUIRE(gen.enqueue(dsp::DtmfTone{d, 90, 110}));
  std::vector<std::int16_t> frame(160);
  while (gen.busy()) {
    gen.generate(frame);
    pcm.insert(pcm.end(), frame.begin(), frame.end());
  }
  pcm.resize(pcm.size() + 8000, 0);  // 1 s after the last
  pcm.resize(pcm.size() / 160 * 160);
  return pcm;
}

}  // namespace

TEST_CASE("no key is recoverable from a recording of masked audio", "[mask]") {
  TempDir dir;
  r::RecordingConfig c;
  c.root = dir.path;
  c.chunks_per_worker = 512;
  c.ring_items = 512;
  c.max_recordings_per_worker = 4;
  Harness h(c);
  auto& p = h.producer();
  const auto keys = keyed_audio();
  const std::vector<std::int16_t> agent_silent(keys.size(), 0);

  r::RecordingId masked, control;
  REQUIRE(p.start(make_start("masked", 8000), 0, masked) == r::ProducerStatus::Ok);
  REQUIRE(p.start(make_start("unmasked", 8000), 0, control) == r::ProducerStatus::Ok);
  dsp::DtmfMasker masker;
  masker.arm();
  REQUIRE(p.mark(masked, r::MarkerKind::MaskBegin, "payment", 0) == r::ProducerStatus::Ok);
  std::vector<dsp::DtmfEvent> events(8), captured(8);
  std::string digits;
  std::vector<std::int16_t> out(160);
  std::uint64_t now = 0;
  for (std::size_t at = 0; at + 160 <= keys.size(); at += 160) {
    const std::span<const std::int16_t> in(keys.data() + at, 160);
    const auto res = masker.process(in, out, at, events, captured);
    for (std::size_t i = 0; i < res.captured; ++i) {
      if (captured[i].kind == dsp::DtmfEvent::Kind::Begin) digits += captured[i].digit;
    }
    now = ns_at(0, at + 160, 8000);
    p.push(masked, r::Channel::Customer, out, now);
    p.push(masked, r::Channel::Agent, std::span(agent_silent).subspan(at, 160), now);
    p.push(control, r::Channel::Customer, in, now);
    p.push(control, r::Channel::Agent, std::span(agent_silent).subspan(at, 160), now);
    p.poll();
    h.drain(now);
  }
  REQUIRE(p.mark(masked, r::MarkerKind::MaskEnd, "payment", now) == r::ProducerStatus::Ok);
  REQUIRE(p.stop(masked, now) == r::ProducerStatus::Ok);
  REQUIRE(p.stop(control, now) == r::ProducerStatus::Ok);
  h.drain(now);
  CHECK(digits == kDigits);  // the masker captured the keys for control

  const std::string base = dir.path + "/2026-05-28/spring-sale/";
  CHECK(multimon_channel(base + "unmasked.wav", 1) == kDigits);  // the judge hears keys when they are there
  CHECK(multimon_channel(base + "masked.wav", 1).empty());
  CHECK(multimon_channel(base + "masked.wav", 2).empty());
  const WavData w = read_wav_file(base + "masked.wav");
  CHECK(w.channel(0).size() == keys.size());

  const auto side = r::read_sidecar(base + "masked.json");
  REQUIRE(side);
  REQUIRE(side->markers.size() == 2);
  CHECK(side->markers[0].kind == r::MarkerKind::MaskBegin);
  CHECK(side->markers[1].kind == r::MarkerKind::MaskEnd);
  CHECK(side->markers[1].offset_frames == keys.size());
}
