#pragma once
// The per-leg codec interface. One Encoder and one Decoder object per leg and direction; all
// state is allocated at construction, so encode/decode/conceal never allocate, lock or throw.
//
// Frames: every codec has a fixed frame (frame_samples() at the format's PCM rate: 10 ms for
// G.711, L16 and G.729, 20 ms by default for Opus). An RTP packet carries a whole number of
// frames; encode() takes exactly that many frames and writes one packet's payload.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "codecs/names/codec_id.hpp"

namespace dialcore::codecs {

enum class CodecStatus : std::uint8_t {
  Ok,
  EmptyInput,      // zero-length payload or PCM
  BadLength,       // length is not a whole number of frames / valid payload size
  OutputTooSmall,  // the caller's buffer cannot hold the result
  Corrupt,         // the payload failed to decode
  Unsupported,     // a format/option this build cannot do
};

const char* to_string(CodecStatus s);

// count: bytes written by encode(), samples written by decode()/conceal().
struct CodecResult {
  std::size_t count = 0;
  CodecStatus status = CodecStatus::Ok;
  bool ok() const { return status == CodecStatus::Ok; }
};

// The longest packet we accept or produce (RFC 7587's largest Opus packet is 120 ms).
inline constexpr std::uint32_t kMaxPacketMs = 120;

class Encoder {
 public:
  virtual ~Encoder() = default;
  // pcm: a whole number of frames (Opus: exactly one). An empty result with Ok is a frame the
  // codec chose not to send (DTX, G.729 annex B untransmitted).
  virtual CodecResult encode(std::span<const std::int16_t> pcm,
                             std::span<std::uint8_t> payload) noexcept = 0;
  const CodecFormat& format() const { return format_; }
  std::uint32_t frame_samples() const { return codecs::frame_samples(format_); }

 protected:
  explicit Encoder(const CodecFormat& f) : format_(f) {}
  CodecFormat format_;
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  // Decodes one RTP payload into pcm; count = samples written at the format's PCM rate.
  virtual CodecResult decode(std::span<const std::uint8_t> payload,
                             std::span<std::int16_t> pcm) noexcept = 0;
  // Packet loss concealment: fills pcm (a whole number of frames) for a lost packet.
  // next_payload, when the following packet has arrived, lets codecs with in-band FEC
  // (Opus) rebuild the lost audio from it; pass an empty span otherwise.
  virtual CodecResult conceal(std::span<const std::uint8_t> next_payload,
                              std::span<std::int16_t> pcm) noexcept = 0;
  const CodecFormat& format() const { return format_; }
  std::uint32_t frame_samples() const { return codecs::frame_samples(format_); }

 protected:
  explicit Decoder(const CodecFormat& f) : format_(f) {}
  CodecFormat format_;
};

// Encoder tuning that is ours, not the far end's (the far end's wishes are in CodecFormat).
struct EncoderOptions {
  int opus_complexity = 5;         // 0..10
  std::uint32_t opus_bitrate = 0;  // bits/s, 0 = a voice default for the PCM rate
  int opus_loss_percent = 10;      // expected loss when in-band FEC is on
};

// Factories. nullptr with status set when the format is invalid (event payloads, a PCM rate
// the codec lacks, a frame size it cannot do). These allocate: call them at leg setup only.
std::unique_ptr<Encoder> make_encoder(const CodecFormat& f, const EncoderOptions& opt,
                                      CodecStatus* status = nullptr);
std::unique_ptr<Decoder> make_decoder(const CodecFormat& f, CodecStatus* status = nullptr);

}  // namespace dialcore::codecs
