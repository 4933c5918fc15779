#include "bench/dsp/dtmf_mask_command.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/support/args.hpp"
#include "bench/support/file_command.hpp"
#include "bench/support/wav_file.hpp"
#include "dataplane/dsp/dtmf_masker.hpp"

namespace dialcore::bench {
namespace {

using dataplane::dsp::DtmfEvent;
using dataplane::dsp::DtmfMaskConfig;
using dataplane::dsp::DtmfMasker;
using dataplane::dsp::DtmfMaskFill;

constexpr const char* kHelp =
    "usage: dialbench dtmf mask [--fill noise|silence|tone] [--cadence] [--frame-ms N]\n"
    "                           [--lookahead-ms L] IN OUT\n"
    "\n"
    "Masks in-band DTMF in IN (8 kHz mono 16-bit WAV) as a leg with masking armed from its first\n"
    "frame, N ms per call (default 20): writes OUT (8 kHz mono 16-bit) with every key replaced\n"
    "(by comfort noise unless told otherwise; --cadence hides the number and timing of keys)\n"
    "and prints the captured keys on stdout as one line, nothing else. OUT is IN delayed by the\n"
    "masker's look-ahead (60 ms; its first 60 ms are silence) and is that much longer, so all\n"
    "of IN comes out (--lookahead-ms: 30..60, for experiments). Errors go to stderr; the exit\n"
    "status is 0 when OUT was written.\n";

}  // namespace

int run_dtmf_mask(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.help(kHelp)) return 0;
  DtmfMaskConfig config;
  config.uniform_cadence = args.flag("--cadence");
  if (auto v = args.value("--fill")) {
    if (*v == "noise") {
      config.fill = DtmfMaskFill::ComfortNoise;
    } else if (*v == "silence") {
      config.fill = DtmfMaskFill::Silence;
    } else if (*v == "tone") {
      config.fill = DtmfMaskFill::NeutralTone;
    } else {
      std::fprintf(stderr, "dialbench dtmf mask: --fill must be noise, silence or tone\n");
      return 2;
    }
  }
  const auto lookahead = uint_option(args, "--lookahead-ms", config.lookahead_ms, "dialbench dtmf mask");
  const auto frame_samples = frame_samples_option(args, "dialbench dtmf mask");
  if (!lookahead || !frame_samples) return 2;
  config.lookahead_ms = *lookahead;
  const auto& rest = args.rest();
  if (rest.size() != 2 || rest[0].rfind("--", 0) == 0 || rest[1].rfind("--", 0) == 0) {
    std::fprintf(stderr, "dialbench dtmf mask: expected IN OUT\n%s", kHelp);
    return 2;
  }
  const auto audio = read_leg_wav(rest[0], DtmfMasker::kSampleRateHz, "dialbench dtmf mask");
  if (!audio) return 1;

  DtmfMasker masker(config);
  masker.arm();
  // The input, then the look-ahead's worth of silence to flush the delay line.
  std::vector<std::int16_t> in = *audio;
  in.resize(in.size() + masker.lookahead_samples(), 0);
  WavAudio out_wav{DtmfMasker::kSampleRateHz, std::vector<std::int16_t>(in.size())};
  std::array<DtmfEvent, 16> events, captured;
  std::string digits;
  const std::size_t frame = *frame_samples;
  for (std::size_t at = 0; at < in.size(); at += frame) {
    const std::size_t n = std::min(frame, in.size() - at);
    const auto r =
        masker.process({in.data() + at, n}, {out_wav.samples.data() + at, n}, at, events, captured);
    for (std::size_t i = 0; i < r.captured; ++i) {
      if (captured[i].kind == DtmfEvent::Kind::Begin) digits += captured[i].digit;
    }
    if (r.events != 0 || r.dropped != 0) {
      std::fprintf(stderr, "dialbench dtmf mask: %zu events outside masking, %zu dropped\n",
                   r.events, r.dropped);
    }
  }
  const std::string error = write_wav(rest[1], out_wav);
  if (!error.empty()) {
    std::fprintf(stderr, "dialbench dtmf mask: %s\n", error.c_str());
    return 1;
  }
  std::printf("%s\n", digits.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace dialcore::bench
