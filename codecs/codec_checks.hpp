#pragma once
// Argument checks shared by the codec implementations (internal to codecs/).

#include "codecs/codec.hpp"

namespace dialcore::codecs {

// encode(): non-empty, whole frames, room for the payload.
CodecStatus check_encode(std::size_t pcm_samples, std::uint32_t frame_samples,
                         std::size_t payload_room, std::size_t payload_needed);
// conceal(): a whole number of frames, at most kMaxPacketMs.
CodecStatus check_conceal(std::size_t pcm_samples, const CodecFormat& f);

}  // namespace dialcore::codecs
