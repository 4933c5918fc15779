#pragma once
// L16: linear 16-bit PCM in network byte order (RFC 3551 section 4.5.11), 10 ms frames,
// mono at 8, 16 or 48 kHz. Decode takes any whole number of samples, like G.711.

#include "codecs/codec.hpp"
#include "codecs/waveform_decoder.hpp"

namespace dialcore::codecs {

class L16Encoder final : public Encoder {
 public:
  explicit L16Encoder(const CodecFormat& f) : Encoder(f) {}
  CodecResult encode(std::span<const std::int16_t> pcm,
                     std::span<std::uint8_t> payload) noexcept override;
};

class L16Decoder final : public WaveformDecoder {
 public:
  explicit L16Decoder(const CodecFormat& f) : WaveformDecoder(f) {}
  CodecResult decode(std::span<const std::uint8_t> payload,
                     std::span<std::int16_t> pcm) noexcept override;
};

}  // namespace dialcore::codecs
