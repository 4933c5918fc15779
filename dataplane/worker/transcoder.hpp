#pragma once
// Transcoder: audio from one leg to its bridged peer when their codecs differ. Decodes what the
// leg receives (concealing lost packets with the codec's PLC), queues the PCM, and encodes it
// in the peer's codec and ptime. Both codecs run at one PCM rate: Opus runs at the other
// side's rate (it codes 8/16/48 kHz natively); two fixed-rate codecs of different rates (L16
// 16 kHz and G.711) would need a resampler, which this build does not have (Unsupported).
//
// Allocates at creation (codec state, the PCM queue); push() never allocates.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "codecs/codec.hpp"
#include "dataplane/api/codec_spec.hpp"

namespace dialcore::dataplane {

class Transcoder {
 public:
  // nullptr when the pair cannot be transcoded here.
  static std::unique_ptr<Transcoder> create(const CodecSpec& in, const CodecSpec& out);

  // One received payload with its RTP sequence number. For every output packet that becomes
  // ready, calls emit(std::span<const std::uint8_t> payload, std::uint32_t rtp_ts_step).
  // Returns false when the payload did not decode (a counted drop; the stream goes on).
  template <typename Emit>
  bool push(std::span<const std::uint8_t> payload, std::uint16_t seq, Emit&& emit) noexcept {
    return push(payload, seq, [](std::span<std::int16_t>) noexcept {}, emit);
  }
  // The same, with the per-leg frame hook before encode (issue 4's DSP tap): tap(pcm) sees, and
  // may rewrite in place, the samples this payload decoded to (concealed ones included).
  template <typename Tap, typename Emit>
  bool push(std::span<const std::uint8_t> payload, std::uint16_t seq, Tap&& tap, Emit&& emit) noexcept {
    const std::size_t before = queued_;
    if (!decode(payload, seq)) return false;
    if (queued_ > before) tap(std::span<std::int16_t>(queue_.data() + before, queued_ - before));
    while (queued_ >= out_samples_) {
      const codecs::CodecResult r =
          encoder_->encode(std::span<const std::int16_t>(queue_.data(), out_samples_), wire_);
      consume(out_samples_);
      if (r.ok() && r.count > 0) emit(std::span<const std::uint8_t>(wire_.data(), r.count), ts_step_);
      if (!r.ok()) ++encode_errors_;
    }
    return true;
  }

  std::uint32_t pcm_rate_hz() const { return rate_hz_; }
  std::uint32_t concealed_packets() const { return concealed_; }
  std::uint32_t decode_errors() const { return decode_errors_; }
  std::uint32_t encode_errors() const { return encode_errors_; }

 private:
  Transcoder() = default;
  bool decode(std::span<const std::uint8_t> payload, std::uint16_t seq) noexcept;
  void consume(std::size_t n) noexcept;

  std::unique_ptr<codecs::Decoder> decoder_;
  std::unique_ptr<codecs::Encoder> encoder_;
  std::vector<std::int16_t> queue_;  // PCM waiting to be encoded, oldest first
  std::size_t queued_ = 0;
  std::size_t in_samples_ = 0;       // one received packet, at rate_hz_
  std::size_t out_samples_ = 0;      // one packet we send, at rate_hz_
  std::uint32_t ts_step_ = 0;        // RTP timestamp advance per packet we send
  std::uint32_t rate_hz_ = 8000;
  std::uint16_t last_seq_ = 0;
  bool have_seq_ = false;
  std::uint32_t concealed_ = 0, decode_errors_ = 0, encode_errors_ = 0;
  std::array<std::uint8_t, 1500> wire_{};
};

}  // namespace dialcore::dataplane
