#include "bench/dataplane/conference_bench.hpp"

#include <time.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "bench/dataplane/dataplane_traffic.hpp"
#include "bench/dataplane/worker_driver.hpp"
#include "bench/support/stats.hpp"
#include "dataplane/worker/conference.hpp"
#include "dataplane/worker/transcoder.hpp"

namespace dialcore::bench {
namespace {

using codecs::CodecId;
using dataplane::CodecSpec;

constexpr std::size_t kTicksPerChunk = 200;  // 4 s of audio per chunk

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

const char* name_of(CodecId id) {
  switch (id) {
    case CodecId::Pcmu: return "PCMU";
    case CodecId::Pcma: return "PCMA";
    case CodecId::G729: return "G729";
    case CodecId::Opus: return "Opus";
    default: return "?";
  }
}

MixRow run_row(const std::string& name, const std::array<CodecSpec, 3>& specs,
               std::span<const std::int16_t> speech, double seconds) {
  std::array<PayloadSet, 3> payloads;
  for (std::size_t i = 0; i < 3; ++i) payloads[i] = encode_payloads(specs[i], speech, 150);
  dataplane::Conference conf;
  std::array<std::unique_ptr<dataplane::Transcoder>, 3> transcoders;
  for (std::size_t i = 0; i < 3; ++i) {
    if (conf.add(dataplane::LegId{static_cast<std::uint32_t>(i), 1}, specs[i], 0, 0) !=
        dataplane::Conference::AddStatus::Ok) {
      throw std::runtime_error("mix: cannot add a " + std::string(name_of(specs[i].format.id)) + " member");
    }
    // The plain call: each leg's audio transcoded once, to the next member's codec.
    transcoders[i] = dataplane::Transcoder::create(specs[i], specs[(i + 1) % 3]);
    if (!transcoders[i]) throw std::runtime_error("mix: cannot make the baseline transcoder");
  }
  std::array<std::int16_t, 1920> scratch{};
  std::uint64_t sink = 0;
  std::uint16_t seq = 0;
  std::size_t frame = 0;
  auto mix_chunk = [&] {
    const double t0 = thread_cpu_us();
    for (std::size_t t = 0; t < kTicksPerChunk; ++t, ++frame) {
      for (std::size_t i = 0; i < 3; ++i) {
        const auto& p = payloads[i].frames[frame % payloads[i].frames.size()];
        (void)conf.push(i, specs[i].format.id, p, scratch, false, [](std::span<std::int16_t>) noexcept {});
      }
      conf.tick([](std::size_t, std::span<std::int16_t>) noexcept {},
                [&](std::size_t, std::span<const std::uint8_t> coded, std::uint32_t, std::uint16_t) noexcept {
                  sink += coded.size();
                });
    }
    return (thread_cpu_us() - t0) / kTicksPerChunk;
  };
  auto transcode_chunk = [&] {
    const double t0 = thread_cpu_us();
    for (std::size_t t = 0; t < kTicksPerChunk; ++t, ++frame, ++seq) {
      for (std::size_t i = 0; i < 3; ++i) {
        const auto& p = payloads[i].frames[frame % payloads[i].frames.size()];
        (void)transcoders[i]->push(p, seq, [&](std::span<const std::uint8_t> coded, std::uint32_t) noexcept {
          sink += coded.size();
        });
      }
    }
    return (thread_cpu_us() - t0) / kTicksPerChunk;
  };
  (void)mix_chunk();  // warm up both
  (void)transcode_chunk();
  std::vector<double> mix, plain;
  const double until = thread_cpu_us() + seconds * 1e6;
  while (thread_cpu_us() < until || mix.size() < 3) {
    mix.push_back(mix_chunk());
    plain.push_back(transcode_chunk());
  }
  if (sink == 0) throw std::runtime_error("mix: nothing encoded");
  MixRow row;
  row.name = name;
  row.codecs = std::string(name_of(specs[0].format.id)) + "+" + name_of(specs[1].format.id) + "+" +
               name_of(specs[2].format.id);
  row.tick_us = median(mix);
  row.transcode_us = median(plain);
  row.ratio = row.transcode_us > 0 ? row.tick_us / row.transcode_us : 0;
  row.chunks = mix.size();
  return row;
}

}  // namespace

std::vector<MixRow> run_mix_rows(std::span<const std::int16_t> speech, double seconds, const std::string& only) {
  const auto spec = [](CodecId id, std::uint8_t pt) { return WorkerDriver::spec(id, pt); };
  const std::vector<std::pair<std::string, std::array<CodecSpec, 3>>> rows = {
      {"mix_g711", {spec(CodecId::Pcmu, 0), spec(CodecId::Pcma, 8), spec(CodecId::Pcmu, 0)}},
      {"mix_g729", {spec(CodecId::Pcmu, 0), spec(CodecId::Pcma, 8), spec(CodecId::G729, 18)}},
      {"mix_opus", {spec(CodecId::Pcmu, 0), spec(CodecId::Pcma, 8), spec(CodecId::Opus, 111)}},
  };
  std::vector<MixRow> out;
  for (const auto& [name, specs] : rows) {
    if (!only.empty() && ("," + only + ",").find("," + name + ",") == std::string::npos) continue;
    out.push_back(run_row(name, specs, speech, seconds));
  }
  return out;
}

}  // namespace dialcore::bench
