#pragma once
// Codec identities and negotiated formats: plain data shared by control (SDP) and the dataplane.

#include <cstdint>

namespace dialcore::codecs {

enum class CodecId : std::uint8_t { Pcmu, Pcma, G729, Opus, L16, TelephoneEvent };
inline constexpr int kCodecIdCount = 6;

enum class PayloadKind : std::uint8_t { Audio, Event };

// One negotiated RTP format, as agreed in SDP (rtpmap + fmtp), plus the PCM rate our side uses.
// Trivially copyable so it can travel in dataplane commands.
// Fields ordered small to large so the struct packs into 28 bytes (it is copied into commands).
struct CodecFormat {
  CodecId id = CodecId::Pcmu;
  bool annexb = false;                  // G.729: VAD/DTX with SID frames (RFC 4856)
  bool inband_fec = false;              // Opus: useinbandfec (the receiver can use FEC)
  bool dtx = false;                     // Opus: usedtx
  bool cbr = false;                     // Opus: cbr
  std::uint16_t frame_ms = 10;          // one codec frame; a packet carries ptime/frame_ms frames
  std::uint16_t event_mask = 0xFFFF;    // telephone-event: events 0-15 accepted
  std::uint32_t rtp_clock_hz = 8000;    // RTP timestamp rate (48000 for Opus, RFC 7587)
  std::uint32_t sample_rate_hz = 8000;  // PCM rate the encoder/decoder work at
  std::uint32_t max_playback_rate_hz = 48000;  // Opus: maxplaybackrate
  std::uint32_t max_average_bitrate = 0;       // Opus: maxaveragebitrate, 0 = unset

  friend constexpr bool operator==(const CodecFormat&, const CodecFormat&) = default;
};
static_assert(sizeof(CodecFormat) == 28);

// Samples in one codec frame at the format's PCM rate.
constexpr std::uint32_t frame_samples(const CodecFormat& f) {
  return f.sample_rate_hz / 1000 * f.frame_ms;
}

}  // namespace dialcore::codecs
