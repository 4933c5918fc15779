#include "dataplane/worker/transcoder.hpp"

#include <algorithm>
#include <cstring>

namespace dialcore::dataplane {
namespace {

// Losses longer than this are a stream restart, not something to conceal packet by packet.
constexpr std::uint16_t kMaxConcealPackets = 5;

}  // namespace

std::unique_ptr<Transcoder> Transcoder::create(const CodecSpec& in, const CodecSpec& out) {
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
  return t;
}

bool Transcoder::decode(std::span<const std::uint8_t> payload, std::uint16_t seq) noexcept {
  if (have_seq_) {
    const auto gap = static_cast<std::uint16_t>(seq - last_seq_);
    if (gap == 0 || gap > 0x8000) return true;  // duplicate or late: already played around it
    if (gap > 1 && gap - 1 <= kMaxConcealPackets) {
      for (std::uint16_t i = 1; i < gap; ++i) {
        if (queue_.size() - queued_ < in_samples_) break;
        const auto r = decoder_->conceal(payload, std::span<std::int16_t>(queue_.data() + queued_, in_samples_));
        if (!r.ok()) break;
        queued_ += r.count;
        ++concealed_;
      }
    }
  }
  have_seq_ = true;
  last_seq_ = seq;
  const std::span<std::int16_t> room(queue_.data() + queued_, queue_.size() - queued_);
  const auto r = decoder_->decode(payload, room);
  if (!r.ok()) {
    ++decode_errors_;
    return false;
  }
  queued_ += r.count;
  return true;
}

void Transcoder::consume(std::size_t n) noexcept {
  std::memmove(queue_.data(), queue_.data() + n, (queued_ - n) * sizeof(std::int16_t));
  queued_ -= n;
}

}  // namespace dialcore::dataplane
