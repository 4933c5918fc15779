#include "bench/support/wav_file.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

namespace dialcore::bench {
namespace {

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t le16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
void put32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>(v >> 8));
}

}  // namespace

WavResult read_wav(const std::string& path) {
  WavResult r;
  std::ifstream in(path, std::ios::binary);
  if (!in) return r.error = path + ": cannot open", r;
  const std::vector<unsigned char> b{std::istreambuf_iterator<char>(in), {}};
  if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) != 0 ||
      std::memcmp(b.data() + 8, "WAVE", 4) != 0) {
    return r.error = path + ": not a RIFF/WAVE file", r;
  }
  std::uint16_t channels = 0, bits = 0, format = 0;
  std::size_t pos = 12;
  while (pos + 8 <= b.size()) {
    const std::uint32_t len = le32(&b[pos + 4]);
    const std::size_t body = pos + 8;
    const std::size_t avail = std::min<std::size_t>(len, b.size() - body);
    if (std::memcmp(&b[pos], "fmt ", 4) == 0 && avail >= 16) {
      format = le16(&b[body]);
      channels = le16(&b[body + 2]);
      r.audio.sample_rate_hz = le32(&b[body + 4]);
      bits = le16(&b[body + 14]);
      if (format == 0xFFFE && avail >= 26) format = le16(&b[body + 24]);
    } else if (std::memcmp(&b[pos], "data", 4) == 0) {
      if (format != 1 || bits != 16 || channels == 0) {
        return r.error = path + ": only 16-bit PCM WAV is supported", r;
      }
      const std::size_t frames = avail / (2u * channels);
      r.audio.samples.resize(frames);
      for (std::size_t i = 0; i < frames; ++i) {
        int sum = 0;
        for (std::size_t c = 0; c < channels; ++c) {
          sum += static_cast<std::int16_t>(le16(&b[body + 2 * (i * channels + c)]));
        }
        r.audio.samples[i] = static_cast<std::int16_t>(sum / channels);
      }
      return r;
    }
    pos = body + len + (len & 1);
  }
  return r.error = path + ": no data chunk", r;
}

std::string write_wav(const std::string& path, const WavAudio& audio) {
  const auto data_bytes = static_cast<std::uint32_t>(audio.samples.size() * 2);
  std::string h;
  h += "RIFF";
  put32(h, 36 + data_bytes);
  h += "WAVEfmt ";
  put32(h, 16);
  put16(h, 1);
  put16(h, 1);
  put32(h, audio.sample_rate_hz);
  put32(h, audio.sample_rate_hz * 2);
  put16(h, 2);
  put16(h, 16);
  h += "data";
  put32(h, data_bytes);
  for (std::int16_t s : audio.samples) put16(h, static_cast<std::uint16_t>(s));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out.write(h.data(), static_cast<std::streamsize>(h.size()))) return path + ": write failed";
  return {};
}

}  // namespace dialcore::bench
