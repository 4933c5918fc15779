// The worker's DTMF (issue 4): RFC 4733 receive and send per leg, the per-leg DSP tap on decoded
// audio (in-band detection, PCI masking, in-band keys out), and their commands. Packet-path
// functions never allocate, lock or make system calls: DSP objects come from preallocated pools.
#include <algorithm>
#include <cstring>

#include "codecs/g711.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/worker/worker.hpp"

namespace dialcore::dataplane {
namespace {

constexpr std::uint64_t kNsPerSample8k = 125'000;  // 8 kHz

bool is_g711(codecs::CodecId id) {
  return id == codecs::CodecId::Pcmu || id == codecs::CodecId::Pcma;
}

const CodecSpec* event_format(const Leg& leg) {
  for (std::uint8_t i = 0; i < leg.format_count; ++i) {
    if (leg.formats[i].format.id == codecs::CodecId::TelephoneEvent) return &leg.formats[i];
  }
  return nullptr;
}

std::uint32_t to_ms(std::uint64_t units, std::uint32_t clock_hz) {
  return clock_hz == 0 ? 0 : static_cast<std::uint32_t>(units * 1000 / clock_hz);
}

dsp::DtmfMaskConfig mask_config(const MaskDtmfArgs& a) {
  dsp::DtmfMaskConfig c;
  c.fill = a.fill == DtmfMaskFillMode::Silence       ? dsp::DtmfMaskFill::Silence
           : a.fill == DtmfMaskFillMode::NeutralTone ? dsp::DtmfMaskFill::NeutralTone
                                                     : dsp::DtmfMaskFill::ComfortNoise;
  c.uniform_cadence = a.uniform_cadence;
  if (a.cadence_slot_ms != 0) c.cadence_slot_ms = a.cadence_slot_ms;
  if (a.cadence_hold_ms != 0) c.cadence_hold_ms = a.cadence_hold_ms;
  return c;
}

}  // namespace

// The DSP works on 8 kHz audio the worker can decode: G.711 as relayed, or whatever a transcoder
// from this leg decodes at 8 kHz. Before codecs are set, anything goes (counted at run time).
bool Worker::can_tap(const Leg& leg) const noexcept {
  if (leg.conference) return true;  // a member's audio is always decoded at 8 kHz
  if (leg.transcoder) return leg.transcoder->pcm_rate_hz() == dsp::DtmfDetector::kSampleRateHz;
  const CodecSpec* f = leg.send_format();
  return f == nullptr || is_g711(f->format.id);
}

void Worker::sync_dsp_flags(Leg& leg) noexcept {
  const LegDtmf& d = dtmf(leg);
  leg.dsp_tap = d.dsp_tap();
  leg.dsp_out = d.generator != kNoSlot;
}

ReplyStatus Worker::set_dtmf(Leg& leg, const SetDtmfArgs& args) noexcept {
  LegDtmf& d = dtmf(leg);
  if (args.inband && d.detector == kNoSlot) {
    if (!can_tap(leg)) return ReplyStatus::Unsupported;
    d.detector = detectors_.acquire();
    if (d.detector == kNoSlot) return ReplyStatus::NoCapacity;
    detectors_[d.detector].reset();
  } else if (!args.inband) {
    detectors_.release(d.detector);
  }
  d.inband = args.inband;
  d.rfc4733 = args.rfc4733;
  sync_dsp_flags(leg);
  return ReplyStatus::Ok;
}

ReplyStatus Worker::mask_dtmf(Leg& leg, const MaskDtmfArgs& args) noexcept {
  LegDtmf& d = dtmf(leg);
  if (!args.arm) {
    if (d.masker != kNoSlot) maskers_[d.masker].disarm();  // released once it has drained
    d.masked = false;
    return ReplyStatus::Ok;
  }
  if (!can_tap(leg)) return ReplyStatus::Unsupported;
  if (d.masker == kNoSlot) {
    d.masker = maskers_.acquire();
    if (d.masker == kNoSlot) return ReplyStatus::NoCapacity;
    maskers_[d.masker] = dsp::DtmfMasker(mask_config(args));  // a copy into the slot: no allocation
  }
  maskers_[d.masker].arm();
  d.masked = true;
  sync_dsp_flags(leg);
  return ReplyStatus::Ok;
}

ReplyStatus Worker::send_dtmf(Leg& leg, const SendDtmfArgs& args, std::uint64_t now_ns) noexcept {
  (void)now_ns;
  if (args.count == 0 || args.count > kMaxSendDtmfKeys || args.duration_ms < 40 ||
      args.duration_ms > 2000) {
    return ReplyStatus::BadArgument;
  }
  for (std::uint8_t i = 0; i < args.count; ++i) {
    if (rtp::dtmf_event_code(args.keys[i]) < 0) return ReplyStatus::BadArgument;
  }
  LegDtmf& d = dtmf(leg);
  const CodecSpec* te = event_format(leg);
  if (te != nullptr && !args.inband) {
    if (!d.tx.busy()) {
      d.tx = rtp::TelephoneEventSender({te->format.rtp_clock_hz, 50, args.gap_ms, 10});
    }
    if (d.tx.room() < args.count) return ReplyStatus::NoCapacity;
    for (std::uint8_t i = 0; i < args.count; ++i) {
      d.tx.enqueue(static_cast<std::uint8_t>(rtp::dtmf_event_code(args.keys[i])), args.duration_ms);
    }
    if (!d.sending) {
      senders_.push_back(leg.id);  // reserved for every leg: never reallocates
      d.sending = true;
    }
    return ReplyStatus::Ok;
  }
  // In-band: tones written over the audio the peer sends this leg, on its way through the tap.
  Leg* peer = leg.peer.valid() ? legs_.find(leg.peer) : nullptr;
  if (peer == nullptr) return ReplyStatus::WrongState;
  const CodecSpec* mine = leg.send_format();
  const bool tappable = peer->transcoder ? peer->transcoder->pcm_rate_hz() == dsp::DtmfDetector::kSampleRateHz
                                         : mine != nullptr && is_g711(mine->format.id);
  if (!tappable) return ReplyStatus::Unsupported;
  if (d.generator == kNoSlot) {
    d.generator = generators_.acquire();
    if (d.generator == kNoSlot) return ReplyStatus::NoCapacity;
    generators_[d.generator].clear();
    sync_dsp_flags(leg);
  }
  for (std::uint8_t i = 0; i < args.count; ++i) {
    dsp::DtmfTone tone;
    tone.digit = args.keys[i];
    tone.on_ms = args.duration_ms;
    tone.off_ms = args.gap_ms;
    if (!generators_[d.generator].enqueue(tone)) return ReplyStatus::NoCapacity;
  }
  return ReplyStatus::Ok;
}

void Worker::release_dtmf(Leg& leg) noexcept {
  LegDtmf& d = dtmf(leg);
  detectors_.release(d.detector);
  maskers_.release(d.masker);
  generators_.release(d.generator);
  d = LegDtmf{};  // a stale entry in senders_ is dropped by the next poll (legs_.find fails)
  sync_dsp_flags(leg);
}

void Worker::post_dtmf(Leg& leg, const DtmfEventArgs& args) noexcept {
  stats_.add(WorkerCounter::DtmfKeys);
  if (args.masked) stats_.add(WorkerCounter::DtmfMaskedKeys);
  if (!endpoint_.post(make_event(EventType::Dtmf, leg.id, args))) {
    stats_.add(WorkerCounter::EventsDropped);
  }
}

void Worker::report_telephone_event(Leg& leg, const rtp::TelephoneEventReport& r) noexcept {
  const LegDtmf& d = dtmf(leg);
  if (!d.rfc4733 && !d.masked) return;
  const char key = rtp::dtmf_event_key(r.event);
  if (key == '\0') return;  // not a DTMF key (other RFC 4733 events): nothing to report
  const CodecSpec* te = event_format(leg);
  DtmfEventArgs a;
  a.start_ns = r.start_ns;
  a.duration_ms = to_ms(r.duration, te != nullptr ? te->format.rtp_clock_hz : 8000);
  a.rtp_start_ts = r.start_ts;
  a.key = key;
  a.source = DtmfSource::Rfc4733;
  a.masked = d.masked;
  a.end = r.how == rtp::TelephoneEventEnd::EndBit      ? DtmfEnd::Normal
          : r.how == rtp::TelephoneEventEnd::NextEvent ? DtmfEnd::NextKey
                                                       : DtmfEnd::Timeout;
  post_dtmf(leg, a);
}

// Cost: the receiver's ~50 ns (telephone_event_receiver.cpp) plus an event post per key.
bool Worker::on_telephone_event(Leg& leg, const rtp::RtpPacket& rtp,
                                std::span<const std::uint8_t> payload, std::uint64_t now_ns) noexcept {
  LegDtmf& d = dtmf(leg);
  const std::uint32_t malformed = d.rx.malformed();
  std::array<rtp::TelephoneEventReport, 4> out{};
  const std::size_t n = d.rx.on_packet(rtp.timestamp, payload, now_ns, out);
  if (d.rx.malformed() != malformed) {
    stats_.add(WorkerCounter::DtmfMalformed);
    return false;
  }
  for (std::size_t i = 0; i < n; ++i) report_telephone_event(leg, out[i]);
  if (d.masked) {
    stats_.add(WorkerCounter::DtmfEventsSuppressed);
    return false;
  }
  return true;
}

// Cost, from the parts' own measurements (not measured through the worker): detection
// ~0.7 us per 20 ms frame, masking ~1.0-1.3 us (`dialbench dsp`, dsp/ headers); the G.711
// decode and re-encode around them ~0.06 + 0.11 us (`dialbench codecs`, codecs/g711.hpp).
bool Worker::dsp_frame(Leg& leg, Leg* to, std::span<std::int16_t> pcm, std::uint64_t now_ns) noexcept {
  LegDtmf& d = dtmf(leg);
  bool changed = d.masker != kNoSlot;  // armed or draining: the masker's output replaces the audio
  std::array<dsp::DtmfEvent, 8> events{}, captured{};
  std::size_t n_events = 0, n_captured = 0;
  if (d.masker != kNoSlot) {
    dsp::DtmfMasker& m = maskers_[d.masker];
    const dsp::DtmfMaskResult r = m.process(pcm, pcm, d.samples, events, captured);
    n_events = r.events;
    n_captured = r.captured;
    if (!d.masked && !m.armed() && m.delay_samples() == 0) {
      maskers_.release(d.masker);  // drained: the leg's own detector takes over again
      if (d.detector != kNoSlot) detectors_[d.detector].reset();
      sync_dsp_flags(leg);
    }
  } else if (d.detector != kNoSlot) {
    n_events = detectors_[d.detector].process(pcm, d.samples, events).count;
  }
  d.samples += pcm.size();
  auto report = [&](const dsp::DtmfEvent& e, bool masked) noexcept {
    if (e.kind != dsp::DtmfEvent::Kind::End) return;  // one event per key, at its end
    DtmfEventArgs a;
    const std::uint64_t ago = d.samples > e.start_sample ? d.samples - e.start_sample : 0;
    a.start_ns = now_ns > ago * kNsPerSample8k ? now_ns - ago * kNsPerSample8k : 0;
    a.duration_ms = to_ms(e.duration_samples, dsp::DtmfDetector::kSampleRateHz);
    a.key = e.digit;
    a.source = DtmfSource::Inband;
    a.masked = masked;
    post_dtmf(leg, a);
  };
  for (std::size_t i = 0; i < n_captured; ++i) report(captured[i], true);
  if (d.inband) {
    for (std::size_t i = 0; i < n_events; ++i) report(events[i], false);
  }
  if (to != nullptr) {
    LegDtmf& t = dtmf(*to);
    if (t.generator != kNoSlot) {
      dsp::DtmfGenerator& g = generators_[t.generator];
      g.generate(pcm);
      changed = true;
      if (!g.busy()) {
        generators_.release(t.generator);
        sync_dsp_flags(*to);
      }
    }
  }
  return changed;
}

void Worker::dsp_g711(Leg& leg, Leg* to, const Leg* bridged, codecs::CodecId codec,
                      std::span<std::uint8_t> payload, std::uint64_t now_ns) noexcept {
  const bool tapped = leg.dsp_tap || (to != nullptr && to->dsp_out);
  if (!is_g711(codec) || payload.size() > dsp_pcm_.size() / 2) {  // G.711: <= 120 ms at 8 kHz
    const bool amd = leg.amd && decode_for_amd(leg, codec, payload, dsp_pcm_, now_ns);
    if (tapped || (leg.amd && !amd)) stats_.add(WorkerCounter::DspUndecodable);
    if (records(leg, bridged)) stats_.add(WorkerCounter::RecordingUnrecorded);
    return;
  }
  const std::span<std::int16_t> pcm(dsp_pcm_.data(), payload.size());
  if (codec == codecs::CodecId::Pcmu) {
    codecs::g711::decode_ulaw(payload.data(), pcm.data(), pcm.size());
  } else {
    codecs::g711::decode_alaw(payload.data(), pcm.data(), pcm.size());
  }
  if (leg.amd) feed_amd(leg, pcm, dsp::DtmfDetector::kSampleRateHz, now_ns);  // before masking
  // Masked (armed or draining) or keys written for `to`: the payload carries the new audio.
  const bool changed = tapped && dsp_frame(leg, to, pcm, now_ns);
  if (records(leg, bridged)) {  // after the tap: the masked audio, what the peer hears
    record_received(leg, bridged, pcm, dsp::DtmfDetector::kSampleRateHz, now_ns);
  }
  if (!changed) return;
  if (codec == codecs::CodecId::Pcmu) {
    codecs::g711::encode_ulaw(pcm.data(), payload.data(), pcm.size());
  } else {
    codecs::g711::encode_alaw(pcm.data(), payload.data(), pcm.size());
  }
}

void Worker::poll_dtmf_senders(std::uint64_t now_ns) noexcept {
  for (std::size_t i = 0; i < senders_.size();) {
    Leg* leg = legs_.find(senders_[i]);
    LegDtmf* d = leg != nullptr ? &dtmf(*leg) : nullptr;
    const CodecSpec* te = leg != nullptr ? event_format(*leg) : nullptr;
    if (d == nullptr || !d->sending || te == nullptr) {
      if (d != nullptr) {
        d->tx.clear();
        d->sending = false;
      }
      senders_[i] = senders_.back();
      senders_.pop_back();
      continue;
    }
    std::array<rtp::TelephoneEventPacket, 4> packets{};
    const std::size_t n = d->tx.poll(now_ns, *leg->out, te->payload_type, packets);
    if (tx_count_ + n > kBatch) flush();
    for (std::size_t k = 0; k < n; ++k) {
      if (leg->hold || leg->remote.empty()) continue;  // held: the key's time passes unheard
      Packet* p = nullptr;
      if (io_.alloc(std::span<Packet*>(&p, 1)) != 1) continue;  // pool empty: a counted io drop
      if (p->capacity < rtp::kRtpHeaderBytes + rtp::kTelephoneEventBytes + kSrtpMaxTrailer) {
        drop(p);
        continue;
      }
      rtp::write_rtp_header(rtp::RtpHeaderBytes(p->data, rtp::kRtpHeaderBytes), packets[k].header);
      rtp::write_telephone_event(
          std::span<std::uint8_t, rtp::kTelephoneEventBytes>(p->data + rtp::kRtpHeaderBytes,
                                                             rtp::kTelephoneEventBytes),
          packets[k].block);
      p->len = static_cast<std::uint32_t>(rtp::kRtpHeaderBytes + rtp::kTelephoneEventBytes);
      stats_.add(WorkerCounter::DtmfSent);
      send_to(*leg, p);
    }
    if (!d->tx.busy()) {
      d->sending = false;
      senders_[i] = senders_.back();
      senders_.pop_back();
      continue;
    }
    ++i;
  }
}

}  // namespace dialcore::dataplane
