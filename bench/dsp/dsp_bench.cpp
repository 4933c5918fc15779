#include "bench/dsp/dsp_bench.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/dsp/spandsp_dtmf.hpp"
#include "bench/support/args.hpp"
#include "bench/support/report.hpp"
#include "bench/support/stats.hpp"
#include "bench/support/file_command.hpp"
#include "dataplane/dsp/amd_detector.hpp"
#include "dataplane/dsp/dtmf_detector.hpp"
#include "dataplane/dsp/dtmf_generator.hpp"
#include "dataplane/dsp/dtmf_masker.hpp"

namespace dialcore::bench {
namespace {

using Pcm = std::vector<std::int16_t>;
constexpr std::size_t kFrame = 160;  // 20 ms at 8 kHz, what a worker hands the DSP per packet

// One row: `make` builds the per-leg state once and returns the per-frame call, timed over
// every 20 ms frame of the input in order. A row with a `peer` (a reference implementation of
// the same job) is timed alternately with it, repetition by repetition, on the same audio.
using Step = std::function<void(std::span<const std::int16_t>)>;
using Maker = std::function<Step()>;
struct Row {
  const char* name;
  const char* group;  // JSON array the row goes to: "detectors", "generators", "maskers"
  Maker make;
  const char* peer_name = nullptr;
  Maker peer;
};

Step detector_step() {
  auto d = std::make_shared<dataplane::dsp::DtmfDetector>();
  auto clock = std::make_shared<std::uint64_t>(0);
  return [d, clock](std::span<const std::int16_t> f) {
    std::array<dataplane::dsp::DtmfEvent, 8> events;
    d->process(f, *clock, events);
    *clock += f.size();
  };
}

Step masker_step(bool armed) {
  auto m = std::make_shared<dataplane::dsp::DtmfMasker>();
  if (armed) m->arm();
  auto out = std::make_shared<Pcm>(kFrame);
  auto clock = std::make_shared<std::uint64_t>(0);
  return [m, out, clock](std::span<const std::int16_t> f) {
    std::array<dataplane::dsp::DtmfEvent, 8> events, captured;
    m->process(f, {out->data(), f.size()}, *clock, events, captured);
    *clock += f.size();
  };
}

// AMD analyses a leg until it has decided (and heard the beep); a leg that is done is
// replaced by a new one, so every timed frame is an analysed frame.
Step amd_step() {
  auto d = std::make_shared<dataplane::dsp::AmdDetector>();
  return [d](std::span<const std::int16_t> f) {
    std::array<dataplane::dsp::AmdEvent, 4> events;
    if (d->done()) d->reset();
    d->process(f, events);
  };
}

std::vector<Row> rows() {
  using namespace dataplane::dsp;
  return {
      {"dtmf", "detectors", detector_step, "spandsp_dtmf_rx",
       [] {
         auto d = std::make_shared<SpandspDtmf>();
         return [d](std::span<const std::int16_t> f) { d->process(f); };
       }},
      {"amd", "detectors", amd_step, nullptr, {}},
      {"dtmf",
       "generators",
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
       },
       nullptr,
       {}},
      // The masker runs the leg's detector itself: its bound is the detector alone, so the ratio
      // is what masking adds to the detection a leg needs anyway.
      {"dtmf_mask_armed", "maskers", [] { return masker_step(true); }, "dtmf_detector_alone",
       detector_step},
      {"dtmf_mask_idle", "maskers", [] { return masker_step(false); }, "dtmf_detector_alone",
       detector_step},
  };
}

struct Options {
  int reps = 9;
  double min_run_ms = 20.0;  // each timed run repeats the input until it lasts this long
  std::vector<std::string> audio;
};

std::vector<std::string> default_audio() {
  std::vector<std::string> files;
  for (const char* dir : {"/dtmf", "/speech", "/amd"}) {
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

// One path under test: a per-leg instance fed the whole input, repeated `inner` times per
// timed run so a run lasts at least min_run_ms.
struct Path {
  Step step;
  int inner = 1;
  std::vector<double> per_frame;
};

Path make_path(const Maker& make, const Pcm& audio, std::size_t frames, const Options& opt) {
  Path p{make(), 1, {}};
  const double once = std::max(1.0, time_us([&] {  // also warms caches and branch predictors
                                 for (std::size_t f = 0; f < frames; ++f)
                                   p.step({audio.data() + f * kFrame, kFrame});
                               }));
  p.inner = std::max(1, static_cast<int>(opt.min_run_ms * 1000.0 / once));
  return p;
}

void run_once(Path& p, const Pcm& audio, std::size_t frames) {
  p.per_frame.push_back(time_us([&] {
                          for (int i = 0; i < p.inner; ++i) {
                            for (std::size_t f = 0; f < frames; ++f) {
                              p.step({audio.data() + f * kFrame, kFrame});
                            }
                          }
                        }) /
                        (static_cast<double>(frames) * p.inner));
}

struct Measured {
  double us = 0.0, peer_us = 0.0;  // medians; peer_us is 0 without a peer
};

Measured measure(const Row& row, const Pcm& audio, const Options& opt) {
  const std::size_t frames = audio.size() / kFrame;
  Path ours = make_path(row.make, audio, frames, opt);
  if (!row.peer) {
    for (int r = 0; r < opt.reps; ++r) run_once(ours, audio, frames);
    return {median(ours.per_frame), 0.0};
  }
  Path peer = make_path(row.peer, audio, frames, opt);
  for (int r = 0; r < opt.reps; ++r) {
    // Alternate the order every repetition so drift (clock, thermal) hits both paths alike.
    Path& first = r % 2 == 0 ? ours : peer;
    Path& second = r % 2 == 0 ? peer : ours;
    run_once(first, audio, frames);
    run_once(second, audio, frames);
  }
  return {median(ours.per_frame), median(peer.per_frame)};
}

constexpr const char* kHelp =
    "usage: dialbench dsp [--reps N] [--quick] [--json] [--audio FILE...]\n"
    "\n"
    "Per DSP component: microseconds per 20 ms frame at 8 kHz (median of N repetitions, each\n"
    "running the whole input frame by frame through one per-leg instance) and legs per core\n"
    "(20 ms divided by that). Input: 8 kHz WAV files, by default every fixture in\n"
    "tests/fixtures/dtmf, tests/fixtures/speech and tests/fixtures/amd (speech, talk-off speech,\n"
    "keys, answered calls).\n"
    "A component with a peer is timed alternately with it on the same audio; the table gives\n"
    "the peer's time and ours divided by it. The DTMF detector's peer is spandsp's dtmf_rx; the\n"
    "maskers' (armed: keys replaced behind a 60 ms look-ahead; idle: not armed) is our detector\n"
    "alone, which they run inside: the ratio is what masking adds to detection. The AMD row\n"
    "(detectors, \"amd\") times answering-machine detection on legs still analysing: a leg that\n"
    "has decided is replaced by a fresh one.\n"
    "--json ends the output with one JSON line: {\"bench\":\"dsp\",\"reps\",\"audio_seconds\",\n"
    "\"detectors\":[{\"name\",\"us_per_frame\",\"legs_per_core\"[,\"peer\",\"peer_us_per_frame\",\n"
    "\"ratio_to_peer\"]}...],\"generators\":[...],\"maskers\":[...],\n"
    "\"peers\":[{\"name\",\"us_per_frame\",\"legs_per_core\"}...]}.\n";

}  // namespace

int run_dsp_bench(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.help(kHelp)) return 0;
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
    const auto pcm = read_leg_wav(path, 8000, "dialbench dsp");
    if (!pcm) return 1;
    audio.insert(audio.end(), pcm->begin(), pcm->end());
  }
  if (audio.size() < kFrame) {
    std::fputs("dialbench dsp: no audio\n", stderr);
    return 1;
  }

  Table table({"component", "kind", "us/frame", "legs/core", "peer", "peer us/frame", "ours/peer"});
  boost::json::object out{{"bench", "dsp"},
                          {"reps", opt.reps},
                          {"audio_seconds", static_cast<double>(audio.size()) / 8000.0}};
  boost::json::array peers;
  for (const Row& row : rows()) {
    const Measured m = measure(row, audio, opt);
    const double legs = 20000.0 / m.us;
    boost::json::object fig{{"name", row.name}, {"us_per_frame", m.us}, {"legs_per_core", legs}};
    if (row.peer) {
      const double ratio = m.us / m.peer_us;
      table.add({row.name, row.group, fixed(m.us, 3), fixed(legs, 0), row.peer_name,
                 fixed(m.peer_us, 3), fixed(ratio, 2)});
      fig["peer"] = row.peer_name;
      fig["peer_us_per_frame"] = m.peer_us;
      fig["ratio_to_peer"] = ratio;
      peers.push_back(boost::json::object{{"name", row.peer_name},
                                          {"us_per_frame", m.peer_us},
                                          {"legs_per_core", 20000.0 / m.peer_us}});
    } else {
      table.add({row.name, row.group, fixed(m.us, 3), fixed(legs, 0), "-", "-", "-"});
    }
    auto& group = out[row.group];
    if (!group.is_array()) group = boost::json::array();
    group.as_array().push_back(std::move(fig));
  }
  out["peers"] = std::move(peers);
  char heading[160];
  std::snprintf(heading, sizeof heading,
                "dialbench dsp: %d repetitions, medians; us per 20 ms frame at 8 kHz over %.1f s of audio",
                opt.reps, static_cast<double>(audio.size()) / 8000.0);
  print_report(heading, table, json, out);
  return 0;
}

}  // namespace dialcore::bench
