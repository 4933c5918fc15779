#pragma once
// PCMU/PCMA behind the codec interface: 10 ms frames for encode; decode takes any whole number
// of samples (G.711 is sample-based, RFC 3551 section 4.5) up to kMaxPacketMs.

#include "codecs/codec.hpp"
#include "codecs/waveform_decoder.hpp"

namespace dialcore::codecs {

class G711Encoder final : public Encoder {
 public:
  explicit G711Encoder(const CodecFormat& f) : Encoder(f) {}
  CodecResult encode(std::span<const std::int16_t> pcm,
                     std::span<std::uint8_t> payload) noexcept override;
};

class G711Decoder final : public WaveformDecoder {
 public:
  explicit G711Decoder(const CodecFormat& f) : WaveformDecoder(f) {}
  CodecResult decode(std::span<const std::uint8_t> payload,
                     std::span<std::int16_t> pcm) noexcept override;
};

}  // namespace dialcore::codecs
