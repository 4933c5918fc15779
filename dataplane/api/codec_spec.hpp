#pragma once
// CodecSpec: one negotiated RTP payload format of a leg, as it travels in SetCodec: the
// codec layer's own CodecFormat (pure data from codec_names, the one project edge dataplane_api
// has) plus what SDP adds per leg, the payload type and ptime.

#include <cstdint>
#include <type_traits>

#include "codecs/names/codec_id.hpp"

namespace dialcore::dataplane {

struct CodecSpec {
  codecs::CodecFormat format{};  // codec, rates, frame size and fmtp-derived options
  std::uint8_t payload_type = 0;  // RTP payload type, 0-127, as negotiated in SDP
  std::uint16_t ptime_ms = 20;    // one packet: ptime_ms / format.frame_ms frames

  friend constexpr bool operator==(const CodecSpec&, const CodecSpec&) = default;
};

static_assert(std::is_trivially_copyable_v<codecs::CodecFormat>);
static_assert(std::is_trivially_copyable_v<CodecSpec>);
static_assert(sizeof(CodecSpec) == 32);

}  // namespace dialcore::dataplane
