#pragma once
// Shared by the recording tests of dialcored: a small tmpfs that fills up (mounting needs root:
// the tests run as root), and the files a recorder leaves when the process dies between flushes.

#include <sys/mount.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dataplane/recording/sidecar.hpp"
#include "dataplane/recording/wav_format.hpp"

namespace dialcore::test {

namespace rfs = std::filesystem;
namespace rrec = dataplane::recording;

struct SmallTmpfs {
  explicit SmallTmpfs(const std::string& where) : path(where) {
    rfs::create_directories(path);
    mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, "size=128k,mode=0755") == 0;
  }
  ~SmallTmpfs() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
  std::string path;
  bool mounted = false;
};

// What a recorder leaves when the process dies between flushes: the WAV header still says
// `header_frames` while the file holds `frames` (and a torn half frame), the sidecar "recording".
inline void crashed_recording(const std::string& base, std::uint32_t header_frames,
                              std::uint32_t frames) {
  rfs::create_directories(rfs::path(base).parent_path());
  const auto header =
      rrec::make_wav_header(rrec::WavFormat{8000, 2}, std::uint64_t{header_frames} * 4);
  std::ofstream wav(base + ".wav", std::ios::binary);
  wav.write(reinterpret_cast<const char*>(header.data()),
            static_cast<std::streamsize>(header.size()));
  const std::vector<std::int16_t> audio(std::size_t{frames} * 2 + 1, 1000);
  wav.write(reinterpret_cast<const char*>(audio.data()),
            static_cast<std::streamsize>(audio.size() * sizeof(std::int16_t)));
  wav.close();
  rrec::Sidecar s;
  s.call_id = rfs::path(base).filename().string();
  s.campaign = "camp";
  s.status = "recording";
  s.audio_file = s.call_id + ".wav";
  s.sample_rate_hz = 8000;
  s.channels = 2;
  s.sha256_offset = 44;
  std::ofstream(base + ".json") << rrec::to_json(s);
}

}  // namespace dialcore::test
