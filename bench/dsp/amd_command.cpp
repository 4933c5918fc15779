#include "bench/dsp/amd_command.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/dsp/app_amd_baseline.hpp"
#include "bench/support/args.hpp"
#include "bench/support/file_command.hpp"
#include "bench/support/wav_file.hpp"
#include "dataplane/dsp/amd_detector.hpp"
#include "dataplane/dsp/half_band_decimator.hpp"

namespace dialcore::bench {
namespace {

using dataplane::dsp::AmdConfig;
using dataplane::dsp::AmdDetector;
using dataplane::dsp::AmdEvent;
using dataplane::dsp::AmdResult;

constexpr const char* kTool = "dialbench amd";
constexpr const char* kHelp =
    "usage: dialbench amd [--events] [--app-amd] [--initial-silence-ms N] [--after-greeting-ms N]\n"
    "                     [--max-greeting-ms N] [--total-ms N] FILE...\n"
    "\n"
    "Answering-machine detection on each WAV file (mono 16-bit, 8 kHz, or 16 kHz decimated to\n"
    "8 kHz first), 20 ms per call from the moment of answer, as a worker runs it on a leg. Prints\n"
    "one line per file on stdout: FILE<TAB>RESULT<TAB>decision_ms, RESULT one of HUMAN MACHINE\n"
    "NOTSURE FAX SIT SILENCE, decision_ms the ms of audio the detector had heard when it\n"
    "committed (only audio before it was used). A file that ends undecided is decided at its\n"
    "end (SILENCE if nothing was heard, else NOTSURE). Unreadable files: an error on stderr and\n"
    "FILE<TAB>NOTSURE<TAB>0. Exit status 0.\n"
    "--events prints every event on stderr: FILE decision RESULT cause [sit-code] at_ms onset_ms,\n"
    "FILE beep-start|beep-end at_ms onset_ms freq_hz.\n"
    "--app-amd runs the baseline instead: Asterisk app_amd's decision loop with amd.conf.sample's\n"
    "defaults (bench/dsp/app_amd_baseline.hpp), same output format.\n"
    "The timing options set the campaign parameters (AmdConfig; defaults 4000, 900, 4000, 10000).\n";

void print_event(const std::string& file, const AmdEvent& e) {
  using dataplane::dsp::amd_cause_name;
  using dataplane::dsp::amd_result_name;
  using dataplane::dsp::sit_code_name;
  if (e.kind == AmdEvent::Kind::Decision) {
    std::fprintf(stderr, "%s decision %s %s%s%s %u %u\n", file.c_str(), amd_result_name(e.result),
                 amd_cause_name(e.cause), e.result == AmdResult::Sit ? " " : "",
                 e.result == AmdResult::Sit ? sit_code_name(e.sit) : "", e.at_ms, e.onset_ms);
  } else {
    std::fprintf(stderr, "%s %s %u %u %.0f\n", file.c_str(),
                 e.kind == AmdEvent::Kind::BeepStart ? "beep-start" : "beep-end", e.at_ms, e.onset_ms,
                 static_cast<double>(e.freq_hz));
  }
}

// Runs one leg over the file and prints its line.
void run_file(const std::string& path, const AmdConfig& config, bool events_out, bool app_amd) {
  WavResult wav = read_wav(path);
  if (wav.ok() && wav.audio.sample_rate_hz != 8000 && wav.audio.sample_rate_hz != 16000) {
    wav.error = path + ": " + std::to_string(wav.audio.sample_rate_hz) + " Hz, need 8000 or 16000 Hz";
  }
  if (!wav.ok()) {
    std::fprintf(stderr, "%s: %s\n", kTool, wav.error.c_str());
    std::printf("%s\tNOTSURE\t0\n", path.c_str());
    return;
  }
  std::vector<std::int16_t> pcm = std::move(wav.audio.samples);
  if (wav.audio.sample_rate_hz == 16000) {
    dataplane::dsp::HalfBandDecimator decimator;
    std::vector<std::int16_t> narrow(pcm.size() / 2);
    narrow.resize(decimator.process(pcm, narrow));
    pcm = std::move(narrow);
  }
  if (app_amd) {
    const AppAmdDecision d = run_app_amd(pcm);
    if (events_out) std::fprintf(stderr, "%s app_amd %s %s %u\n", path.c_str(), d.result, d.cause, d.at_ms);
    std::printf("%s\t%s\t%u\n", path.c_str(), d.result, d.at_ms);
    return;
  }
  AmdDetector detector(config);
  std::array<AmdEvent, 4> events;
  constexpr std::size_t frame = AmdDetector::kFrameSamples;
  // A trailing partial frame is not fed: a leg hands the detector whole 20 ms frames.
  for (std::size_t at = 0; at + frame <= pcm.size() && !detector.done(); at += frame) {
    const std::size_t n = detector.process({pcm.data() + at, frame}, events);
    for (std::size_t i = 0; i < n && events_out; ++i) print_event(path, events[i]);
  }
  const std::size_t n = detector.finish(events);
  for (std::size_t i = 0; i < n && events_out; ++i) print_event(path, events[i]);
  std::printf("%s\t%s\t%u\n", path.c_str(), dataplane::dsp::amd_result_name(detector.result()),
              detector.decision_ms());
}

}  // namespace

int run_amd_command(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.help(kHelp)) return 0;
  const bool events = args.flag("--events");
  const bool app_amd = args.flag("--app-amd");
  AmdConfig config;
  const auto initial = uint_option(args, "--initial-silence-ms", config.initial_silence_ms, kTool);
  const auto after = uint_option(args, "--after-greeting-ms", config.after_greeting_silence_ms, kTool);
  const auto greeting = uint_option(args, "--max-greeting-ms", config.max_greeting_ms, kTool);
  const auto total = uint_option(args, "--total-ms", config.total_analysis_ms, kTool);
  if (!initial || !after || !greeting || !total) return 2;
  config.initial_silence_ms = *initial;
  config.after_greeting_silence_ms = *after;
  config.max_greeting_ms = *greeting;
  config.total_analysis_ms = *total;
  const auto& files = args.rest();
  if (files.empty()) {
    std::fputs(kHelp, stderr);
    return 2;
  }
  if (!no_unknown_options(files, 0, kTool)) return 2;
  for (const auto& f : files) run_file(f, config, events, app_amd);
  std::fflush(stdout);
  return 0;
}

}  // namespace dialcore::bench
