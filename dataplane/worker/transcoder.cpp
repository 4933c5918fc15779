#include "dataplane/worker/transcoder.hpp"

#include <algorithm>
#include <cstring>

namespace dialcore::dataplane {
namespace {

// Losses longer than this are a stream restart, not something to conceal packet by packet.
constexpr std::uint16_t kMaxConcealPackets = 5;

// The largest payload one jitter-buffer slot takes: kMaxPacketMs of the codec, within an RTP
// packet (G.711 960 B, G.729 150 B with a SID, Opus 1275 B, L16 the packet limit).
std::size_t max_payload_bytes(const codecs::CodecFormat& f) {
  constexpr std::size_t kPacketLimit = 2048 - 12;
  switch (f.id) {
    case codecs::CodecId::Pcmu:
    case codecs::CodecId::Pcma: return f.sample_rate_hz / 1000 * codecs::kMaxPacketMs;
    case codecs::CodecId::G729: return 10 * codecs::kMaxPacketMs / 10 + 2;
    case codecs::CodecId::Opus: return 1275;
    default: return kPacketLimit;
  }
}

}  // namespace

std::unique_ptr<Transcoder> Transcoder::create(const CodecSpec& in, const CodecSpec& out) {
  return create(in, out, Options{});
}

std::unique_ptr<Transcoder> Transcoder::create(const CodecSpec& in, const CodecSpec& out,
                                               const Options& options) {
  codecs::CodecFormat fin = in.format, fout = out.format;
  const bool in_opus = fin.id == codecs::CodecId::Opus, out_opus = fout.id == codecs::CodecId::Opus;
  if (in_opus && !out_opus) fin.sample_rate_hz = fout.sample_rate_hz;
  if (out_opus && !in_opus) fout.sample_rate_hz = fin.sample_rate_hz;
  if (in_opus && out_opus) fin.sample_rate_hz = fout.sample_rate_hz = std::min(fin.sample_rate_hz, fout.sample_rate_hz);
  if (fin.sample_rate_hz != fout.sample_rate_hz) return nullptr;
  // Opus codes one frame per packet: its frame is the packet.
  if (out_opus) fout.frame_ms = out.ptime_ms;
  if (in_opus) fin.frame_ms = in.ptime_ms;
  if (in.ptime_ms == 0 || out.ptime_ms == 0 || in.ptime_ms % fin.frame_ms != 0 ||
      out.ptime_ms % fout.frame_ms != 0) {
    return nullptr;
  }
  std::unique_ptr<Transcoder> t(new Transcoder());
  t->decoder_ = codecs::make_decoder(fin);
  t->encoder_ = codecs::make_encoder(fout, {});
  if (!t->decoder_ || !t->encoder_) return nullptr;
  t->rate_hz_ = fin.sample_rate_hz;
  t->in_samples_ = t->rate_hz_ / 1000 * in.ptime_ms;
  t->out_samples_ = t->rate_hz_ / 1000 * out.ptime_ms;
  t->ts_step_ = fout.rtp_clock_hz / 1000 * out.ptime_ms;
  // Room for the longest packet decoded (or a run of concealed ones) on top of a partial packet.
  const std::size_t max_decoded = t->rate_hz_ / 1000 * codecs::kMaxPacketMs;
  t->queue_.assign(t->out_samples_ + std::max<std::size_t>(max_decoded, t->in_samples_ * (kMaxConcealPackets + 1)), 0);
  if (options.jitter_buffer) {
    rtp::JitterBufferConfig jc;
    jc.clock_hz = fin.rtp_clock_hz;
    jc.frame_ms = in.ptime_ms;
    jc.min_delay_ms = options.jitter_min_ms;
    jc.max_delay_ms = options.jitter_max_ms;
    jc.max_payload = static_cast<std::uint32_t>(max_payload_bytes(fin));
    t->jb_.emplace(jc);
  }
  return t;
}

bool Transcoder::decode_frame(std::span<const std::uint8_t> payload) noexcept {
  const std::span<std::int16_t> room(queue_.data() + queued_, queue_.size() - queued_);
  const auto r = decoder_->decode(payload, room);
  if (!r.ok()) {
    ++decode_errors_;
    return false;
  }
  queued_ += r.count;
  return true;
}

bool Transcoder::conceal_frame(std::span<const std::uint8_t> next) noexcept {
  if (queue_.size() - queued_ < in_samples_) return false;
  const auto r = decoder_->conceal(next, std::span<std::int16_t>(queue_.data() + queued_, in_samples_));
  if (!r.ok()) return false;
  queued_ += r.count;
  ++concealed_;
  return true;
}

bool Transcoder::decode(std::span<const std::uint8_t> payload, std::uint16_t seq) noexcept {
  if (have_seq_) {
    const auto gap = static_cast<std::uint16_t>(seq - last_seq_);
    if (gap == 0 || gap > 0x8000) return true;  // duplicate or late: already played around it
    if (gap > 1 && gap - 1 <= kMaxConcealPackets) {
      for (std::uint16_t i = 1; i < gap; ++i) {
        if (!conceal_frame(payload)) break;
      }
    }
  }
  have_seq_ = true;
  last_seq_ = seq;
  return decode_frame(payload);
}

void Transcoder::consume(std::size_t n) noexcept {
  std::memmove(queue_.data(), queue_.data() + n, (queued_ - n) * sizeof(std::int16_t));
  queued_ -= n;
}

}  // namespace dialcore::dataplane
