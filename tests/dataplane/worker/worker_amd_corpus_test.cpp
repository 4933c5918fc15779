// AMD through a worker on the development corpus (shared/corpus/amd-dev; not in the repository:
// DIALCORE_AMD_CORPUS_DIR as for tests/dataplane/dsp/amd_corpus_test). A few labelled files,
// people and machines with beeps, sent as PCMU RTP into a leg with AMD on: the worker's events
// must be the label, and exactly what the detector decides offline on the same decoded audio
// (same verdict, same frame, same beep onset): the worker adds framing, not judgement.
// Skips (77) when the corpus is absent.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "amd_call.hpp"
#include "bench/support/wav_file.hpp"
#include "tests/dataplane/dsp/amd_signals.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
using dialcore::codecs::CodecId;

namespace {

std::filesystem::path corpus() {
  const std::filesystem::path dir = DIALCORE_AMD_CORPUS_DIR;
  if (!std::filesystem::exists(dir / "labels.csv")) {
    std::fprintf(stderr, "skipped: no AMD corpus at %s\n", dir.c_str());
    std::exit(77);
  }
  return dir;
}

Pcm ulaw_round_trip(const std::vector<std::int16_t>& x) {
  std::vector<std::uint8_t> coded(x.size());
  Pcm back(x.size());
  dialcore::codecs::g711::encode_ulaw(x.data(), coded.data(), x.size());
  dialcore::codecs::g711::decode_ulaw(coded.data(), back.data(), x.size());
  return back;
}

}  // namespace

TEST_CASE("corpus people and machines through a PCMU leg: the label, as the detector decides offline",
          "[worker][amd][corpus]") {
  const auto dir = corpus();
  struct File {
    const char* name;
    AmdResultCode label;
    double beep_ms;  // the label's beep onset, 0 if none
  };
  // HUMAN: a second "Hello?", a short answer, a real answer; MACHINE: carrier voicemail,
  // music under the greeting (labels.csv).
  const File files[] = {{"amd-dev-0001.wav", AmdResultCode::Human, 0},
                        {"amd-dev-0003.wav", AmdResultCode::Human, 0},
                        {"amd-dev-0019.wav", AmdResultCode::Human, 0},
                        {"amd-dev-0005.wav", AmdResultCode::Machine, 8106},
                        {"amd-dev-0006.wav", AmdResultCode::Machine, 4901},
                        {"amd-dev-0012.wav", AmdResultCode::Machine, 7874}};
  WorkerHarness h;
  int beeps = 0;
  for (const File& f : files) {
    INFO(f.name);
    const auto wav = dialcore::bench::read_wav((dir / f.name).string());
    REQUIRE(wav.ok());
    REQUIRE(wav.audio.sample_rate_hz == 8000);
    UdpPeer far(loopback_v4());
    const LegId leg = h.leg_towards(far, WorkerHarness::spec(CodecId::Pcmu, 0));
    AmdArgs args;
    args.report_beep = true;
    const AmdCall call = amd_call(h, leg, far, args, wav.audio.samples, CodecId::Pcmu, 0);
    const AmdEventArgs* v = call.verdict();
    REQUIRE(v != nullptr);
    const AmdEventArgs* corrected = call.find(true, false, false);
    const AmdResultCode result = corrected != nullptr ? corrected->result : v->result;
    CHECK(result == f.label);

    const AmdRun offline = run_amd(ulaw_round_trip(wav.audio.samples));
    CHECK(static_cast<int>(offline.result) == static_cast<int>(result));
    const auto* decision = offline.find(dsp::AmdEvent::Kind::Decision);
    REQUIRE(decision != nullptr);
    CHECK(decision->at_ms == v->at_ms);
    // The beep as offline (the detector misses some under music); when found, at the label's.
    const AmdEventArgs* beep = call.find(false, true, false);
    const auto* b = offline.find(dsp::AmdEvent::Kind::BeepStart);
    CHECK((beep != nullptr) == (b != nullptr));
    if (beep != nullptr && b != nullptr) {
      CHECK(b->onset_ms == beep->onset_ms);
      CHECK(std::abs(static_cast<double>(beep->onset_ms) - f.beep_ms) <= 100.0);
      beeps += 1;
    }
    REQUIRE(h.call(leg, DestroyLegArgs{}).status == ReplyStatus::Ok);
  }
  CHECK(beeps >= 1);  // at least one machine's beep came through the worker
}
