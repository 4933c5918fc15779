#include "sim/common/wav_io.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "dataplane/dsp/half_band_decimator.hpp"

namespace dialcore::sim {
namespace {

std::uint32_t le32(const unsigned char* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}
std::uint16_t le16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

}  // namespace

std::vector<std::int16_t> read_wav_8k(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot open");
  const std::vector<unsigned char> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto fail = [&](const char* why) { return std::runtime_error(path + ": " + why); };
  if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) != 0 || std::memcmp(b.data() + 8, "WAVE", 4) != 0) {
    throw fail("not a RIFF/WAVE file");
  }
  std::uint16_t channels = 0, bits = 0, format = 0;
  std::uint32_t rate = 0;
  const unsigned char* data = nullptr;
  std::size_t data_bytes = 0;
  for (std::size_t off = 12; off + 8 <= b.size();) {
    const std::uint32_t size = le32(b.data() + off + 4);
    const std::size_t body = off + 8;
    if (size > b.size() - body) {  // a truncated last chunk: take what is there
      if (std::memcmp(b.data() + off, "data", 4) == 0) {
        data = b.data() + body;
        data_bytes = b.size() - body;
      }
      break;
    }
    if (std::memcmp(b.data() + off, "fmt ", 4) == 0 && size >= 16) {
      format = le16(b.data() + body);
      channels = le16(b.data() + body + 2);
      rate = le32(b.data() + body + 4);
      bits = le16(b.data() + body + 14);
    } else if (std::memcmp(b.data() + off, "data", 4) == 0) {
      data = b.data() + body;
      data_bytes = size;
    }
    off = body + size + (size & 1u);
  }
  if (format != 1 || bits != 16) throw fail("not 16-bit PCM");
  if (channels < 1 || channels > 2) throw fail("not mono or stereo");
  if (rate != 8000 && rate != 16000) throw fail("sample rate is neither 8000 nor 16000 Hz");
  if (data == nullptr) throw fail("no data chunk");
  const std::size_t frames = data_bytes / (2u * channels);
  std::vector<std::int16_t> pcm(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    int sum = 0;
    for (std::size_t c = 0; c < channels; ++c) {
      sum += static_cast<std::int16_t>(le16(data + 2 * (i * channels + c)));
    }
    pcm[i] = static_cast<std::int16_t>(sum / channels);
  }
  if (rate == 16000) {
    dataplane::dsp::HalfBandDecimator decimator;
    std::vector<std::int16_t> out(frames / 2);
    decimator.process(std::span<const std::int16_t>(pcm.data(), out.size() * 2), out);
    pcm = std::move(out);
  }
  return pcm;
}

bool write_wav_8k(const std::string& path, std::span<const std::int16_t> pcm) {
  std::ofstream f(path, std::ios::binary);
  if (!f) return false;
  auto u32 = [&](std::uint32_t v) {
    const char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 24)};
    f.write(b, 4);
  };
  auto u16 = [&](std::uint16_t v) {
    const char b[2] = {static_cast<char>(v), static_cast<char>(v >> 8)};
    f.write(b, 2);
  };
  const auto bytes = static_cast<std::uint32_t>(pcm.size() * 2);
  f.write("RIFF", 4);
  u32(36 + bytes);
  f.write("WAVEfmt ", 8);
  u32(16);
  u16(1);
  u16(1);
  u32(8000);
  u32(16000);
  u16(2);
  u16(16);
  f.write("data", 4);
  u32(bytes);
  for (std::int16_t s : pcm) u16(static_cast<std::uint16_t>(s));
  return static_cast<bool>(f);
}

}  // namespace dialcore::sim
