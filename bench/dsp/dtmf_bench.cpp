#include "bench/dsp/dtmf_bench.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <string>

#include "bench/dsp/dtmf_mask_command.hpp"
#include "bench/dsp/spandsp_dtmf.hpp"
#include "bench/support/args.hpp"
#include "bench/support/file_command.hpp"
#include "dataplane/dsp/dtmf_detector.hpp"

namespace dialcore::bench {
namespace {

using dataplane::dsp::DtmfDetector;
using dataplane::dsp::DtmfEvent;

constexpr const char* kHelp =
    "usage: dialbench dtmf detect [--frame-ms N] [--events] [--spandsp] FILE...\n"
    "       dialbench dtmf mask [options] IN OUT   (dialbench dtmf mask --help)\n"
    "\n"
    "Runs the in-band DTMF detector over each 8 kHz mono 16-bit WAV file, N ms per call\n"
    "(default 20, as a worker hands it a decoded packet), and prints one line per file on\n"
    "stdout: FILE<TAB>DIGITS, the keys in the order they began (empty when none). Files that\n"
    "cannot be read get an empty line and a message on stderr; the exit status is 0.\n"
    "--events also prints every event on stderr: FILE begin|end KEY start_ms duration_ms.\n"
    "--spandsp runs spandsp's dtmf_rx (default parameters) instead of our detector, for\n"
    "comparison with the same scorers.\n";

struct DetectOptions {
  std::size_t frame_samples = 160;
  bool trace = false;
  bool spandsp = false;
};

std::string detect_file(const std::string& path, const DetectOptions& opt) {
  const std::size_t frame_samples = opt.frame_samples;
  const bool trace = opt.trace;
  const auto audio = read_leg_wav(path, DtmfDetector::kSampleRateHz, "dialbench dtmf");
  if (!audio) return {};
  const auto& pcm = *audio;
  if (opt.spandsp) {
    SpandspDtmf peer;
    for (std::size_t at = 0; at < pcm.size(); at += frame_samples) {
      peer.process({pcm.data() + at, std::min(frame_samples, pcm.size() - at)});
    }
    return peer.digits();
  }
  DtmfDetector detector;
  std::array<DtmfEvent, 16> events;
  std::string digits;
  for (std::size_t at = 0; at < pcm.size(); at += frame_samples) {
    const std::size_t n = std::min(frame_samples, pcm.size() - at);
    const auto r = detector.process({pcm.data() + at, n}, at, events);
    for (std::size_t i = 0; i < r.count; ++i) {
      const DtmfEvent& e = events[i];
      if (e.kind == DtmfEvent::Kind::Begin) digits += e.digit;
      if (trace) {
        std::fprintf(stderr, "%s %s %c %.1f %.1f\n", path.c_str(),
                     e.kind == DtmfEvent::Kind::Begin ? "begin" : "end", e.digit,
                     static_cast<double>(e.start_sample) / 8.0,
                     static_cast<double>(e.duration_samples) / 8.0);
      }
    }
  }
  return digits;
}

}  // namespace

int run_dtmf_command(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "mask") == 0) return run_dtmf_mask(argc - 1, argv + 1);
  Args args(argc, argv, 1);
  if (args.flag("--help") || args.flag("-h") || args.rest().empty()) {
    std::fputs(kHelp, args.rest().empty() ? stderr : stdout);
    return args.rest().empty() ? 2 : 0;
  }
  DetectOptions opt;
  opt.trace = args.flag("--events");
  opt.spandsp = args.flag("--spandsp");
  const auto frame_samples = frame_samples_option(args, "dialbench dtmf");
  if (!frame_samples) return 2;
  opt.frame_samples = *frame_samples;
  const auto& rest = args.rest();
  if (rest.front() != "detect" || rest.size() < 2) {
    std::fprintf(stderr, "dialbench dtmf: expected 'detect FILE...'\n%s", kHelp);
    return 2;
  }
  if (!no_unknown_options(rest, 1, "dialbench dtmf")) return 2;
  for (std::size_t i = 1; i < rest.size(); ++i) {
    const std::string digits = detect_file(rest[i], opt);
    std::printf("%s\t%s\n", rest[i].c_str(), digits.c_str());
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace dialcore::bench
