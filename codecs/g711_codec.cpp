#include "codecs/g711_codec.hpp"

#include "codecs/codec_checks.hpp"
#include "codecs/g711.hpp"

namespace dialcore::codecs {

CodecResult G711Encoder::encode(std::span<const std::int16_t> pcm,
                                std::span<std::uint8_t> payload) noexcept {
  const CodecStatus st = check_encode(pcm.size(), frame_samples(), payload.size(), pcm.size());
  if (st != CodecStatus::Ok) return {0, st};
  if (format_.id == CodecId::Pcmu) {
    g711::encode_ulaw(pcm.data(), payload.data(), pcm.size());
  } else {
    g711::encode_alaw(pcm.data(), payload.data(), pcm.size());
  }
  return {pcm.size(), CodecStatus::Ok};
}

CodecResult G711Decoder::decode(std::span<const std::uint8_t> payload,
                                std::span<std::int16_t> pcm) noexcept {
  if (payload.empty()) return {0, CodecStatus::EmptyInput};
  if (payload.size() > 8 * kMaxPacketMs) return {0, CodecStatus::BadLength};
  if (pcm.size() < payload.size()) return {0, CodecStatus::OutputTooSmall};
  if (format_.id == CodecId::Pcmu) {
    g711::decode_ulaw(payload.data(), pcm.data(), payload.size());
  } else {
    g711::decode_alaw(payload.data(), pcm.data(), payload.size());
  }
  plc_.remember(pcm.first(payload.size()));
  return {payload.size(), CodecStatus::Ok};
}

}  // namespace dialcore::codecs
