// The worker's answering-machine detection (issue 4): StartAmd/StopAmd, the received audio of a
// leg fed 20 ms at a time into a pooled dsp::AmdDetector, its events posted to control, and the
// scan that analyses RTP gaps as silence. Packet-path functions never allocate, lock or make
// system calls: the detectors come from a pool built at worker start.
#include <algorithm>

#include "dataplane/worker/worker.hpp"

namespace dialcore::dataplane {
namespace {

using dsp::AmdDetector;

// The API's numbers are the detector's (events.hpp promises it).
static_assert(static_cast<int>(AmdResultCode::Silence) == static_cast<int>(dsp::AmdResult::Silence));
static_assert(static_cast<int>(AmdResultCode::Human) == static_cast<int>(dsp::AmdResult::Human));
static_assert(static_cast<int>(AmdResultCode::Machine) == static_cast<int>(dsp::AmdResult::Machine));
static_assert(static_cast<int>(AmdResultCode::Fax) == static_cast<int>(dsp::AmdResult::Fax));
static_assert(static_cast<int>(AmdCauseCode::InitialSilence) == static_cast<int>(dsp::AmdCause::InitialSilence));
static_assert(static_cast<int>(AmdCauseCode::LateBeep) == static_cast<int>(dsp::AmdCause::LateBeep));
static_assert(static_cast<int>(AmdCauseCode::EndOfInput) == static_cast<int>(dsp::AmdCause::EndOfInput));

constexpr std::uint64_t kNsPerMs = 1'000'000;
constexpr std::uint64_t kFrameNs = AmdDetector::kFrameMs * kNsPerMs;
// No RTP for this long: the missing time is analysed as silence (a far end that sends nothing,
// or suppresses its silence), so "nothing heard" still ends in SILENCE or a HUMAN's pause. Above
// any sane jitter, so packets that are merely late are not doubled by silence.
constexpr std::uint64_t kGapNs = 200 * kNsPerMs;
constexpr std::uint32_t kMaxFillFrames = 100;  // per scan: bounds one scan's work (2 s of audio)
constexpr std::uint32_t kGuardMs = 1000;       // slack of the wall-clock guard (scan_amd)
constexpr std::array<std::int16_t, AmdDetector::kFrameSamples> kSilence{};

bool is_g711(codecs::CodecId id) {
  return id == codecs::CodecId::Pcmu || id == codecs::CodecId::Pcma;
}

dsp::AmdConfig amd_config(const AmdArgs& a) {
  dsp::AmdConfig c;
  auto set = [](std::uint32_t& field, std::uint32_t value) {
    if (value != 0) field = value;
  };
  set(c.initial_silence_ms, a.initial_silence_ms);
  set(c.max_greeting_ms, a.greeting_ms);
  set(c.after_greeting_silence_ms, a.after_greeting_silence_ms);
  set(c.total_analysis_ms, a.total_analysis_ms);
  set(c.min_word_ms, a.min_word_ms);
  return c;  // between_words_silence_ms, max_words: not used by this detector (commands.hpp)
}

AmdEventArgs event_args(const dsp::AmdEvent& e, std::uint64_t now_ns) {
  AmdEventArgs a;
  a.at_ns = now_ns;
  a.at_ms = e.at_ms;
  a.onset_ms = e.onset_ms;
  a.result = static_cast<AmdResultCode>(e.result);
  a.cause = static_cast<AmdCauseCode>(e.cause);
  a.correction = e.kind == dsp::AmdEvent::Kind::Correction;
  a.beep = e.kind == dsp::AmdEvent::Kind::BeepStart || e.kind == dsp::AmdEvent::Kind::BeepEnd;
  a.beep_end = e.kind == dsp::AmdEvent::Kind::BeepEnd;
  a.sit = static_cast<std::uint8_t>(e.sit);
  a.freq_hz = static_cast<std::uint16_t>(std::clamp(e.freq_hz, 0.0f, 65535.0f) + 0.5f);
  return a;
}

// Nothing more to report: a final HUMAN, a MACHINE without the beep asked for, or the
// detector done (other verdicts at once; MACHINE after its beep or its beep wait).
bool finished(const AmdSlot& s) {
  const dsp::AmdResult r = s.detector.result();
  if (r == dsp::AmdResult::Undecided) return false;
  if (r == dsp::AmdResult::Human) return s.detector.human_final();
  if (r == dsp::AmdResult::Machine && !s.report_beep) return true;
  return s.detector.done();
}

}  // namespace

// AMD needs the leg's received audio decoded: G.711 as relayed, or a transcoder's 8/16 kHz PCM;
// any other codec gets a decoder of its own for the packets relayed as they are (make_decoder).
bool Worker::can_amd(const Leg& leg) const noexcept {
  if (leg.transcoder) {
    const std::uint32_t rate = leg.transcoder->pcm_rate_hz();
    return rate == AmdDetector::kSampleRateHz || rate == 2 * AmdDetector::kSampleRateHz;
  }
  const CodecSpec* f = leg.send_format();
  return f == nullptr || is_g711(f->format.id);
}

namespace {

// The decoder for a leg whose codec is not G.711 (null when it is, or when none can be made).
// Opus decodes at 8 kHz (it decodes at any rate); other codecs at their own 8 or 16 kHz.
std::unique_ptr<codecs::Decoder> make_amd_decoder(const CodecSpec* f) {
  if (f == nullptr || is_g711(f->format.id)) return nullptr;
  codecs::CodecFormat format = f->format;
  if (format.id == codecs::CodecId::Opus) {
    format.sample_rate_hz = AmdDetector::kSampleRateHz;
    format.frame_ms = f->ptime_ms;  // one Opus frame per packet
  }
  if (format.sample_rate_hz != AmdDetector::kSampleRateHz &&
      format.sample_rate_hz != 2 * AmdDetector::kSampleRateHz) {
    return nullptr;
  }
  return codecs::make_decoder(format);
}

}  // namespace

ReplyStatus Worker::start_amd(Leg& leg, const AmdArgs& args, std::uint64_t now_ns) noexcept {
  if (amd_slots_[leg.id.index] != kNoSlot) return ReplyStatus::WrongState;  // StopAmd first
  // Made first (it may allocate or fail), so a refusal leaves the pool as it was.
  std::unique_ptr<codecs::Decoder> decoder = make_amd_decoder(leg.send_format());
  if (!decoder && !can_amd(leg)) return ReplyStatus::Unsupported;
  const std::uint32_t slot = amd_pool_.acquire();
  if (slot == kNoSlot) return ReplyStatus::NoCapacity;
  AmdSlot& s = amd_pool_[slot];
  s.decoder_rate_hz = decoder ? decoder->format().sample_rate_hz : 0;
  s.decoder = std::move(decoder);  // frees a finished analysis's decoder: a command, not a packet
  const dsp::AmdConfig config = amd_config(args);
  s.detector = AmdDetector(config);  // a copy into the slot: no allocation
  s.decimator.reset();
  s.filled = 0;
  s.started_ns = now_ns;
  s.frames = 0;
  s.guard_ms = config.total_analysis_ms + config.late_machine_gap_ms + config.late_machine_speech_ms +
               (args.report_beep ? config.beep_wait_ms : 0);
  s.report_beep = args.report_beep;
  s.decided = false;
  amd_slots_[leg.id.index] = slot;
  leg.amd = true;
  return ReplyStatus::Ok;
}

void Worker::release_amd(Leg& leg) noexcept {
  amd_pool_.release(amd_slots_[leg.id.index]);
  leg.amd = false;
}

void Worker::stop_amd(Leg& leg) noexcept {  // a command: the decoder may be freed here
  if (amd_slots_[leg.id.index] != kNoSlot) amd_pool_[amd_slots_[leg.id.index]].decoder.reset();
  release_amd(leg);
}

// A packet of a leg whose codec the worker relays as it is (not G.711): decoded by the
// analysis's own decoder into `pcm` (scratch), then fed. False when there is no such decoder,
// the payload is another codec, or it does not decode (the caller counts it).
// Cost: the codec's decode (`dialbench codecs`: G.729 ~ 10-20 us per 20 ms) plus feed_amd.
bool Worker::decode_for_amd(Leg& leg, codecs::CodecId codec, std::span<const std::uint8_t> payload,
                            std::span<std::int16_t> pcm, std::uint64_t now_ns) noexcept {
  AmdSlot& s = amd_pool_[amd_slots_[leg.id.index]];
  if (!s.decoder || s.decoder->format().id != codec) return false;
  const codecs::CodecResult r = s.decoder->decode(payload, pcm);
  if (!r.ok()) return false;
  feed_amd(leg, pcm.first(r.count), s.decoder_rate_hz, now_ns);
  return true;
}

void Worker::post_amd(Leg& leg, AmdSlot& s, std::span<const dsp::AmdEvent> events,
                      std::uint64_t now_ns) noexcept {
  for (const dsp::AmdEvent& e : events) {
    const bool beep = e.kind == dsp::AmdEvent::Kind::BeepStart || e.kind == dsp::AmdEvent::Kind::BeepEnd;
    if (beep && !s.report_beep) continue;
    if (e.kind == dsp::AmdEvent::Kind::Decision) s.decided = true;
    stats_.add(WorkerCounter::AmdEvents);
    if (!endpoint_.post(make_event(EventType::Amd, leg.id, event_args(e, now_ns)))) {
      stats_.add(WorkerCounter::EventsDropped);
    }
  }
}

// Cost per 20 ms frame: the detector's process(), `dialbench dsp` amd row: 11.5 us median on
// 2026-11-22 with a -j1 build beside it, 2.9 x spandsp's dtmf_rx (4.0 us) in the same run;
// 5.5-6.0 us (2.6 x) on a quieter machine (dataplane/dsp/amd_detector.hpp). Around it here: a
// 160-sample copy into the frame and the event checks (tens of ns, not measured apart); 16 kHz
// adds the decimator (~2 us, half_band_decimator.hpp). Once decided (a HUMAN's window, the
// beep wait) it is the same call; after that the leg costs one flag test.
void Worker::feed_amd(Leg& leg, std::span<const std::int16_t> pcm, std::uint32_t rate_hz,
                      std::uint64_t now_ns) noexcept {
  if (rate_hz == 2 * AmdDetector::kSampleRateHz) {
    std::array<std::int16_t, AmdDetector::kFrameSamples> narrow{};
    for (std::size_t at = 0; at + 1 < pcm.size() && leg.amd; at += 2 * narrow.size()) {
      const std::size_t in = std::min(pcm.size() - at, 2 * narrow.size());
      const std::size_t n = amd_pool_[amd_slots_[leg.id.index]].decimator.process(pcm.subspan(at, in), narrow);
      feed_amd(leg, std::span<const std::int16_t>(narrow.data(), n), AmdDetector::kSampleRateHz, now_ns);
    }
    return;
  }
  if (rate_hz != AmdDetector::kSampleRateHz) {
    stats_.add(WorkerCounter::DspUndecodable);
    return;
  }
  for (std::size_t at = 0; at < pcm.size() && leg.amd;) {
    AmdSlot& s = amd_pool_[amd_slots_[leg.id.index]];
    const std::size_t n = std::min<std::size_t>(pcm.size() - at, s.frame.size() - s.filled);
    std::copy_n(pcm.begin() + static_cast<std::ptrdiff_t>(at), n, s.frame.begin() + s.filled);
    s.filled = static_cast<std::uint16_t>(s.filled + n);
    at += n;
    if (s.filled < s.frame.size()) return;
    s.filled = 0;
    ++s.frames;
    stats_.add(WorkerCounter::AmdFrames);
    std::array<dsp::AmdEvent, 4> events{};
    const std::size_t k = s.detector.process(s.frame, events);
    post_amd(leg, s, std::span<const dsp::AmdEvent>(events.data(), k), now_ns);
    if (finished(s)) release_amd(leg);  // the loop ends: leg.amd is false
  }
}

// Each timeout scan (every timeout_scan_ns): time with no RTP is analysed as silence up to the
// worker's clock, and an analysis still running long after its limits (its audio arrives but
// cannot be decoded) is ended: undecided, it gets the detector's end-of-input verdict.
void Worker::scan_amd(Leg& leg, std::uint64_t now_ns) noexcept {
  AmdSlot* s = &amd_pool_[amd_slots_[leg.id.index]];
  const std::uint64_t elapsed_ns = now_ns > s->started_ns ? now_ns - s->started_ns : 0;
  const std::uint64_t quiet_since = std::max(leg.last_rx_ns, s->started_ns);
  if (now_ns >= quiet_since + kGapNs) {
    const std::uint64_t due = elapsed_ns / kFrameNs;
    for (std::uint32_t i = 0; i < kMaxFillFrames && leg.amd && s->frames < due; ++i) {
      feed_amd(leg, std::span<const std::int16_t>(kSilence.data(), kSilence.size() - s->filled),
               AmdDetector::kSampleRateHz, now_ns);
    }
    if (!leg.amd) return;
  }
  if (elapsed_ns < (std::uint64_t{s->guard_ms} + kGuardMs) * kNsPerMs) return;
  if (!s->decided) {
    std::array<dsp::AmdEvent, 2> events{};
    const std::size_t k = s->detector.finish(events);
    post_amd(leg, *s, std::span<const dsp::AmdEvent>(events.data(), k), now_ns);
  }
  release_amd(leg);
}

}  // namespace dialcore::dataplane
