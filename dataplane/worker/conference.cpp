#include "dataplane/worker/conference.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace dialcore::dataplane {

std::size_t PcmFifo::push(std::span<const std::int16_t> pcm) noexcept {
  std::size_t dropped = 0;
  if (pcm.size() > buf_.size()) {  // a packet longer than the FIFO: keep its newest part
    dropped += pcm.size() - buf_.size();
    pcm = pcm.last(buf_.size());
  }
  if (queued_ + pcm.size() > buf_.size()) {
    const std::size_t drop = queued_ + pcm.size() - buf_.size();
    std::memmove(buf_.data(), buf_.data() + drop, (queued_ - drop) * sizeof(std::int16_t));
    queued_ -= drop;
    dropped += drop;
  }
  std::memcpy(buf_.data() + queued_, pcm.data(), pcm.size() * sizeof(std::int16_t));
  queued_ += pcm.size();
  return dropped;
}

bool PcmFifo::pop(std::span<std::int16_t, kFrame> frame) noexcept {
  if (queued_ < kFrame) return false;
  std::memcpy(frame.data(), buf_.data(), kFrame * sizeof(std::int16_t));
  queued_ -= kFrame;
  std::memmove(buf_.data(), buf_.data() + kFrame, queued_ * sizeof(std::int16_t));
  return true;
}

void mix_minus(std::span<const std::int32_t, PcmFifo::kFrame> sum,
               std::span<const std::int16_t, PcmFifo::kFrame> own,
               std::span<std::int16_t, PcmFifo::kFrame> out) noexcept {
  constexpr std::int32_t lo = std::numeric_limits<std::int16_t>::min();
  constexpr std::int32_t hi = std::numeric_limits<std::int16_t>::max();
  for (std::size_t i = 0; i < PcmFifo::kFrame; ++i) {
    out[i] = static_cast<std::int16_t>(std::clamp(sum[i] - own[i], lo, hi));
  }
}

Conference::AddStatus Conference::make_member(const CodecSpec& send, Member& m) {
  codecs::CodecFormat f = send.format;
  if (f.id == codecs::CodecId::TelephoneEvent) return AddStatus::Unsupported;
  if (f.id == codecs::CodecId::Opus) {
    f.sample_rate_hz = 8000;  // Opus codes 8 kHz natively: no resampler needed
    f.frame_ms = send.ptime_ms;
  }
  if (f.sample_rate_hz != 8000 || send.ptime_ms == 0 || send.ptime_ms > codecs::kMaxPacketMs ||
      send.ptime_ms % f.frame_ms != 0 || send.ptime_ms % 10 != 0) {
    return AddStatus::Unsupported;
  }
  m.decoder = codecs::make_decoder(f);
  m.encoder = codecs::make_encoder(f, {});
  if (!m.decoder || !m.encoder) return AddStatus::Unsupported;
  m.rx_codec = f.id;
  m.payload_type = send.payload_type;
  m.out_samples = 8 * send.ptime_ms;
  m.ts_step = f.rtp_clock_hz / 1000 * send.ptime_ms;
  return AddStatus::Ok;
}

Conference::AddStatus Conference::add(LegId leg, const CodecSpec& send, std::uint32_t ts_seed,
                                      std::uint16_t seq_seed) {
  if (count_ >= members_.size()) return AddStatus::Full;
  Member& m = members_[count_];
  const AddStatus st = make_member(send, m);
  if (st != AddStatus::Ok) return st;
  m.leg = leg;
  m.ts = ts_seed;
  m.seq = seq_seed;
  m.in.clear();
  m.out_queued = 0;
  m.underruns = m.overrun_samples = m.encode_errors = 0;
  ++count_;
  return AddStatus::Ok;
}

bool Conference::remove(LegId leg) noexcept {
  const int i = find(leg);
  if (i < 0) return false;
  // Swap with the last member; the codecs move, nothing is freed here.
  std::swap(members_[static_cast<std::size_t>(i)], members_[count_ - 1]);
  --count_;
  return true;
}

int Conference::find(LegId leg) const noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (members_[i].leg == leg) return static_cast<int>(i);
  }
  return -1;
}

void Conference::consume(Member& m, std::size_t n) noexcept {
  std::memmove(m.out.data(), m.out.data() + n, (m.out_queued - n) * sizeof(std::int16_t));
  m.out_queued -= n;
}

}  // namespace dialcore::dataplane
