#include "bench/dsp/amd_command.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/dsp/amd_degrade.hpp"
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
    "                     [--max-greeting-ms N] [--total-ms N] [--late-gap-ms N]\n"
    "                     [--late-speech-ms N] [--g729] [--snr-db N] [--noise-seed N] FILE...\n"
    "\n"
    "Answering-machine detection on each WAV file (mono 16-bit, 8 kHz, or 16 kHz decimated to\n"
    "8 kHz first), 20 ms per call from the moment of answer, as a worker runs it on a leg. Prints\n"
    "one line per file on stdout: FILE<TAB>RESULT<TAB>decision_ms, RESULT one of HUMAN MACHINE\n"
    "NOTSURE FAX SIT SILENCE, decision_ms the ms of audio the detector had heard when it\n"
    "committed (only audio before it was used). A file that ends undecided is decided at its\n"
    "end (SILENCE if nothing was heard, else NOTSURE). Unreadable files: an error on stderr and\n"
    "FILE<TAB>NOTSURE<TAB>0. Exit status 0.\n"
    "A HUMAN decision is provisional for a moment (the late MACHINE correction, AmdConfig):\n"
    "if a correction comes the line says MACHINE at the correction's time.\n"
    "--events prints every event on stderr: FILE decision|correction RESULT cause [sit-code]\n"
    "at_ms onset_ms, FILE beep-start|beep-end at_ms onset_ms freq_hz.\n"
    "--g729 and --snr-db degrade the audio before detection (robustness checks; off the corpus\n"
    "contract): a G.729A round trip through bcg729, then white noise N dB under the file's\n"
    "active level (generator seeded by --noise-seed, default 1).\n"
    "--app-amd runs the baseline instead: Asterisk app_amd's decision loop with amd.conf.sample's\n"
    "defaults (bench/dsp/app_amd_baseline.hpp), same output format.\n"
    "The timing options set the campaign parameters (AmdConfig; defaults 4000, 900, 4000, 10000,\n"
    "2000, 300; --late-gap-ms 0 turns the late MACHINE correction off).\n";

void print_event(const std::string& file, const AmdEvent& e) {
  using dataplane::dsp::amd_cause_name;
  using dataplane::dsp::amd_result_name;
  using dataplane::dsp::sit_code_name;
  if (e.kind == AmdEvent::Kind::Decision || e.kind == AmdEvent::Kind::Correction) {
    std::fprintf(stderr, "%s %s %s %s%s%s %u %u\n", file.c_str(),
                 e.kind == AmdEvent::Kind::Decision ? "decision" : "correction", amd_result_name(e.result),
                 amd_cause_name(e.cause), e.result == AmdResult::Sit ? " " : "",
                 e.result == AmdResult::Sit ? sit_code_name(e.sit) : "", e.at_ms, e.onset_ms);
  } else {
    std::fprintf(stderr, "%s %s %u %u %.0f\n", file.c_str(),
                 e.kind == AmdEvent::Kind::BeepStart ? "beep-start" : "beep-end", e.at_ms, e.onset_ms,
                 static_cast<double>(e.freq_hz));
  }
}

// Runs one leg over the file and prints its line.
void run_file(const std::string& path, const AmdConfig& config, bool events_out, bool app_amd,
              const AmdDegradation& degradation) {
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
  if (degradation.g729 || degradation.snr_db) pcm = degrade(pcm, degradation);
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
  const auto late_gap = uint_option(args, "--late-gap-ms", config.late_machine_gap_ms, kTool);
  const auto late_speech = uint_option(args, "--late-speech-ms", config.late_machine_speech_ms, kTool);
  AmdDegradation degradation;
  degradation.g729 = args.flag("--g729");
  constexpr std::uint32_t kNoNoise = 0xFFFFFFFFu;
  const auto snr = uint_option(args, "--snr-db", kNoNoise, kTool);
  const auto seed = uint_option(args, "--noise-seed", 1, kTool);
  if (!initial || !after || !greeting || !total || !late_gap || !late_speech || !snr || !seed) return 2;
  if (*snr != kNoNoise) degradation.snr_db = static_cast<double>(*snr);
  degradation.seed = *seed;
  config.late_machine_gap_ms = *late_gap;
  config.late_machine_speech_ms = *late_speech;
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
  for (const auto& f : files) run_file(f, config, events, app_amd, degradation);
  std::fflush(stdout);
  return 0;
}

}  // namespace dialcore::bench
