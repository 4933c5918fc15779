#include "bench/dsp/dsp_bench.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/support/args.hpp"
#include "bench/support/report.hpp"
#include "bench/support/stats.hpp"
#include "bench/support/wav_file.hpp"
#include "dataplane/dsp/dtmf_detector.hpp"
#include "dataplane/dsp/dtmf_generator.hpp"

namespace dialcore::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Pcm = std::vector<std::int16_t>;
constexpr std::size_t kFrame = 160;  // 20 ms at 8 kHz, what a worker hands the DSP per packet

// One row: `make` builds the per-leg state once and returns the per-frame call, timed over
// every 20 ms frame of the input in order.
struct Row {
  const char* name;
  const char* group;  // JSON array the row goes to: "detectors", "generators", later "maskers"
  std::function<std::function<void(std::span<const std::int16_t>)>()> make;
};

std::vector<Row> rows() {
  using namespace dataplane::dsp;
  return {
      {"dtmf", "detectors",
       [] {
         auto d = std::make_shared<DtmfDetector>();
         auto clock = std::make_shared<std::uint64_t>(0);
         return [d, clock](std::span<const std::int16_t> f) {
           std::array<DtmfEvent, 8> events;
           d->process(f, *clock, events);
           *clock += f.size();
         };
       }},
      {"dtmf", "generators",
       [] {
         auto g = std::make_shared<DtmfGenerator>();
         auto out = std::make_shared<Pcm>(kFrame);
         return [g, out](std::span<const std::int16_t>) {
           if (!g->busy()) {
             for (char k : {'1', '5', '9', '#'})
               g->enqueue({k, 1000, 0, -10.0f, -8.0f, 0.0f, 0.0f});
           }
           g->generate(*out);
         };
       }},
  };
}

struct Options {
  int reps = 9;
  double min_run_ms = 20.0;  // each timed run repeats the input until it lasts this long
  std::vector<std::string> audio;
};

std::vector<std::string> default_audio() {
  std::vector<std::string> files;
  for (const char* dir : {"/dtmf", "/speech"}) {
    std::error_code ec;
    for (const auto& e :
         std::filesystem::directory_iterator(std::string(DIALCORE_FIXTURES_ROOT) + dir, ec)) {
      const std::string p = e.path().string();
      // The speech fixtures come at 8, 16 and 48 kHz; the DSP runs on 8 kHz legs.
      const bool wav = p.size() > 4 && p.compare(p.size() - 4, 4, ".wav") == 0;
      const bool wideband =
          p.find("-16k.") != std::string::npos || p.find("-48k.") != std::string::npos;
      if (wav && !wideband) files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

double measure_us(const Row& row, const Pcm& audio, const Options& opt) {
  const std::size_t frames = audio.size() / kFrame;
  auto step = row.make();
  auto pass = [&] {
    for (std::size_t f = 0; f < frames; ++f) step({audio.data() + f * kFrame, kFrame});
  };
  auto time_us = [](const std::function<void()>& fn) {
    const auto t0 = Clock::now();
    fn();
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  };
  const double once = std::max(1.0, time_us(pass));  // also warms caches and branch predictors
  const int inner = std::max(1, static_cast<int>(opt.min_run_ms * 1000.0 / once));
  std::vector<double> per_frame;
  for (int r = 0; r < opt.reps; ++r) {
    per_frame.push_back(time_us([&] {
                          for (int i = 0; i < inner; ++i) pass();
                        }) /
                        (static_cast<double>(frames) * inner));
  }
  return median(per_frame);
}

constexpr const char* kHelp =
    "usage: dialbench dsp [--reps N] [--quick] [--json] [--audio FILE...]\n"
    "\n"
    "Per DSP component: microseconds per 20 ms frame at 8 kHz (median of N repetitions, each\n"
    "running the whole input frame by frame through one per-leg instance) and legs per core\n"
    "(20 ms divided by that). Input: 8 kHz WAV files, by default every fixture in\n"
    "tests/fixtures/dtmf and tests/fixtures/speech (speech, talk-off speech and keys).\n"
    "--json ends the output with one JSON line: {\"bench\":\"dsp\",\"reps\",\"audio_seconds\",\n"
    "\"detectors\":[{\"name\",\"us_per_frame\",\"legs_per_core\"}...],\"generators\":[...]}.\n";

}  // namespace

int run_dsp_bench(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  Options opt;
  const bool json = args.flag("--json");
  if (args.flag("--quick")) opt.reps = 3, opt.min_run_ms = 2.0;
  bool audio_given = args.flag("--audio");
  try {
    if (auto v = args.value("--reps")) opt.reps = std::max(1, std::stoi(*v));
  } catch (const std::exception&) {
    std::fputs("dialbench dsp: bad number\n", stderr);
    return 2;
  }
  for (const auto& a : args.rest()) {
    if (!audio_given || a.rfind("--", 0) == 0) {
      std::fprintf(stderr, "dialbench dsp: unknown argument '%s'\n%s", a.c_str(), kHelp);
      return 2;
    }
    opt.audio.push_back(a);
  }
  if (opt.audio.empty()) opt.audio = default_audio();

  Pcm audio;
  for (const auto& path : opt.audio) {
    const WavResult wav = read_wav(path);
    if (!wav.ok() || wav.audio.sample_rate_hz != 8000) {
      std::fprintf(stderr, "dialbench dsp: %s\n",
                   wav.ok() ? (path + ": not 8 kHz").c_str() : wav.error.c_str());
      return 1;
    }
    audio.insert(audio.end(), wav.audio.samples.begin(), wav.audio.samples.end());
  }
  if (audio.size() < kFrame) {
    std::fputs("dialbench dsp: no audio\n", stderr);
    return 1;
  }

  Table table({"component", "kind", "us/frame", "legs/core"});
  boost::json::object out{{"bench", "dsp"},
                          {"reps", opt.reps},
                          {"audio_seconds", static_cast<double>(audio.size()) / 8000.0}};
  for (const Row& row : rows()) {
    const double us = measure_us(row, audio, opt);
    const double legs = 20000.0 / us;
    table.add({row.name, row.group, fixed(us, 3), fixed(legs, 0)});
    auto& group = out[row.group];
    if (!group.is_array()) group = boost::json::array();
    group.as_array().push_back(
        boost::json::object{{"name", row.name}, {"us_per_frame", us}, {"legs_per_core", legs}});
  }
  std::printf(
      "dialbench dsp: %d repetitions, medians; us per 20 ms frame at 8 kHz over %.1f s "
      "of audio\n\n%s",
      opt.reps, static_cast<double>(audio.size()) / 8000.0, table.render().c_str());
  if (json) print_json_line(out);
  return 0;
}

}  // namespace dialcore::bench
