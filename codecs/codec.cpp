#include "codecs/codec.hpp"

#include "codecs/codec_checks.hpp"

namespace dialcore::codecs {

const char* to_string(CodecStatus s) {
  switch (s) {
    case CodecStatus::Ok: return "ok";
    case CodecStatus::EmptyInput: return "empty input";
    case CodecStatus::BadLength: return "bad length";
    case CodecStatus::OutputTooSmall: return "output buffer too small";
    case CodecStatus::Corrupt: return "corrupt payload";
    case CodecStatus::Unsupported: return "unsupported format";
  }
  return "?";
}

CodecStatus check_encode(std::size_t pcm_samples, std::uint32_t frame_samples,
                         std::size_t payload_room, std::size_t payload_needed) {
  if (pcm_samples == 0) return CodecStatus::EmptyInput;
  if (pcm_samples % frame_samples != 0) return CodecStatus::BadLength;
  if (payload_room < payload_needed) return CodecStatus::OutputTooSmall;
  return CodecStatus::Ok;
}

CodecStatus check_conceal(std::size_t pcm_samples, const CodecFormat& f) {
  if (pcm_samples == 0) return CodecStatus::EmptyInput;
  if (pcm_samples % frame_samples(f) != 0) return CodecStatus::BadLength;
  if (pcm_samples > f.sample_rate_hz / 1000 * kMaxPacketMs) return CodecStatus::BadLength;
  return CodecStatus::Ok;
}

}  // namespace dialcore::codecs
