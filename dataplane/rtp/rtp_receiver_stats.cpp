#include "dataplane/rtp/rtp_receiver_stats.hpp"

#include "dataplane/rtp/rtp_clock.hpp"
#include "dataplane/rtp/rtp_sequence.hpp"

namespace dialcore::dataplane::rtp {

void RtpReceiverStats::set_clock_rate(std::uint32_t clock_hz) noexcept {
  if (clock_hz == clock_hz_) return;
  clock_hz_ = clock_hz;
  have_transit_ = false;  // transit times in the old units cannot be compared with new ones
}

void RtpReceiverStats::init_seq(std::uint16_t seq) noexcept {
  base_seq_ = seq;
  max_seq_ = seq;
  bad_seq_ = kSeqMod + 1;  // matches no sequence number
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
  window_ = 1;
}

SeqVerdict RtpReceiverStats::on_packet(std::uint32_t ssrc, std::uint16_t seq,
                                       std::uint32_t rtp_ts, std::uint64_t now_ns) noexcept {
  if (!started_ || ssrc != ssrc_) {
    // A.1: a new source starts on probation; this packet counts as its first in sequence.
    source_changes_ += started_ ? 1 : 0;
    started_ = true;
    ssrc_ = ssrc;
    init_seq(seq);
    probation_ = kMinSequential - 1;
    have_transit_ = false;
    have_sr_ = false;
    jitter_q4_ = 0;
    return SeqVerdict::First;
  }

  const std::uint16_t delta = seq_delta(seq, max_seq_);
  if (probation_ > 0) {
    max_seq_ = seq;
    if (delta != 1) {
      probation_ = kMinSequential - 1;  // out of sequence: start counting again
      return SeqVerdict::Probation;
    }
    if (--probation_ > 0) return SeqVerdict::Probation;
    init_seq(seq);
    received_ = 1;
    update_jitter(rtp_ts, now_ns);
    return SeqVerdict::InOrder;
  }

  switch (classify_seq_delta(delta)) {
    case SeqStep::Ahead:
      if (seq < max_seq_) cycles_ += kSeqMod;  // wrapped
      max_seq_ = seq;
      window_ = delta >= kWindowPackets ? 1 : (window_ << delta | 1);
      ++received_;
      update_jitter(rtp_ts, now_ns);
      return SeqVerdict::InOrder;
    case SeqStep::Same:
      ++received_;
      ++duplicates_;
      return SeqVerdict::Duplicate;
    case SeqStep::Behind:
      ++received_;
      return behind(static_cast<std::uint16_t>(kSeqMod - delta), rtp_ts, now_ns);
    case SeqStep::Jump:
      if (seq != bad_seq_) {
        bad_seq_ = (seq + 1u) & (kSeqMod - 1);
        return SeqVerdict::Jump;
      }
      // Two packets in sequence after the jump: the source restarted (A.1). Jitter goes on,
      // but not across the restart, whose timestamps likely jumped too.
      init_seq(seq);
      received_ = 1;
      ++restarts_;
      have_transit_ = false;
      update_jitter(rtp_ts, now_ns);
      return SeqVerdict::Restart;
  }
  return SeqVerdict::Jump;  // unreachable: the switch covers every SeqStep
}

// A packet 1 .. kMaxMisorder-1 behind the highest. Inside the window its bit tells a duplicate
// from a late first copy; further back we cannot tell and call it reordered.
SeqVerdict RtpReceiverStats::behind(std::uint16_t back, std::uint32_t rtp_ts,
                                    std::uint64_t now_ns) noexcept {
  if (back < kWindowPackets) {
    const std::uint64_t bit = std::uint64_t{1} << back;
    if ((window_ & bit) != 0) {
      ++duplicates_;
      return SeqVerdict::Duplicate;
    }
    window_ |= bit;
  }
  ++reordered_;
  update_jitter(rtp_ts, now_ns);
  return SeqVerdict::Reordered;
}

// A.8: D = (Rj - Ri) - (Sj - Si) = transit_j - transit_i; J += (|D| - J) / 16, kept x16 in an
// integer: J16 += |D| - (J16 + 8) / 16. Arrival converted to RTP units at the stream's clock,
// modulo 2^32 like the timestamps: only differences matter.
void RtpReceiverStats::update_jitter(std::uint32_t rtp_ts, std::uint64_t now_ns) noexcept {
  const std::uint32_t transit = ns_to_rtp_units(now_ns, clock_hz_) - rtp_ts;
  if (have_transit_) {
    const std::uint32_t diff = transit - transit_;
    const std::uint32_t d = diff > 0x80000000u ? 0u - diff : diff;  // |diff| as int32
    jitter_q4_ = jitter_q4_ + d - ((jitter_q4_ + 8) >> 4);
  }
  transit_ = transit;
  have_transit_ = true;
}

void RtpReceiverStats::on_sender_report(std::uint64_t ntp, std::uint64_t now_ns) noexcept {
  lsr_ = ntp_middle32(ntp);
  sr_arrival_ns_ = now_ns;
  have_sr_ = true;
}

std::uint32_t RtpReceiverStats::expected() const noexcept {
  return valid() ? extended_highest() - base_seq_ + 1 : 0;
}

std::int64_t RtpReceiverStats::cumulative_lost() const noexcept {
  return std::int64_t{expected()} - received_;
}

RtcpReportBlock RtpReceiverStats::report_block(std::uint64_t now_ns) noexcept {
  RtcpReportBlock block;
  block.ssrc = ssrc_;
  if (!valid()) return block;

  const std::uint32_t expected_now = expected();
  const std::int64_t lost = cumulative_lost();
  block.cumulative_lost = static_cast<std::int32_t>(
      lost > kMaxCumulativeLost ? kMaxCumulativeLost
                                : (lost < kMinCumulativeLost ? kMinCumulativeLost : lost));

  // A.3: fraction lost over the interval since the last report, 8-bit fixed point.
  const std::uint32_t expected_interval = expected_now - expected_prior_;
  const std::uint32_t received_interval = received_ - received_prior_;
  expected_prior_ = expected_now;
  received_prior_ = received_;
  const std::int64_t lost_interval = std::int64_t{expected_interval} - received_interval;
  if (expected_interval != 0 && lost_interval > 0) {
    const std::int64_t fraction = (lost_interval << 8) / expected_interval;
    block.fraction_lost = static_cast<std::uint8_t>(fraction > 255 ? 255 : fraction);  // all lost
  }

  block.highest_seq = extended_highest();
  block.jitter = jitter();
  if (have_sr_) {
    block.lsr = lsr_;
    // DLSR in 1/65536 s; a now before the SR's arrival (cannot happen on one clock) reads 0.
    const std::uint64_t delay_ns = now_ns > sr_arrival_ns_ ? now_ns - sr_arrival_ns_ : 0;
    block.dlsr = static_cast<std::uint32_t>(ns_to_ticks(delay_ns, 65536));
  }
  return block;
}

}  // namespace dialcore::dataplane::rtp
