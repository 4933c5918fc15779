#include "dataplane/rtp/telephone_event_sender.hpp"

#include <algorithm>

namespace dialcore::dataplane::rtp {

bool TelephoneEventSender::enqueue(std::uint8_t event, std::uint32_t duration_ms) noexcept {
  const std::uint64_t d = std::uint64_t{duration_ms} * config_.clock_hz / 1000;
  if (queued_ >= kQueueCapacity || d == 0 || d > 0xFFFF) return false;
  queue_[(head_ + queued_) % kQueueCapacity] = Key{event, static_cast<std::uint16_t>(d)};
  ++queued_;
  return true;
}

void TelephoneEventSender::clear() noexcept {
  queued_ = 0;
  phase_ = Phase::Idle;
}

std::uint16_t TelephoneEventSender::units(std::uint64_t ns) const noexcept {
  const std::uint64_t u = ns * config_.clock_hz / 1'000'000'000;
  return static_cast<std::uint16_t>(std::min<std::uint64_t>(u, key_.duration));
}

std::size_t TelephoneEventSender::poll(std::uint64_t now_ns, StreamRewriter& stream, std::uint8_t pt,
                                       std::span<TelephoneEventPacket> out) noexcept {
  const std::uint64_t interval_ns = std::uint64_t{config_.interval_ms} * 1'000'000;
  std::size_t n = 0;
  auto emit = [&](bool marker, bool end, std::uint16_t duration) noexcept {
    const RtpRewrite slot = stream.insert(now_ns);
    out[n++] = TelephoneEventPacket{{slot.ssrc, ts_, slot.sequence, pt, marker},
                                    {key_.event, end, config_.volume, duration}};
  };
  while (n < out.size()) {
    switch (phase_) {
      case Phase::Idle:
        if (queued_ == 0) return n;
        key_ = queue_[head_];
        head_ = static_cast<std::uint8_t>((head_ + 1) % kQueueCapacity);
        --queued_;
        ts_ = stream.timestamp_at(now_ns);  // the audio timestamp of now
        start_ns_ = now_ns;
        phase_ = Phase::Sounding;
        next_ns_ = now_ns + interval_ns;
        emit(true, false, 0);
        break;
      case Phase::Sounding: {
        if (now_ns < next_ns_) return n;
        const std::uint16_t d = units(now_ns - start_ns_);
        if (d >= key_.duration) {
          phase_ = Phase::Ending;
          ends_sent_ = 0;
          next_ns_ = now_ns;
          break;
        }
        emit(false, false, d);
        next_ns_ += interval_ns;
        break;
      }
      case Phase::Ending:
        if (now_ns < next_ns_) return n;
        emit(false, true, key_.duration);
        next_ns_ += interval_ns;
        if (++ends_sent_ == kEndRepeats) {
          phase_ = Phase::Gap;
          next_ns_ = now_ns + std::uint64_t{config_.gap_ms} * 1'000'000;
        }
        break;
      case Phase::Gap:
        if (now_ns < next_ns_) return n;
        phase_ = Phase::Idle;
        if (queued_ == 0) return n;
        break;
    }
  }
  return n;
}

}  // namespace dialcore::dataplane::rtp
