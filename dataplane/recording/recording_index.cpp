#include "dataplane/recording/recording_index.hpp"

#include <fcntl.h>
#include <ogg/ogg.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "dataplane/recording/file_io.hpp"
#include "dataplane/recording/sha256.hpp"
#include "dataplane/recording/wav_format.hpp"

namespace dialcore::dataplane::recording {
namespace fs = std::filesystem;
namespace {

std::int64_t repair_wav(int fd) {
  std::array<std::byte, kWavHeaderBytes> header{};
  if (::pread(fd, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) return -1;
  const auto format = parse_wav_header(header);
  if (!format) return -1;
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < static_cast<off_t>(kWavHeaderBytes)) return -1;
  std::uint64_t data = static_cast<std::uint64_t>(size) - kWavHeaderBytes;
  data = std::min(data - data % format->block_align(), kWavMaxDataBytes - kWavMaxDataBytes % 4);
  if (::ftruncate(fd, static_cast<off_t>(kWavHeaderBytes + data)) != 0) return -1;
  const auto fixed = make_wav_header(*format, data);
  std::size_t written = 0;
  if (pwrite_all(fd, fixed, 0, written) != 0) return -1;
  return static_cast<std::int64_t>(data / format->block_align());
}

// Keeps the whole Ogg pages (libogg finds them and checks their CRC); frames from the last
// page's granule position less the pre-skip of the OpusHead (RFC 7845), at the file's rate.
std::int64_t repair_ogg(int fd, std::uint32_t rate_hz) {
  ogg_sync_state sync;
  ogg_sync_init(&sync);
  std::uint64_t good_end = 0, consumed = 0;
  std::int64_t granule = 0, pre_skip = -1;
  std::array<char, 65536> buf{};
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) break;
    char* dst = ogg_sync_buffer(&sync, n);
    std::copy_n(buf.data(), n, dst);
    ogg_sync_wrote(&sync, n);
    ogg_page page;
    for (;;) {
      const long r = ogg_sync_pageseek(&sync, &page);
      if (r == 0) break;
      if (r < 0) {  // skipped bytes that are not a page: the file ends at the last good page
        consumed += static_cast<std::uint64_t>(-r);
        continue;
      }
      consumed += static_cast<std::uint64_t>(r);
      if (consumed - static_cast<std::uint64_t>(r) != good_end) break;  // garbage before it
      good_end = consumed;
      if (pre_skip < 0 && page.body_len >= 12 && std::equal(page.body, page.body + 8, "OpusHead")) {
        pre_skip = page.body[10] | page.body[11] << 8;
      }
      if (ogg_page_granulepos(&page) > 0) granule = ogg_page_granulepos(&page);
    }
  }
  ogg_sync_clear(&sync);
  if (pre_skip < 0 || ::ftruncate(fd, static_cast<off_t>(good_end)) != 0) return -1;
  return std::max<std::int64_t>(granule - pre_skip, 0) * rate_hz / 48000;
}

RecordingFormat format_of_extension(const fs::path& p) {
  return p.extension() == ".opus" ? RecordingFormat::OggOpus : RecordingFormat::StereoWav;
}

}  // namespace

std::int64_t repair_audio_file(const std::string& path, RecordingFormat format,
                               std::uint32_t sample_rate_hz) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return -1;
  const std::int64_t frames = format == RecordingFormat::OggOpus ? repair_ogg(fd, sample_rate_hz)
                                                                 : repair_wav(fd);
  ::fsync(fd);
  ::close(fd);
  return frames;
}

RepairReport repair_recordings(const std::string& root) {
  RepairReport report;
  std::error_code ec;
  std::vector<fs::path> sidecars, audio, temps;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (name.ends_with(".json.tmp")) temps.push_back(p);
    else if (p.extension() == ".json") sidecars.push_back(p);
    else if (p.extension() == ".wav" || p.extension() == ".opus") audio.push_back(p);
  }
  for (const fs::path& t : temps) {
    if (fs::remove(t, ec)) report.removed.push_back(t.string());
  }
  for (const fs::path& a : audio) {  // an audio file nobody described: describe it
    fs::path side = a;
    side.replace_extension(".json");
    if (fs::exists(side, ec)) {
      if (read_sidecar(side.string())) continue;
      // Torn by a power loss mid-update: kept aside, and the audio described afresh.
      fs::rename(side, fs::path(side.string() + ".corrupt"), ec);
    }
    Sidecar s;
    s.call_id = a.stem().string();
    s.format = format_of_extension(a);
    s.audio_file = a.filename().string();
    s.sha256_offset = s.format == RecordingFormat::OggOpus ? 0 : kWavHeaderBytes;
    if (s.format != RecordingFormat::OggOpus) {
      std::array<std::byte, kWavHeaderBytes> header{};
      const int fd = ::open(a.c_str(), O_RDONLY | O_CLOEXEC);
      const bool read = fd >= 0 && ::pread(fd, header.data(), header.size(), 0) == static_cast<ssize_t>(header.size());
      if (fd >= 0) ::close(fd);
      const auto format = read ? parse_wav_header(header) : std::nullopt;
      if (!format) {
        report.failed.push_back(a.string() + ": not a recording");
        continue;
      }
      s.sample_rate_hz = format->sample_rate_hz;
      s.channels = format->channels;
      s.format = format->channels == 1 ? RecordingFormat::MonoWav : RecordingFormat::StereoWav;
    }
    if (write_file_atomically(side.string(), to_json(s), true) == 0) sidecars.push_back(side);
  }
  for (const fs::path& side : sidecars) {
    auto s = read_sidecar(side.string());
    if (!s || s->status != "recording") continue;
    const fs::path audio_path = side.parent_path() / s->audio_file;
    const std::int64_t frames = repair_audio_file(audio_path.string(), s->format, s->sample_rate_hz);
    if (frames < 0) {
      report.failed.push_back(audio_path.string() + ": not repairable");
      continue;
    }
    s->frames = static_cast<std::uint64_t>(frames);
    s->sha256 = sha256_of_file(audio_path.string(), s->sha256_offset);
    s->status = "repaired";
    if (write_file_atomically(side.string(), to_json(*s), true) != 0) {
      report.failed.push_back(side.string() + ": sidecar not writable");
      continue;
    }
    report.repaired.push_back(audio_path.string());
  }
  return report;
}

std::vector<IndexEntry> rebuild_index(const std::string& root) {
  std::vector<IndexEntry> index;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".json") continue;
    auto s = read_sidecar(it->path().string());
    if (!s) continue;
    IndexEntry e;
    e.sidecar_path = it->path().string();
    e.audio_path = (it->path().parent_path() / s->audio_file).string();
    e.meta = std::move(*s);
    index.push_back(std::move(e));
  }
  std::sort(index.begin(), index.end(), [](const IndexEntry& a, const IndexEntry& b) {
    return a.meta.start_unix_ms != b.meta.start_unix_ms ? a.meta.start_unix_ms < b.meta.start_unix_ms
                                                        : a.sidecar_path < b.sidecar_path;
  });
  return index;
}

}  // namespace dialcore::dataplane::recording
