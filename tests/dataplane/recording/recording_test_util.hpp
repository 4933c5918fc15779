#pragma once
// Helpers of the recording tests: a temporary folder, an independent WAV reader (not the
// recorder's header code), a deterministic harness that drives RecordingService's recorder on
// the test thread with synthetic time, and command-line tools (sha256sum, sox, multimon-ng).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dataplane/recording/recording_service.hpp"

namespace dialcore::test::rec {

namespace r = dialcore::dataplane::recording;

struct TempDir {
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

struct WavData {
  std::uint32_t rate = 0;
  std::uint16_t channels = 0;
  std::uint32_t riff_size = 0, data_size = 0;  // as the header says
  std::uint64_t file_size = 0;
  std::vector<std::int16_t> samples;  // interleaved, what the header's data size covers
  std::vector<std::int16_t> channel(int c) const;
};
// Reads a canonical PCM WAV file; fails the test (REQUIRE) if it is not one.
WavData read_wav_file(const std::string& path);

r::RecordingStart make_start(const std::string& call_id, std::uint32_t rate,
                             r::RecordingFormat format = r::RecordingFormat::StereoWav,
                             const std::string& path = "");

// A service with one worker whose recorder the test drives itself (no threads).
struct Harness {
  explicit Harness(r::RecordingConfig config);
  r::RecordingProducer& producer() { return service.producer(0); }
  // Polls the recorder until it finds no work, at time now_ns.
  void drain(std::uint64_t now_ns);
  std::vector<r::RecordingEvent> events();
  r::RecordingConfig config;
  r::RecordingService service;
};

// Feeds `customer` and `agent` (same length) in 20 ms packets, customer first, with now_ns the
// end of each packet on the recording's clock starting at start_ns + first_frame / rate.
// Returns the now_ns after the last packet. Polls the recorder every `drain_every` packets
// (0: never).
std::uint64_t feed(Harness& h, r::RecordingId id, std::span<const std::int16_t> customer,
                   std::span<const std::int16_t> agent, std::uint32_t rate, std::uint64_t start_ns,
                   std::uint64_t first_frame, int drain_every = 5);

std::string run_command(const std::string& command);  // stdout, trimmed
// The DTMF keys multimon-ng (the corpus scorer's decoder) hears in one channel (1 left, 2 right)
// of a WAV file, through sox. Needs the Debian packages sox and multimon-ng.
std::string multimon_channel(const std::string& wav, int channel);
std::string sha256sum_from(const std::string& path, std::uint64_t offset);
std::vector<std::int16_t> pattern(std::size_t n, std::uint32_t seed);  // full-range test signal
std::uint64_t ns_at(std::uint64_t start_ns, std::uint64_t frames, std::uint32_t rate);

}  // namespace dialcore::test::rec
