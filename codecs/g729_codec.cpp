#include "codecs/g729_codec.hpp"

#include "codecs/bcg729_api.hpp"

#include <array>

#include "codecs/codec_checks.hpp"

namespace dialcore::codecs {
namespace {
constexpr std::size_t kFrameBytes = 10;
constexpr std::size_t kSidBytes = 2;
constexpr std::size_t kFrameSamples = 80;
}  // namespace

G729Encoder::G729Encoder(const CodecFormat& f)
    : Encoder(f), ctx_(initBcg729EncoderChannel(f.annexb ? 1 : 0)) {}

G729Encoder::~G729Encoder() { closeBcg729EncoderChannel(ctx_); }

// With annex B a packet is speech frames then at most one SID. When the VAD turns from silence
// to speech inside a packet, the SID before the speech is dropped (the far end's CNG/PLC covers
// those 10 ms); a packet of only untransmitted frames has an empty payload (send nothing).
CodecResult G729Encoder::encode(std::span<const std::int16_t> pcm,
                                std::span<std::uint8_t> payload) noexcept {
  const std::size_t frames = pcm.size() / kFrameSamples;
  const CodecStatus st =
      check_encode(pcm.size(), kFrameSamples, payload.size(), frames * kFrameBytes);
  if (st != CodecStatus::Ok) return {0, st};
  std::size_t used = 0;
  for (std::size_t i = 0; i < frames; ++i) {
    std::uint8_t len = 0;
    bcg729Encoder(ctx_, pcm.data() + i * kFrameSamples, payload.data() + used, &len);
    if (len == kFrameBytes) {
      used += kFrameBytes;
    } else if (len == kSidBytes && i + 1 == frames) {
      used += kSidBytes;
    }
  }
  return {used, CodecStatus::Ok};
}

G729Decoder::G729Decoder(const CodecFormat& f) : Decoder(f), ctx_(initBcg729DecoderChannel()) {}

G729Decoder::~G729Decoder() { closeBcg729DecoderChannel(ctx_); }

CodecResult G729Decoder::decode(std::span<const std::uint8_t> payload,
                                std::span<std::int16_t> pcm) noexcept {
  if (payload.empty()) return {0, CodecStatus::EmptyInput};
  const std::size_t speech = payload.size() / kFrameBytes;
  const std::size_t rest = payload.size() % kFrameBytes;
  if (rest != 0 && !(rest == kSidBytes && format_.annexb)) return {0, CodecStatus::BadLength};
  const std::size_t frames = speech + (rest != 0 ? 1 : 0);
  if (frames > kMaxPacketMs / 10) return {0, CodecStatus::BadLength};
  if (pcm.size() < frames * kFrameSamples) return {0, CodecStatus::OutputTooSmall};
  for (std::size_t i = 0; i < speech; ++i) {
    bcg729Decoder(ctx_, payload.data() + i * kFrameBytes, kFrameBytes, 0, 0, 0,
                  pcm.data() + i * kFrameSamples);
  }
  if (rest != 0) {
    bcg729Decoder(ctx_, payload.data() + speech * kFrameBytes, kSidBytes, 0, 1, 0,
                  pcm.data() + speech * kFrameSamples);
  }
  return {frames * kFrameSamples, CodecStatus::Ok};
}

// bcg729 conceals an erased frame from its own state (frameErasureFlag); the bit stream it is
// handed is not read for content, but we pass a real buffer rather than trust that.
CodecResult G729Decoder::conceal(std::span<const std::uint8_t>,
                                 std::span<std::int16_t> pcm) noexcept {
  const CodecStatus st = check_conceal(pcm.size(), format_);
  if (st != CodecStatus::Ok) return {0, st};
  static constexpr std::array<std::uint8_t, kFrameBytes> kErased{};
  for (std::size_t i = 0; i < pcm.size() / kFrameSamples; ++i) {
    bcg729Decoder(ctx_, kErased.data(), kFrameBytes, 1, 0, 0, pcm.data() + i * kFrameSamples);
  }
  return {pcm.size(), CodecStatus::Ok};
}

}  // namespace dialcore::codecs
