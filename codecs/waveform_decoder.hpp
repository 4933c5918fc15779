#pragma once
// Base of the sample-based decoders (G.711, L16): they share the waveform PLC. A subclass
// decodes, then hands each good frame to plc_.remember(); conceal() is common.

#include "codecs/codec.hpp"
#include "codecs/waveform_plc.hpp"

namespace dialcore::codecs {

class WaveformDecoder : public Decoder {
 public:
  CodecResult conceal(std::span<const std::uint8_t> next_payload,
                      std::span<std::int16_t> pcm) noexcept final;

 protected:
  explicit WaveformDecoder(const CodecFormat& f) : Decoder(f), plc_(f.sample_rate_hz) {}
  WaveformPlc plc_;
};

}  // namespace dialcore::codecs
