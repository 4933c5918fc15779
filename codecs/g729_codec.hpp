#pragma once
// G.729 Annex A through bcg729: 10 ms frames of 10 bytes, several per packet (two at 20 ms).
// annexb=yes adds VAD/DTX on encode and SID (2-byte) frames on decode (RFC 3551 4.5.6: speech
// frames first, at most one SID frame last).
// Cost per 10 ms frame, `dialbench codecs --only g729` on this machine kind (medians): encode
// 27.2 us, decode 5.3 us; the wrapper adds < 1 % to bcg729 called directly.

#include "codecs/codec.hpp"

struct bcg729EncoderChannelContextStruct_struct;
struct bcg729DecoderChannelContextStruct_struct;

namespace dialcore::codecs {

class G729Encoder final : public Encoder {
 public:
  explicit G729Encoder(const CodecFormat& f);
  ~G729Encoder() override;
  G729Encoder(const G729Encoder&) = delete;
  G729Encoder& operator=(const G729Encoder&) = delete;
  CodecResult encode(std::span<const std::int16_t> pcm,
                     std::span<std::uint8_t> payload) noexcept override;

 private:
  bcg729EncoderChannelContextStruct_struct* ctx_;
};

class G729Decoder final : public Decoder {
 public:
  explicit G729Decoder(const CodecFormat& f);
  ~G729Decoder() override;
  G729Decoder(const G729Decoder&) = delete;
  G729Decoder& operator=(const G729Decoder&) = delete;
  CodecResult decode(std::span<const std::uint8_t> payload,
                     std::span<std::int16_t> pcm) noexcept override;
  CodecResult conceal(std::span<const std::uint8_t> next_payload,
                      std::span<std::int16_t> pcm) noexcept override;

 private:
  bcg729DecoderChannelContextStruct_struct* ctx_;
};

}  // namespace dialcore::codecs
