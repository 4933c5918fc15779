#pragma once
// The registry: SDP encoding name, clock rate, channels and fmtp <-> CodecId and CodecFormat.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "codecs/names/codec_id.hpp"

namespace dialcore::codecs {

// What SDP says about a codec, independent of any negotiation.
struct CodecInfo {
  CodecId id;
  std::string_view sdp_name;    // as written in a=rtpmap (compared case-insensitively)
  std::uint32_t rtp_clock_hz;   // 0: several rates allowed (L16)
  std::uint8_t sdp_channels;    // channels written in a=rtpmap (Opus: always 2)
  int static_payload_type;      // RFC 3551 static PT, or -1 for dynamic
  PayloadKind kind;
};

enum class RegistryError : std::uint8_t { None, UnknownEncoding, BadClockRate, BadChannels, BadFmtp };

struct RegistryResult {
  CodecFormat format;
  RegistryError error = RegistryError::None;
  bool ok() const { return error == RegistryError::None; }
};

const CodecInfo& codec_info(CodecId id);
std::span<const CodecInfo> all_codecs();
std::string_view to_string(RegistryError e);

// Maps an rtpmap entry (name/clock[/channels]) and its fmtp line to a format. Unknown fmtp
// parameters are ignored (RFC 4566); a known parameter with a malformed value is BadFmtp so the
// caller can decline that payload type and try its next preference. channels 0 = not given.
RegistryResult from_sdp(std::string_view encoding_name, std::uint32_t clock_hz,
                        std::uint8_t channels, std::string_view fmtp);

// Our default format for a codec at a PCM rate (0 = the codec's natural rate): what we offer.
// G.729 annexb=no; Opus 20 ms frames, FEC on, maxplaybackrate = the PCM rate.
CodecFormat default_format(CodecId id, std::uint32_t sample_rate_hz = 0);

// The static payload type, when the id has one and the format uses its fixed clock; else -1.
int static_payload_type(const CodecFormat& f);

// "PCMU/8000", "opus/48000/2", "L16/16000", "telephone-event/8000".
std::string rtpmap(const CodecFormat& f);
// The fmtp we write for a format ("annexb=no", "useinbandfec=1;maxplaybackrate=16000", "0-15");
// empty when the codec takes none.
std::string fmtp(const CodecFormat& f);

}  // namespace dialcore::codecs
