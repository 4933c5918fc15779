#include "dataplane/rtp/stream_rewriter.hpp"

#include <algorithm>

#include "dataplane/rtp/rtp_clock.hpp"
#include "dataplane/rtp/rtp_sequence.hpp"

namespace dialcore::dataplane::rtp {

RtpRewrite StreamRewriter::other_source(std::uint32_t in_ssrc, std::uint16_t in_seq,
                                        std::uint32_t in_ts, std::uint64_t now_ns) noexcept {
  if (has_source_ && !switch_pending_ && has_retired_ && in_ssrc == retired_ssrc_) {
    const SeqStep back = classify_seq_delta(seq_delta(in_seq, retired_max_seq_));
    if (back == SeqStep::Same || back == SeqStep::Behind) return {};  // Stale: late
  }
  return start_source(in_ssrc, in_seq, in_ts, now_ns);
}

RtpRewrite StreamRewriter::jump(std::uint32_t in_ssrc, std::uint16_t in_seq, std::uint32_t in_ts,
                                std::uint64_t now_ns) noexcept {
  // A.1: believe a jump only when the next packet continues from it; drop this one.
  if (in_seq == jump_seq_) return start_source(in_ssrc, in_seq, in_ts, now_ns);
  jump_seq_ = (in_seq + 1u) & (kSeqMod - 1);
  RtpRewrite held;
  held.verdict = RewriteVerdict::Unconfirmed;
  return held;
}

RtpRewrite StreamRewriter::start_source(std::uint32_t in_ssrc, std::uint16_t in_seq,
                                        std::uint32_t in_ts, std::uint64_t now_ns) noexcept {
  std::uint16_t out_seq = first_seq_;
  std::uint32_t out_ts = first_ts_;
  if (has_source_) {
    // Continue from the newest output packet: the next sequence number, and a timestamp that
    // advances by the wall time since it, but at least by its duration (no overlap).
    out_seq = static_cast<std::uint16_t>(in_max_seq_ + seq_offset_ + 1);
    const std::uint64_t elapsed_ns = now_ns > last_out_ns_ ? now_ns - last_out_ns_ : 0;
    out_ts = in_max_ts_ + ts_offset_ + std::max(ns_to_rtp_units(elapsed_ns, clock_hz_), step_ts_);
    if (!switch_pending_ && in_ssrc != in_ssrc_) {
      retired_ssrc_ = in_ssrc_;  // its late packets are now stale
      retired_max_seq_ = in_max_seq_;
      has_retired_ = true;
    }
  }
  seq_offset_ = static_cast<std::uint16_t>(out_seq - in_seq);
  ts_offset_ = out_ts - in_ts;
  in_ssrc_ = in_ssrc;
  in_max_seq_ = in_seq;
  in_max_ts_ = in_ts;
  advanced_ = 0;
  jump_seq_ = kSeqMod + 1;  // matches no sequence number
  last_out_ns_ = now_ns;
  has_source_ = true;
  switch_pending_ = false;
  ++switches_;
  return {ssrc_, out_ts, out_seq, true, RewriteVerdict::Switched};
}

RtpRewrite StreamRewriter::insert(std::uint64_t now_ns) noexcept {
  if (!has_source_) {
    // Nothing sent yet: the inserted packet opens the stream; the first real packet after it
    // starts a source that continues from it.
    has_source_ = true;
    switch_pending_ = true;
    in_max_seq_ = first_seq_;
    in_max_ts_ = first_ts_;
    seq_offset_ = 0;
    ts_offset_ = 0;
    last_out_ns_ = now_ns;
    return {ssrc_, first_ts_, first_seq_, false, RewriteVerdict::Mapped};
  }
  ++seq_offset_;  // in_max_seq_ + seq_offset_ stays the newest output sequence number
  return {ssrc_, timestamp_at(now_ns), static_cast<std::uint16_t>(in_max_seq_ + seq_offset_),
          false, RewriteVerdict::Mapped};
}

std::uint32_t StreamRewriter::timestamp_at(std::uint64_t now_ns) const noexcept {
  if (!has_source_) return first_ts_;
  const std::uint64_t elapsed_ns = now_ns > last_out_ns_ ? now_ns - last_out_ns_ : 0;
  return in_max_ts_ + ts_offset_ + ns_to_rtp_units(elapsed_ns, clock_hz_);
}

void StreamRewriter::set_clock_rate(std::uint32_t clock_hz) noexcept {
  if (clock_hz == clock_hz_) return;
  // The last packet's duration in the new units, so the rebase still avoids overlap.
  step_ts_ = clock_hz_ == 0
                 ? 0
                 : static_cast<std::uint32_t>(std::uint64_t{step_ts_} * clock_hz / clock_hz_);
  clock_hz_ = clock_hz;
  switch_source();
}

}  // namespace dialcore::dataplane::rtp
