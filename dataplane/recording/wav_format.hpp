#pragma once
// The canonical 44-byte RIFF/WAVE header of 16-bit PCM, written by the recorder and checked and
// rewritten by the repair scan. Little-endian on disk (x86-64 and arm64 are little-endian).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace dialcore::dataplane::recording {

inline constexpr std::size_t kWavHeaderBytes = 44;
// RIFF sizes are 32-bit: the data chunk stops below 4 GiB.
inline constexpr std::uint64_t kWavMaxDataBytes = 0xFFFFFFFFull - kWavHeaderBytes;

struct WavFormat {
  std::uint32_t sample_rate_hz = 8000;
  std::uint16_t channels = 2;
  std::uint16_t block_align() const { return static_cast<std::uint16_t>(channels * 2); }
};

std::array<std::byte, kWavHeaderBytes> make_wav_header(const WavFormat& format,
                                                       std::uint64_t data_bytes) noexcept;
// The format of a header we wrote (PCM 16-bit, 1 or 2 channels, "data" at byte 36), whatever its
// size fields say; nullopt for anything else.
std::optional<WavFormat> parse_wav_header(std::span<const std::byte> header) noexcept;

}  // namespace dialcore::dataplane::recording
