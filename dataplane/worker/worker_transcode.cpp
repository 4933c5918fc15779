// Transcoded legs (issue 3): what a leg receives goes through its Transcoder into the peer's
// codec. With the jitter buffer (WorkerConfig::jitter_buffer, the default) packets are filed
// as they arrive and played out on the worker's clock, one ptime per frame, each turn.
#include <cstring>

#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/worker/worker.hpp"

namespace dialcore::dataplane {

void Worker::forward_transcoded(Leg& leg, Leg& peer, const rtp::RtpPacket& rtp,
                                std::span<const std::uint8_t> payload, std::uint64_t now_ns) noexcept {
  if (peer.send_format() == nullptr) return;
  Transcoder& t = *leg.transcoder;
  if (t.buffered()) {
    // Cost: JitterBuffer::push + pull 28-47 ns per packet beside the decode it defers; the
    // whole G.729 -> PCMU path with the buffer vs without: 0.98-1.10 x (`dialbench dataplane
    // --backend dpdk --only transcode_jb`, noisy: builds running beside it).
    if (t.receive(rtp.ssrc, rtp.sequence, rtp.timestamp, payload, now_ns) == rtp::PushResult::Late) {
      ++leg.counters.late;
      stats_.add(WorkerCounter::JbLate);
    }
    return play_transcoded(leg, peer, now_ns);  // a frame may be due already (min delay 0)
  }
  const std::uint32_t concealed_before = t.concealed_packets();
  const bool ok = t.push(
      payload, rtp.sequence,
      [&](std::span<std::int16_t> pcm) noexcept { tap_transcoded(leg, peer, pcm, now_ns); },
      [&](std::span<const std::uint8_t> coded, std::uint32_t ts_step) noexcept {
        send_transcoded(leg, peer, coded, ts_step, now_ns);
      });
  if (!ok) ++leg.counters.malformed;
  const std::uint32_t concealed = t.concealed_packets() - concealed_before;
  leg.counters.concealed += concealed;
  if (concealed > 0) stats_.add(WorkerCounter::JbConcealed, concealed);
}

void Worker::play_transcoded(Leg& leg, Leg& peer, std::uint64_t now_ns) noexcept {
  const std::uint32_t concealed = leg.transcoder->play(
      now_ns,
      [&](std::span<std::int16_t> pcm) noexcept { tap_transcoded(leg, peer, pcm, now_ns); },
      [&](std::span<const std::uint8_t> coded, std::uint32_t ts_step) noexcept {
        send_transcoded(leg, peer, coded, ts_step, now_ns);
      });
  if (concealed > 0) {
    leg.counters.concealed += concealed;
    stats_.add(WorkerCounter::JbConcealed, concealed);
  }
}

// Each turn: the frames due on every listed leg. A leg whose transcoder is gone (unbridged,
// destroyed, codecs changed to pass-through) leaves the list; one that stopped forwarding
// (hold, mute, peer gone) has its buffer emptied, to start afresh on its next packet.
// Cost with nothing due: a lookup and a compare per transcoded leg.
void Worker::poll_transcoders(std::uint64_t now_ns) noexcept {
  for (std::size_t i = 0; i < transcoding_.size();) {
    Leg* leg = legs_.find(transcoding_[i]);
    if (leg == nullptr || !leg->transcoder || !leg->transcoder->buffered()) {
      if (leg != nullptr) leg->jb_listed = false;
      transcoding_[i] = transcoding_.back();
      transcoding_.pop_back();
      continue;
    }
    ++i;
    const rtp::JitterBuffer* jb = leg->transcoder->jitter_buffer();
    if (!jb->active() || now_ns < jb->next_due_ns()) continue;
    Leg* peer = leg->peer.valid() ? legs_.find(leg->peer) : nullptr;
    if (peer == nullptr || leg->mute || peer->hold || peer->remote.empty()) {
      leg->transcoder->reset_jitter_buffer();
      continue;
    }
    play_transcoded(*leg, *peer, now_ns);
  }
}

// The per-leg frame hook before encode (issue 4): AMD on what the leg received, the DSP tap
// in place, then the recording (after the tap).
void Worker::tap_transcoded(Leg& leg, Leg& peer, std::span<std::int16_t> pcm,
                            std::uint64_t now_ns) noexcept {
  const std::uint32_t rate = leg.transcoder->pcm_rate_hz();
  if (leg.amd) feed_amd(leg, pcm, rate, now_ns);  // what the leg received, before the tap
  if (leg.dsp_tap || peer.dsp_out) {
    if (rate != dsp::DtmfDetector::kSampleRateHz) {
      stats_.add(WorkerCounter::DspUndecodable);
    } else {
      (void)dsp_frame(leg, &peer, pcm, now_ns);  // in place, before encode
    }
  }
  if (records(leg, &peer)) record_received(leg, &peer, pcm, rate, now_ns);  // after the tap
}

void Worker::send_transcoded(Leg& leg, Leg& peer, std::span<const std::uint8_t> coded,
                             std::uint32_t ts_step, std::uint64_t now_ns) noexcept {
  const CodecSpec* out_format = peer.send_format();
  if (out_format == nullptr || playing(peer)) return;  // a prompt replaces the bridged audio
  if (tx_count_ >= kBatch) flush();
  Packet* out = nullptr;
  if (io_.alloc(std::span<Packet*>(&out, 1)) != 1) return;  // pool empty: a counted io drop
  const auto header = rtp::RtpHeaderBytes(out->data, rtp::kRtpHeaderBytes);
  // The transcoder is a source of its own (SSRC = our leg id), mapped by the peer's rewriter
  // like any other, so switching between relaying and transcoding keeps the stream clean.
  const auto mapped = peer.out->map(static_cast<std::uint32_t>(leg.id.packed()),
                                    leg.transcoded_seq, leg.transcoded_ts, false, now_ns);
  ++leg.transcoded_seq;
  leg.transcoded_ts += ts_step;
  if (!rtp::sendable(mapped.verdict) ||
      out->capacity < rtp::kRtpHeaderBytes + coded.size() + kSrtpMaxTrailer) {
    drop(out);
    return;
  }
  rtp::write_rtp_header(header, {mapped.ssrc, mapped.timestamp, mapped.sequence,
                                 out_format->payload_type, mapped.marker});
  std::memcpy(out->data + rtp::kRtpHeaderBytes, coded.data(), coded.size());
  out->len = static_cast<std::uint32_t>(rtp::kRtpHeaderBytes + coded.size());
  send_to(peer, out);
}

}  // namespace dialcore::dataplane
