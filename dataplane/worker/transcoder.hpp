#pragma once
// Transcoder: audio from one leg to its bridged peer when their codecs differ. Decodes what the
// leg receives (concealing lost packets with the codec's PLC), queues the PCM, and encodes it
// in the peer's codec and ptime. Both codecs run at one PCM rate: Opus runs at the other
// side's rate (it codes 8/16/48 kHz natively); two fixed-rate codecs of different rates (L16
// 16 kHz and G.711) would need a resampler, which this build does not have (Unsupported).
//
// Two ways in. With the jitter buffer (the worker's default, WorkerConfig::jitter_buffer):
// receive() files each packet in an rtp::JitterBuffer keyed by its RTP timestamp, and play(now)
// decodes the frames due by then, one ptime each, concealing the missing ones with the codec's
// PLC (G.711/L16: codecs::WaveformPlc, G.729: bcg729's frame erasure, Opus: libopus PLC, or
// FEC from the next packet when it is already held); so reordering and jitter up to the
// buffer's delay cost nothing and a loss costs one concealed frame. Without it, push() decodes
// each packet as it arrives and conceals only gaps in the sequence numbers (late packets are
// dropped): no added delay, no protection against jitter. The far end is expected to send the
// negotiated ptime: the buffer plays one such frame per slot.
//
// Allocates at creation (codec state, the PCM queue, the jitter buffer's slots); receive(),
// play() and push() never allocate.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "codecs/codec.hpp"
#include "dataplane/api/codec_spec.hpp"
#include "dataplane/rtp/jitter_buffer.hpp"

namespace dialcore::dataplane {

class Transcoder {
 public:
  struct Options {
    bool jitter_buffer = true;
    std::uint32_t jitter_min_ms = 20;   // rtp::JitterBufferConfig's defaults
    std::uint32_t jitter_max_ms = 120;
  };
  // nullptr when the pair cannot be transcoded here.
  static std::unique_ptr<Transcoder> create(const CodecSpec& in, const CodecSpec& out);
  static std::unique_ptr<Transcoder> create(const CodecSpec& in, const CodecSpec& out,
                                            const Options& options);

  bool buffered() const { return jb_.has_value(); }
  // Jitter buffer on: file one received payload (a counted drop when late, duplicate, too large).
  rtp::PushResult receive(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                          std::span<const std::uint8_t> payload, std::uint64_t now_ns) noexcept {
    return jb_->push(ssrc, seq, ts, payload, now_ns);
  }
  // Jitter buffer on: every frame due at now_ns decoded (or concealed), tapped and encoded, as
  // push() does. Returns the frames concealed.
  template <typename Tap, typename Emit>
  std::uint32_t play(std::uint64_t now_ns, Tap&& tap, Emit&& emit) noexcept {
    std::uint32_t concealed = 0;
    for (rtp::PulledFrame f = jb_->pull(now_ns); f.kind != rtp::PullKind::None; f = jb_->pull(now_ns)) {
      const std::size_t before = queued_;
      if (f.kind == rtp::PullKind::Missing || !decode_frame(f.payload)) {
        if (conceal_frame(f.next)) ++concealed;
      }
      if (queued_ > before) tap(std::span<std::int16_t>(queue_.data() + before, queued_ - before));
      encode_ready(emit);
    }
    return concealed;
  }
  const rtp::JitterBuffer* jitter_buffer() const { return jb_ ? &*jb_ : nullptr; }
  void reset_jitter_buffer() noexcept {
    if (jb_) jb_->reset();
  }

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
    encode_ready(emit);
    return true;
  }

  std::uint32_t pcm_rate_hz() const { return rate_hz_; }
  std::uint32_t concealed_packets() const { return concealed_; }
  std::uint32_t decode_errors() const { return decode_errors_; }
  std::uint32_t encode_errors() const { return encode_errors_; }

 private:
  Transcoder() = default;
  bool decode(std::span<const std::uint8_t> payload, std::uint16_t seq) noexcept;
  bool decode_frame(std::span<const std::uint8_t> payload) noexcept;  // into the queue
  bool conceal_frame(std::span<const std::uint8_t> next) noexcept;    // one packet's worth
  // Every whole output packet queued: encoded and handed to emit.
  template <typename Emit>
  void encode_ready(Emit& emit) noexcept {
    while (queued_ >= out_samples_) {
      const codecs::CodecResult r =
          encoder_->encode(std::span<const std::int16_t>(queue_.data(), out_samples_), wire_);
      consume(out_samples_);
      if (r.ok() && r.count > 0) emit(std::span<const std::uint8_t>(wire_.data(), r.count), ts_step_);
      if (!r.ok()) ++encode_errors_;
    }
  }
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
  std::optional<rtp::JitterBuffer> jb_;
  std::array<std::uint8_t, 1500> wire_{};
};

}  // namespace dialcore::dataplane
