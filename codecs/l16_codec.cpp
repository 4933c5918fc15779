#include "codecs/l16_codec.hpp"

#include "codecs/codec_checks.hpp"

namespace dialcore::codecs {

CodecResult L16Encoder::encode(std::span<const std::int16_t> pcm,
                               std::span<std::uint8_t> payload) noexcept {
  const CodecStatus st = check_encode(pcm.size(), frame_samples(), payload.size(), 2 * pcm.size());
  if (st != CodecStatus::Ok) return {0, st};
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    const auto u = static_cast<std::uint16_t>(pcm[i]);
    payload[2 * i] = static_cast<std::uint8_t>(u >> 8);
    payload[2 * i + 1] = static_cast<std::uint8_t>(u & 0xFF);
  }
  return {2 * pcm.size(), CodecStatus::Ok};
}

CodecResult L16Decoder::decode(std::span<const std::uint8_t> payload,
                               std::span<std::int16_t> pcm) noexcept {
  if (payload.empty()) return {0, CodecStatus::EmptyInput};
  if (payload.size() % 2 != 0) return {0, CodecStatus::BadLength};
  const std::size_t n = payload.size() / 2;
  if (n > format_.sample_rate_hz / 1000 * kMaxPacketMs) return {0, CodecStatus::BadLength};
  if (pcm.size() < n) return {0, CodecStatus::OutputTooSmall};
  for (std::size_t i = 0; i < n; ++i) {
    pcm[i] = static_cast<std::int16_t>((payload[2 * i] << 8) | payload[2 * i + 1]);
  }
  plc_.remember(pcm.first(n));
  return {n, CodecStatus::Ok};
}

}  // namespace dialcore::codecs
