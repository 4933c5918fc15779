#include "dataplane/rtp/jitter_buffer.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "dataplane/rtp/rtp_sequence.hpp"

namespace dialcore::dataplane::rtp {
namespace {

constexpr std::uint32_t kMarginWindow = 32;  // packets per half of the delay measurement
constexpr std::uint32_t kAdjustEvery = 8;
constexpr std::uint32_t kSpreadHold = 128;   // packets the spread's peak is held
constexpr std::int64_t kNoMargin = std::numeric_limits<std::int64_t>::min() / 2;
constexpr std::int64_t kNoMinMargin = std::numeric_limits<std::int64_t>::max() / 2;

std::int64_t ms_to_ns(std::uint32_t ms) { return std::int64_t{ms} * 1'000'000; }

}  // namespace

JitterBuffer::JitterBuffer(const JitterBufferConfig& c)
    : clock_hz_(std::max<std::uint32_t>(c.clock_hz, 1000)),
      frame_ts_(std::max<std::uint32_t>(clock_hz_ / 1000 * std::max<std::uint32_t>(c.frame_ms, 1), 1)),
      frame_ns_(ms_to_ns(std::max<std::uint32_t>(c.frame_ms, 1))),
      min_ns_(ms_to_ns(c.min_delay_ms)),
      max_ns_(std::max(ms_to_ns(c.max_delay_ms), ms_to_ns(c.min_delay_ms))),
      max_payload_(c.max_payload) {
  // The window holds twice the largest delay plus a frame each side: a packet up to max_delay
  // early still has a slot while the buffer runs max_delay behind.
  const std::size_t frames = static_cast<std::size_t>(2 * max_ns_ / frame_ns_) + 2;
  slots_.assign(std::max<std::size_t>(frames, 8), Slot{});
  bytes_.assign(slots_.size() * max_payload_, 0);
  margin_cur_ = margin_prev_ = kNoMargin;
  margin_min_cur_ = margin_min_prev_ = kNoMinMargin;
}

std::int64_t JitterBuffer::ts_to_ns(std::int64_t rtp_units) const {
  return rtp_units * 1'000'000'000 / clock_hz_;
}

// 4 x J covers Gaussian-like jitter (J ~ 1.13 sigma); the spread of transit (how much later
// than the fastest recent packets one arrives) covers a stall and its burst, which J (a mean)
// underrates: a 90 ms stall of five packets moves J by ~11 ms only. Both peaks are held (J's
// decays by 1/256 per packet, the spread's is held for kSpreadHold packets then decays by 1/64
// per packet), so bursts every second keep the delay up between them, and a calm stream comes
// back to min_delay within ~10 s.
std::int64_t JitterBuffer::target_ns() const {
  const std::int64_t spread = spread_peak_ns_ > 0 ? spread_peak_ns_ + frame_ns_ / 4 : 0;
  return std::clamp(std::max(4 * (jitter_peak16_ns_ / 16), spread), min_ns_, max_ns_);
}

std::int64_t JitterBuffer::delay_ns() const {
  return std::max(margin_cur_, margin_prev_);
}

std::uint32_t JitterBuffer::jitter_rtp_ts() const {
  return static_cast<std::uint32_t>(jitter16_ns_ / 16 * clock_hz_ / 1'000'000'000);
}

void JitterBuffer::reset() noexcept {
  for (Slot& s : slots_) s.full = false;
  held_ = 0;
  started_ = false;
  have_last_ = false;
}

// A new stream while frames of the old one are held: the new one continues right after them,
// on the same schedule (nothing accepted is lost); with nothing held it starts afresh.
void JitterBuffer::rebase(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                          std::uint64_t now_ns) noexcept {
  if (held_ == 0) return start(ssrc, seq, ts, now_ns);
  std::size_t end = 0;  // frames up to and including the last one held
  for (std::size_t k = 0; k < slots_.size(); ++k) {
    if (slots_[slot_index(k)].full) end = k + 1;
  }
  play_ts_ = ts - static_cast<std::uint32_t>(end) * frame_ts_;
  note_previous(ssrc);
  for (std::size_t k = 0; k < end; ++k) slots_[slot_index(k)].ts = play_ts_ + static_cast<std::uint32_t>(k) * frame_ts_;
  ssrc_ = ssrc;
  max_seq_ = seq;
}

void JitterBuffer::note_previous(std::uint32_t ssrc) noexcept {
  if (had_stream_ && ssrc != ssrc_) {
    prev_ssrc_ = ssrc_;
    has_prev_ = true;
  }
  had_stream_ = true;
}

void JitterBuffer::start(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                         std::uint64_t now_ns) noexcept {
  for (Slot& s : slots_) s.full = false;
  held_ = 0;
  head_ = 0;
  note_previous(ssrc);
  started_ = true;
  ssrc_ = ssrc;
  max_seq_ = seq;
  play_ts_ = ts;
  const std::int64_t target = target_ns();
  next_due_ns_ = now_ns + static_cast<std::uint64_t>(target);
  margin_cur_ = target;
  margin_prev_ = kNoMargin;
  margin_min_cur_ = target;
  margin_min_prev_ = kNoMinMargin;
  margin_count_ = 0;
  missing_run_ = 0;
  since_adjust_ = kAdjustEvery;  // the first step may come at once
}

// RFC 3550 A.8, in ns: D = (arrival difference) - (timestamp difference); J += (|D| - J) / 16.
void JitterBuffer::update_jitter(std::uint32_t ts, std::uint64_t now_ns) noexcept {
  if (have_last_) {
    const auto ts_step = static_cast<std::int32_t>(ts - last_ts_);
    const std::int64_t d = static_cast<std::int64_t>(now_ns - last_arrival_ns_) - ts_to_ns(ts_step);
    jitter16_ns_ += (d < 0 ? -d : d) - (jitter16_ns_ + 8) / 16;
    jitter_peak16_ns_ = std::max(jitter16_ns_, jitter_peak16_ns_ - (jitter_peak16_ns_ + 128) / 256);
  }
  have_last_ = true;
  last_ts_ = ts;
  last_arrival_ns_ = now_ns;
}

void JitterBuffer::note_margin(std::int64_t margin_ns, bool fastest) noexcept {
  const std::int64_t spread = std::max<std::int64_t>(0, delay_ns() - margin_ns);
  if (spread >= spread_peak_ns_) {
    spread_peak_ns_ = spread;
    spread_hold_ = 0;
  } else if (++spread_hold_ > kSpreadHold) {
    spread_peak_ns_ -= (spread_peak_ns_ + 63) / 64;
  }
  if (fastest) margin_cur_ = std::max(margin_cur_, margin_ns);
  margin_min_cur_ = std::min(margin_min_cur_, margin_ns);
  if (++margin_count_ == kMarginWindow) {
    margin_prev_ = margin_cur_;
    margin_min_prev_ = margin_min_cur_;
    margin_cur_ = kNoMargin;
    margin_min_cur_ = kNoMinMargin;
    margin_count_ = 0;
  }
}

void JitterBuffer::shift_margins(std::int64_t by_ns) noexcept {
  if (margin_cur_ != kNoMargin) margin_cur_ += by_ns;
  if (margin_prev_ != kNoMargin) margin_prev_ += by_ns;
  if (margin_min_cur_ != kNoMinMargin) margin_min_cur_ += by_ns;
  if (margin_min_prev_ != kNoMinMargin) margin_min_prev_ += by_ns;
}

// Cost: ~15-25 ns (a payload copy of 20-160 bytes, the jitter update, a few compares).
PushResult JitterBuffer::push(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                              std::span<const std::uint8_t> payload, std::uint64_t now_ns) noexcept {
  if (payload.empty() || payload.size() > max_payload_) {
    ++stats_.too_large;
    return PushResult::TooLarge;
  }
  if (!started_) {
    have_last_ = false;
    start(ssrc, seq, ts, now_ns);
  }
  std::int32_t d = static_cast<std::int32_t>(ts - play_ts_);
  const SeqStep step = classify_seq_delta(seq_delta(seq, max_seq_));
  const std::int64_t window = std::int64_t{frame_ts_} * static_cast<std::int64_t>(slots_.size());
  // Behind the window with the sequence going on: a new stream, not a late packet.
  const bool jump_back = d < -window && step != SeqStep::Behind;
  if (has_prev_ && ssrc != ssrc_ && ssrc == prev_ssrc_) {  // a straggler of the stream we resynced away from
    ++stats_.late;
    return PushResult::Late;
  }
  if (ssrc != ssrc_ || jump_back || d >= window || step == SeqStep::Jump) {
    ++stats_.resyncs;
    have_last_ = false;  // jitter is per source, and a jump is not jitter
    rebase(ssrc, seq, ts, now_ns);
    d = static_cast<std::int32_t>(ts - play_ts_);
  }
  update_jitter(ts, now_ns);
  // A packet ahead of one still missing (the first of a swap) came early, not fast: it says
  // nothing about the delay in effect, only about the spread.
  const bool early = step == SeqStep::Ahead && seq_delta(seq, max_seq_) > 1;
  note_margin(static_cast<std::int64_t>(next_due_ns_ - now_ns) + ts_to_ns(d), !early);
  if (d < 0) {
    ++stats_.late;
    if (step == SeqStep::Behind) ++stats_.reordered;
    return PushResult::Late;
  }
  if (step == SeqStep::Behind) {
    ++stats_.reordered;
  } else if (step == SeqStep::Ahead) {
    max_seq_ = seq;
  }
  const std::size_t i = slot_index(static_cast<std::uint32_t>(d) / frame_ts_);
  Slot& slot = slots_[i];
  if (slot.full) {
    if (slot.ts == ts) {
      ++stats_.duplicates;
      return PushResult::Duplicate;
    }
    ++stats_.collisions;
    return PushResult::Collision;
  }
  slot.full = true;
  slot.ts = ts;
  slot.len = static_cast<std::uint16_t>(payload.size());
  std::memcpy(bytes_.data() + i * max_payload_, payload.data(), payload.size());
  ++held_;
  ++stats_.queued;
  return PushResult::Queued;
}

void JitterBuffer::advance() noexcept {
  head_ = (head_ + 1) % slots_.size();
  play_ts_ += frame_ts_;
  next_due_ns_ += static_cast<std::uint64_t>(frame_ns_);
  ++since_adjust_;
}

// Cost: ~5-10 ns per frame (an index, a compare, the adaptation check).
PulledFrame JitterBuffer::pull(std::uint64_t now_ns) noexcept {
  if (!started_ || now_ns < next_due_ns_) return {};
  Slot* slot = &slots_[head_];
  if (since_adjust_ >= kAdjustEvery) {
    const std::int64_t target = target_ns(), delay = delay_ns();
    if (delay < target) {
      // Stretch: this frame is played one frame later; conceal one in its place.
      since_adjust_ = 0;
      ++stats_.stretched;
      ++stats_.missing;
      next_due_ns_ += static_cast<std::uint64_t>(frame_ns_);
      shift_margins(frame_ns_);
      return {PullKind::Missing, {}, slot->full ? bytes_of(head_) : std::span<const std::uint8_t>{}, play_ts_};
    }
    if (delay >= target + frame_ns_ && held_ > 1) {
      // Shrink: skip this frame (no glitch when it is missing anyway), play the next one now.
      since_adjust_ = 0;
      ++stats_.shrunk;
      if (slot->full) {
        ++stats_.dropped_frames;
        slot->full = false;
        --held_;
      }
      head_ = (head_ + 1) % slots_.size();
      play_ts_ += frame_ts_;
      shift_margins(-frame_ns_);
      slot = &slots_[head_];
    }
  }
  const std::uint32_t ts = play_ts_;
  const bool here = slot->full && static_cast<std::uint32_t>(slot->ts - ts) < frame_ts_;
  PulledFrame out;
  out.timestamp = ts;
  if (here) {
    out.kind = PullKind::Frame;
    out.payload = bytes_of(head_);
    slot->full = false;
    --held_;
    missing_run_ = 0;
    ++stats_.played;
  } else {
    out.kind = PullKind::Missing;
    const std::size_t n = slot_index(1);
    if (slots_[n].full) out.next = bytes_of(n);
    ++missing_run_;
    ++stats_.missing;
  }
  advance();
  // A far end that stopped: after max_delay of nothing with nothing held, go idle.
  if (out.kind == PullKind::Missing && held_ == 0 &&
      std::int64_t{missing_run_} * frame_ns_ > max_ns_) {
    started_ = false;
    have_last_ = false;
  }
  return out;
}

}  // namespace dialcore::dataplane::rtp
