#include "codecs/waveform_decoder.hpp"

#include "codecs/codec_checks.hpp"

namespace dialcore::codecs {

CodecResult WaveformDecoder::conceal(std::span<const std::uint8_t>,
                                     std::span<std::int16_t> pcm) noexcept {
  const CodecStatus st = check_conceal(pcm.size(), format_);
  if (st != CodecStatus::Ok) return {0, st};
  plc_.conceal(pcm);
  return {pcm.size(), CodecStatus::Ok};
}

}  // namespace dialcore::codecs
