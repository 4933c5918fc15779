#include "dataplane/recording/wav_format.hpp"

#include <cstring>

namespace dialcore::dataplane::recording {
namespace {

void put32(std::byte* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}
void put16(std::byte* p, std::uint16_t v) {
  p[0] = static_cast<std::byte>(v);
  p[1] = static_cast<std::byte>(v >> 8);
}
std::uint32_t get32(const std::byte* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | std::to_integer<std::uint32_t>(p[i]);
  return v;
}
std::uint16_t get16(const std::byte* p) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(p[0]) | std::to_integer<unsigned>(p[1]) << 8);
}
bool tag(const std::byte* p, const char* t) { return std::memcmp(p, t, 4) == 0; }

}  // namespace

std::array<std::byte, kWavHeaderBytes> make_wav_header(const WavFormat& f,
                                                       std::uint64_t data_bytes) noexcept {
  const auto data = static_cast<std::uint32_t>(data_bytes > kWavMaxDataBytes ? kWavMaxDataBytes : data_bytes);
  std::array<std::byte, kWavHeaderBytes> h{};
  std::byte* p = h.data();
  std::memcpy(p, "RIFF", 4);
  put32(p + 4, 36 + data);
  std::memcpy(p + 8, "WAVEfmt ", 8);
  put32(p + 16, 16);
  put16(p + 20, 1);  // PCM
  put16(p + 22, f.channels);
  put32(p + 24, f.sample_rate_hz);
  put32(p + 28, f.sample_rate_hz * f.block_align());
  put16(p + 32, f.block_align());
  put16(p + 34, 16);
  std::memcpy(p + 36, "data", 4);
  put32(p + 40, data);
  return h;
}

std::optional<WavFormat> parse_wav_header(std::span<const std::byte> h) noexcept {
  if (h.size() < kWavHeaderBytes) return std::nullopt;
  const std::byte* p = h.data();
  if (!tag(p, "RIFF") || !tag(p + 8, "WAVE") || !tag(p + 12, "fmt ") || !tag(p + 36, "data")) {
    return std::nullopt;
  }
  if (get32(p + 16) != 16 || get16(p + 20) != 1 || get16(p + 34) != 16) return std::nullopt;
  WavFormat f;
  f.channels = get16(p + 22);
  f.sample_rate_hz = get32(p + 24);
  if ((f.channels != 1 && f.channels != 2) || f.sample_rate_hz == 0) return std::nullopt;
  return f;
}

}  // namespace dialcore::dataplane::recording
