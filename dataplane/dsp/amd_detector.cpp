#include "dataplane/dsp/amd_detector.hpp"

#include <algorithm>
#include <cmath>

namespace dialcore::dataplane::dsp {
namespace {

constexpr float kFirstLaneHz = 300.0f;
constexpr float kLaneStepHz = 25.0f;

// Why each number is what it is:
// - kToneShare 0.6: a sine in 20 ms puts >= 0.8 of the frame's energy in its nearest lane
//   (0.81 at the worst 12.5 Hz offset) and loses ~0.1 to noise at 10 dB SNR; a voice spreads
//   over several harmonics (on amd-dev runs of speech frames above 0.6 last <= 11 frames, all
//   below 650 Hz). Fax and SIT tones need 13..20 such frames in a row at their frequency.
// - kBeepShare 0.75 over >= beep_min_ms (240 ms): the beep is judged with no frequency known
//   in advance, so it must be purer and longer than any voice: on amd-dev no speech frame
//   run reaches 0.75 for more than 10 frames; beeps (pure or with weak harmonics) sit at
//   0.85-1.0 for 310 ms or more.
// - kBeepSteadyDb 3: a beep is generated, so its level holds (on amd-dev every labelled beep
//   stays within 1.2 dB from its second frame to its twelfth); a struck or plucked note
//   (piano, guitar in a music greeting) decays: the held piano note in amd-dev-0027 that was
//   taken for a beep fell 4.6 dB in the same 220 ms. Harmonics do not separate them (a third of
//   the beeps carry a 2nd/3rd harmonic at -8 dB, as the piano does).
// - kSameToneHz 30: a run holds one frequency within +-30 Hz (SIT neighbours are 57..71 Hz
//   apart; the interpolated frequency of a steady tone wanders by a few Hz).
// - kCngHz 1100 +-38 (T.30), kCedHz 2100 +-40 (T.30 says +-15; the lanes' interpolation is
//   coarser), both held 400 ms: CNG bursts last 500 ms, CED 2.6-4 s.
// - V.21 channel 2 (the answering fax): FSK 1650/1850 Hz; HDLC flags switch within a frame, so
//   the test is the share of the frame's energy in 1600-1900 Hz, >= 0.6 for 500 ms.
// - Fax and SIT are answered only while the greeting is under 500 ms of speech: they come at
//   answer, and a long greeting with music must not turn into FAX on one held note.
constexpr float kToneShare = 0.6f;
constexpr float kBeepShare = 0.75f;
constexpr float kSameToneHz = 30.0f;
constexpr float kBeepSteadyDb = 3.0f;
constexpr float kCngHz = 1100.0f, kCngTolHz = 38.0f;
constexpr float kCedHz = 2100.0f, kCedTolHz = 40.0f;
constexpr std::uint32_t kFaxToneFrames = 20;  // 400 ms
constexpr float kV21Share = 0.6f;
constexpr std::uint32_t kV21Frames = 25;     // 500 ms
constexpr std::uint32_t kToneAnswerSpeechFrames = 25;  // 500 ms of speech
constexpr float kSitTolHz = 30.0f;
constexpr std::uint32_t kSitThirdFrames = 5;  // 100 ms of the third tone confirms
constexpr std::uint32_t kSitMinFrames = 10;   // a segment shorter than 200 ms is not a SIT segment
constexpr std::uint32_t kSitMaxGapFrames = 3; // segments follow each other (<= 4 ms nominal)
// The noise floor falls fast (a third of the way per frame) so it settles in the first pause,
// and rises 1 dB per second so a louder background is followed within seconds while a
// three-second greeting lifts it by only 3 dB.
constexpr float kFloorFall = 0.3f;
constexpr float kFloorRiseDb = 0.02f;
// A minimum-statistics correction of more than 6 dB (the least speech margin plus 1 dB) means
// the line noise itself passed for speech until now.
constexpr float kFloorJumpDb = 6.0f;
constexpr float kSteadyNoiseDb = 6.0f;
constexpr float kSupportDb = 3.0f;
constexpr std::uint32_t kFloorSupportFrames = 5;
// The loudest-speech reference decays 2 dB per second.
constexpr float kPeakDecayDb = 0.04f;
// Speech margin over the floor: 3 dB + 2 x the noise's spread above its floor (averaged over
// ~30 noise frames), 5..12 dB: steady white/pink line noise (spread ~1 dB) gets ~5 dB so weak
// syllables at 10 dB SNR still count; babble (spread 3-4 dB) gets up to 12 dB so background
// voices do not.
constexpr float kSpreadAlpha = 0.03f;
constexpr float kSpreadGain = 2.0f, kSpreadBaseDb = 3.0f, kMaxMarginDb = 12.0f;
// A word 10 dB louder than every speech frame before it restarts the greeting: what came
// before was background (babble before the answer), not the far end's voice.
constexpr float kRestartDb = 10.0f;
// Speech resumed after a provisional HUMAN counts towards a late MACHINE only within 18 dB of
// the loudest speech so far: the same talker (a voice's weak syllables sit up to ~15 dB under
// its peak), not babble under it (amd-dev-0070 through G.729: 15 dB SNR babble read as a
// second sentence without this bound). Chosen on amd-dev among 12/15/18 dB: 18 loses no human in any
// of the six conditions and keeps machine recall; 12 lost two machines on the clean set).
constexpr float kLateLevelDb = 18.0f;

bool near(float f, float target, float tol) noexcept { return std::fabs(f - target) <= tol; }

}  // namespace

const char* amd_result_name(AmdResult r) noexcept {
  switch (r) {
    case AmdResult::Human: return "HUMAN";
    case AmdResult::Machine: return "MACHINE";
    case AmdResult::NotSure: return "NOTSURE";
    case AmdResult::Fax: return "FAX";
    case AmdResult::Sit: return "SIT";
    case AmdResult::Silence: return "SILENCE";
    case AmdResult::Undecided: break;
  }
  return "UNDECIDED";
}

const char* amd_cause_name(AmdCause c) noexcept {
  switch (c) {
    case AmdCause::InitialSilence: return "initial-silence";
    case AmdCause::GreetingThenPause: return "greeting-then-pause";
    case AmdCause::LongGreeting: return "long-greeting";
    case AmdCause::BeepAfterGreeting: return "beep-after-greeting";
    case AmdCause::FaxCng: return "fax-cng";
    case AmdCause::FaxCed: return "fax-ced";
    case AmdCause::FaxV21: return "fax-v21";
    case AmdCause::SitTones: return "sit-tones";
    case AmdCause::AnalysisTimeout: return "analysis-timeout";
    case AmdCause::EndOfInput: return "end-of-input";
    case AmdCause::LateGreeting: return "late-greeting";
    case AmdCause::LateBeep: return "late-beep";
    case AmdCause::None: break;
  }
  return "none";
}

const char* sit_code_name(SitCode code) noexcept {
  switch (code) {
    case SitCode::Intercept: return "IC";
    case SitCode::VacantCode: return "VC";
    case SitCode::NoCircuitInter: return "NC";
    case SitCode::NoCircuitIntra: return "NC_intra";
    case SitCode::ReorderInter: return "RO";
    case SitCode::ReorderIntra: return "RO_intra";
    case SitCode::IneffectiveOther: return "IO";
    case SitCode::Reserved: return "reserved";
    case SitCode::Unknown: return "unknown";
    case SitCode::None: break;
  }
  return "none";
}

namespace {
std::array<float, AmdDetector::kLanes> lane_freqs() noexcept {
  std::array<float, AmdDetector::kLanes> f{};
  for (std::size_t k = 0; k < f.size(); ++k) f[k] = kFirstLaneHz + kLaneStepHz * static_cast<float>(k);
  return f;
}
}  // namespace

AmdDetector::AmdDetector(const AmdConfig& config) noexcept
    : config_(config), bank_(lane_freqs(), static_cast<float>(kSampleRateHz)) {}

void AmdDetector::reset() noexcept { *this = AmdDetector(config_); }

bool AmdDetector::done() const noexcept {
  if (result_ == AmdResult::Undecided) return false;
  if (result_ == AmdResult::Human) return !provisional_;
  if (result_ != AmdResult::Machine) return true;
  return beep_ended_ || frames_ >= frames_of(decision_ms_ + config_.beep_wait_ms);
}

AmdDetector::Frame AmdDetector::analyse(std::span<const std::int16_t> x) noexcept {
  bank_.reset();
  bank_.update(x.data(), x.size());
  float sum = 0.0f;
  for (std::int16_t s : x) sum += static_cast<float>(s) * static_cast<float>(s);
  const float n = static_cast<float>(x.size());
  const float mean_square = sum / n;
  Frame f{};
  f.energy_db = 10.0f * std::log10(mean_square / (32768.0f * 32768.0f) + 1e-12f);
  // A sine of amplitude A centred on a lane gives |X|^2 = (A n / 2)^2; scaled by 2/n^2 that is
  // A^2/2, its mean square, so lane power over frame mean square is the tone's share.
  const float scale = 2.0f / (n * n);
  std::array<float, kLanes> p{};
  int best = 0;
  float v21 = 0.0f;
  for (std::size_t k = 0; k < kLanes; ++k) {
    p[k] = std::norm(bank_.result(k)) * scale;
    if (p[k] > p[static_cast<std::size_t>(best)]) best = static_cast<int>(k);
    const float hz = kFirstLaneHz + kLaneStepHz * static_cast<float>(k);
    if (hz >= 1600.0f && hz <= 1900.0f) v21 += p[k];
  }
  const float denom = std::max(mean_square, 1.0f);  // digital silence has no tone
  f.lane = best;
  f.tonality = p[static_cast<std::size_t>(best)] / denom;
  // Neighbouring lanes overlap (25 Hz apart, 50 Hz resolution): a tone shows in about two.
  f.v21_share = v21 / (2.0f * denom);
  // Parabolic interpolation of the magnitude around the peak.
  float delta = 0.0f;
  if (best > 0 && best + 1 < static_cast<int>(kLanes)) {
    const float a = std::sqrt(p[static_cast<std::size_t>(best - 1)]);
    const float b = std::sqrt(p[static_cast<std::size_t>(best)]);
    const float c = std::sqrt(p[static_cast<std::size_t>(best + 1)]);
    const float d = a - 2.0f * b + c;
    if (d < 0.0f) delta = std::clamp(0.5f * (a - c) / d, -0.5f, 0.5f);
  }
  f.freq_hz = kFirstLaneHz + kLaneStepHz * (static_cast<float>(best) + delta);
  return f;
}

void AmdDetector::track_floor(const Frame& f, bool speech) noexcept {
  if (!speech && floor_set_) {
    const float excess = std::clamp(f.energy_db - floor_db_, 0.0f, 20.0f);
    spread_db_ += kSpreadAlpha * (excess - spread_db_);
  }
  if (!floor_set_) {
    floor_db_ = f.energy_db;
    floor_set_ = true;
  } else if (f.energy_db < floor_db_) {
    floor_db_ += kFloorFall * (f.energy_db - floor_db_);
  } else {
    floor_db_ += kFloorRiseDb;
  }
  if (f.energy_db <= floor_db_ + kSupportDb) ++floor_support_;
  // Floor bound: the floor is raised to the minimum of the last 500 ms of non-tonal frames
  // when those are steady (within 6 dB of each other: line noise; speech moves 10-20 dB
  // between syllables, white or pink noise in 20 ms frames holds about +-1.5 dB), or when the
  // floor rests on fewer than 100 ms of audio. Without it a quiet start (a codec's first
  // frame: G.729 decodes its first 20 ms 11-20 dB low; digital silence before the line
  // connects) leaves the floor under the line noise or babble, which then passes for a
  // greeting until the 1 dB/s rise catches up.
  if (f.tonality >= kToneShare) return;  // a held tone (beep, SIT) is not the background
  recent_db_[recent_n_ % kFloorWindow] = f.energy_db;
  ++recent_n_;
  if (recent_n_ >= kFloorWindow) {
    float lo = recent_db_[0], hi = recent_db_[0];
    for (float e : recent_db_) {
      lo = std::min(lo, e);
      hi = std::max(hi, e);
    }
    if (hi - lo > kSteadyNoiseDb && floor_support_ >= kFloorSupportFrames) return;
    if (lo > floor_db_ + kFloorJumpDb && result_ == AmdResult::Undecided && heard_ &&
        onset_ + run_ >= frames_) {
      // The floor was far too low and "speech" has not paused once since it began: it was
      // the line noise. Speech timing starts again against the corrected floor.
      heard_ = false;
      run_ = 0;
      speech_frames_ = 0;
      loudest_db_ = -200.0f;
    }
    floor_db_ = std::max(floor_db_, lo);
  }
}

float AmdDetector::speech_margin_db() const noexcept {
  return std::clamp(kSpreadGain * spread_db_ + kSpreadBaseDb, config_.min_speech_margin_db, kMaxMarginDb);
}

bool AmdDetector::is_speech(const Frame& f) const noexcept {
  return f.energy_db > floor_db_ + speech_margin_db() &&
         f.energy_db > config_.min_speech_dbfs && f.energy_db > peak_db_ - config_.speech_below_peak_db;
}

void AmdDetector::track_speech(float energy_db, bool speech) noexcept {
  const std::uint32_t now = frames_;
  if (!speech) {
    run_ = 0;
    return;
  }
  ++run_;
  const std::uint32_t word = std::max<std::uint32_t>(1, frames_of(config_.min_word_ms));
  if (run_ < word) return;
  if (!heard_ || energy_db > loudest_db_ + kRestartDb) {
    // The first word, or one so much louder than all before that those were background
    // (babble, a far-off voice): the greeting starts here.
    heard_ = true;
    onset_ = now + 1 - run_;
    speech_frames_ = 0;
  }
  loudest_db_ = std::max(loudest_db_, energy_db);
  speech_frames_ += run_ == word ? word : 1;
  last_speech_ = now;
}

// Extends or ends `run` with this frame; returns true when a run at a SIT frequency ended.
bool AmdDetector::track_tone(const Frame& f, float min_tonality, ToneRun& run) noexcept {
  const bool tonal = f.tonality >= min_tonality && f.energy_db > floor_db_ + config_.min_speech_margin_db &&
                     f.energy_db > config_.min_speech_dbfs - 10.0f;
  if (tonal && run.frames > 0 && near(f.freq_hz, run.freq(), kSameToneHz)) {
    ++run.frames;
    run.freq_sum += f.freq_hz;
    // The level range counts from the second frame: the first may hold the onset mid-frame.
    run.level_lo = std::min(run.level_lo, f.energy_db);
    run.level_hi = std::max(run.level_hi, f.energy_db);
    return false;
  }
  const bool ended = run.frames > 0;
  if (tonal) {
    run = ToneRun{frames_, 1, f.lane, f.freq_hz};
  } else {
    run = ToneRun{};
  }
  return ended;
}

void AmdDetector::sit_segment_ended(const ToneRun& run) noexcept {
  const float hz = run.freq();
  const bool first = near(hz, kSitLow1, kSitTolHz) || near(hz, kSitHigh1, kSitTolHz);
  const bool second = near(hz, kSitLow2, kSitTolHz) || near(hz, kSitHigh2, kSitTolHz);
  if ((first || second) && run.frames >= kSitMinFrames) {
    sit_seen_[1] = sit_seen_[0];
    sit_seen_[0] = SitSegment{run.start + run.frames, run.frames, hz};
  }
}

AmdCause AmdDetector::tone_decision(const Frame& f) noexcept {
  // The run that just ended (if the frequency moved on) is kept for the SIT sequence.
  const ToneRun before = tone_;
  if (track_tone(f, kToneShare, tone_)) sit_segment_ended(before);
  if (speech_frames_ >= kToneAnswerSpeechFrames) return AmdCause::None;

  v21_frames_ = (f.v21_share >= kV21Share && f.energy_db > floor_db_ + config_.min_speech_margin_db)
                    ? v21_frames_ + 1 : 0;
  if (v21_frames_ >= kV21Frames) return AmdCause::FaxV21;
  if (tone_.frames >= kFaxToneFrames) {
    if (near(tone_.freq(), kCngHz, kCngTolHz)) return AmdCause::FaxCng;
    if (near(tone_.freq(), kCedHz, kCedTolHz)) return AmdCause::FaxCed;
  }
  if (tone_.frames >= kSitThirdFrames && near(tone_.freq(), kSitThird, kSitTolHz)) {
    const SitSegment& second = sit_seen_[0];
    const SitSegment& first = sit_seen_[1];
    const bool second_ok = second.frames > 0 && tone_.start <= second.end + kSitMaxGapFrames &&
                           (near(second.freq, kSitLow2, kSitTolHz) || near(second.freq, kSitHigh2, kSitTolHz));
    if (!second_ok) return AmdCause::None;
    const std::uint32_t second_start = second.end - second.frames;
    const bool first_ok = first.frames > 0 && second_start <= first.end + kSitMaxGapFrames &&
                          (near(first.freq, kSitLow1, kSitTolHz) || near(first.freq, kSitHigh1, kSitTolHz));
    // Tone-run lengths miss about one edge frame: +20 ms before comparing with 327 ms.
    auto is_long = [](const SitSegment& s) { return s.frames * kFrameMs + kFrameMs >= kSitLongFromMs; };
    auto is_high1 = near(first.freq, kSitHigh1, kSitTolHz);
    auto is_high2 = near(second.freq, kSitHigh2, kSitTolHz);
    sit_ = first_ok ? classify_sit(is_high1, is_long(first), is_high2, is_long(second)) : SitCode::Unknown;
    return AmdCause::SitTones;
  }
  return AmdCause::None;
}

AmdCause AmdDetector::timing_decision() const noexcept {
  const std::uint32_t seen = frames_ + 1;  // frames including this one
  if (!heard_) {
    if (seen >= frames_of(config_.initial_silence_ms)) return AmdCause::InitialSilence;
  } else {
    const std::uint32_t quiet = frames_ - last_speech_;
    if (quiet >= frames_of(config_.after_greeting_silence_ms)) return AmdCause::GreetingThenPause;
    if (seen - onset_ >= frames_of(config_.max_greeting_ms)) return AmdCause::LongGreeting;
  }
  if (seen >= frames_of(config_.total_analysis_ms)) return AmdCause::AnalysisTimeout;
  return AmdCause::None;
}

std::size_t AmdDetector::decide(AmdResult r, AmdCause c, std::span<AmdEvent> events,
                                std::uint32_t onset_ms, float freq_hz) noexcept {
  result_ = r;
  decision_ms_ = (frames_ + 1) * kFrameMs;
  if (events.empty()) return 0;
  events[0] = AmdEvent{AmdEvent::Kind::Decision, r, c, r == AmdResult::Sit ? sit_ : SitCode::None,
                       decision_ms_, onset_ms, freq_hz};
  return 1;
}

// The beep: a pure, steady tone of beep_min_ms after the greeting. Reports its onset once
// confirmed and its end when it stops.
std::size_t AmdDetector::beep(const Frame& f, std::span<AmdEvent> events) noexcept {
  const ToneRun before = beep_;
  track_tone(f, kBeepShare, beep_);
  if (beep_started_) {
    if (beep_.frames > 0 && beep_.start == before.start) return 0;  // still sounding
    beep_ended_ = true;
    if (events.empty()) return 0;
    events[0] = AmdEvent{AmdEvent::Kind::BeepEnd, result_, AmdCause::None, SitCode::None,
                         frames_ * kFrameMs, beep_onset_ * kFrameMs, before.freq()};
    return 1;
  }
  if (beep_.frames < frames_of(config_.beep_min_ms)) return 0;
  if (beep_.level_hi - beep_.level_lo > kBeepSteadyDb) return 0;  // a decaying note, not a beep
  beep_started_ = true;
  beep_onset_ = beep_.start;
  if (events.empty()) return 0;
  events[0] = AmdEvent{AmdEvent::Kind::BeepStart, result_, AmdCause::None, SitCode::None,
                       (frames_ + 1) * kFrameMs, beep_onset_ * kFrameMs, beep_.freq()};
  return 1;
}

// Cost: 5.5-6.0 us per 20 ms frame while analysing (`dialbench dsp`, medians, loaded 2-core VM
// where spandsp's dtmf_rx took 2.1-2.3 us); the 77-lane Goertzel bank is most of it. The late
// correction and the floor bound (a 25-float min/max, a few branches) changed nothing
// measurable: old/new alternated 7 times over 40 amd-dev files in one session, ns per
// analysed frame median 14.6 us old vs 14.4 us new, ratio median 0.98 (0.63-1.30; load ~12
// on 2 cores). A provisional HUMAN costs the same as analysing, for <= late_machine_gap_ms.
std::size_t AmdDetector::process(std::span<const std::int16_t> frame,
                                 std::span<AmdEvent> events) noexcept {
  if (frame.size() != kFrameSamples) {
    ++bad_frames_;
    return 0;
  }
  if (done()) {
    ++frames_;
    return 0;
  }
  const Frame f = analyse(frame);
  std::size_t n = 0;
  if (result_ == AmdResult::Undecided) {
    const AmdCause tone = tone_decision(f);
    track_speech_frame(f);
    if (tone == AmdCause::FaxCng || tone == AmdCause::FaxCed || tone == AmdCause::FaxV21) {
      n = decide(AmdResult::Fax, tone, events, tone_.start * kFrameMs,
                 tone == AmdCause::FaxV21 ? 1750.0f : tone_.freq());
    } else if (tone == AmdCause::SitTones) {
      n = decide(AmdResult::Sit, tone, events, 0, tone_.freq());
    } else {
      if (speech_frames_ >= kToneAnswerSpeechFrames) {
        // A beep after a greeting and before either timing rule: a machine that has
        // finished its greeting already.
        const std::size_t b = beep(f, events.subspan(std::min<std::size_t>(1, events.size())));
        if (beep_started_) {
          n = decide(AmdResult::Machine, AmdCause::BeepAfterGreeting, events, onset_ * kFrameMs, 0.0f);
          if (b == 1 && events.size() > 1) events[1].result = AmdResult::Machine;
          ++frames_;
          return n + b;
        }
      }
      const AmdCause t = timing_decision();
      if (t == AmdCause::InitialSilence) {
        n = decide(AmdResult::Silence, t, events, 0, 0.0f);
      } else if (t == AmdCause::GreetingThenPause) {
        n = decide(AmdResult::Human, t, events, onset_ * kFrameMs, 0.0f);
        provisional_ = config_.late_machine_gap_ms > 0;
        answer_end_ = last_speech_;
        answer_onset_ = onset_;
        resumed_ = 0;
      } else if (t == AmdCause::LongGreeting) {
        n = decide(AmdResult::Machine, t, events, onset_ * kFrameMs, 0.0f);
      } else if (t == AmdCause::AnalysisTimeout) {
        n = decide(AmdResult::NotSure, t, events, heard_ ? onset_ * kFrameMs : 0, 0.0f);
      }
    }
  } else if (result_ == AmdResult::Human) {
    n = watch_human(f, events);
  } else if (result_ == AmdResult::Machine) {
    track_floor(f, false);
    n = beep(f, events);
  }
  ++frames_;
  return n;
}

// Speech, floor and loudest-speech tracking for one frame while a greeting is being judged.
void AmdDetector::track_speech_frame(const Frame& f) noexcept {
  // Tonal frames are neither speech nor pause: a tone does not start a greeting, a held
  // vowel inside a word does not end it.
  const bool tonal = f.tonality >= kToneShare;
  if (!tonal) track_speech(f.energy_db, is_speech(f));
  else if (heard_ && run_ > 0) last_speech_ = frames_;
  if (!tonal && is_speech(f) && run_ >= frames_of(config_.min_word_ms)) {
    peak_db_ = std::max(peak_db_ - kPeakDecayDb, f.energy_db);
  } else {
    peak_db_ -= kPeakDecayDb;
  }
  track_floor(f, is_speech(f));
}

// A provisional HUMAN: a person who said "Hello?" waits (>= 2 s on amd-dev before a second
// "Hello?"), a machine goes on with its next sentence after 0.9-1.6 s or beeps. Watches the
// late_machine_gap_ms after the answer's last word and, if speech resumes in it, that speech
// up to its next after_greeting_silence_ms pause.
std::size_t AmdDetector::watch_human(const Frame& f, std::span<AmdEvent> events) noexcept {
  const std::uint32_t speech_before = speech_frames_;
  track_speech_frame(f);
  const bool restarted = onset_ != answer_onset_;  // a word 10 dB louder than the "answer"
  // Resumed speech counts when it is the far end's voice at its own level: a machine's next
  // sentence is as loud as its first, background voices (babble) are not.
  if (!restarted && speech_frames_ > speech_before && f.energy_db >= loudest_db_ - kLateLevelDb) {
    resumed_ += speech_frames_ - speech_before;
  }
  const std::size_t b = beep(f, events.subspan(std::min<std::size_t>(1, events.size())));
  AmdCause late = AmdCause::None;
  std::uint32_t onset = onset_;
  if (beep_started_) {
    late = AmdCause::LateBeep;
  } else if (restarted) {
    // What was called HUMAN was background; the far end's greeting starts now and is judged
    // by the ordinary timing rules: a pause keeps HUMAN, a long greeting is a machine.
    const AmdCause t = timing_decision();
    if (t == AmdCause::LongGreeting) late = t;
    else if (t != AmdCause::None) provisional_ = false;
  } else if (resumed_ > 0) {
    if (resumed_ >= frames_of(config_.late_machine_speech_ms)) {
      late = AmdCause::LateGreeting;
      onset = answer_end_ + 1;
    } else if (frames_ - last_speech_ >= frames_of(config_.after_greeting_silence_ms)) {
      provisional_ = false;  // a short second word, then quiet: still a person
    }
  } else if (run_ == 0 && frames_ - answer_end_ >= frames_of(config_.late_machine_gap_ms)) {
    provisional_ = false;  // nothing more within the gap: the HUMAN is final
  }
  if (late == AmdCause::None) return 0;
  provisional_ = false;
  corrected_ = true;
  result_ = AmdResult::Machine;
  decision_ms_ = (frames_ + 1) * kFrameMs;
  if (events.empty()) return 0;
  events[0] = AmdEvent{AmdEvent::Kind::Correction, AmdResult::Machine, late, SitCode::None,
                       decision_ms_, onset * kFrameMs, 0.0f};
  if (b == 1 && events.size() > 1) events[1].result = AmdResult::Machine;
  return 1 + b;
}

std::size_t AmdDetector::finish(std::span<AmdEvent> events) noexcept {
  if (result_ != AmdResult::Undecided) return 0;
  if (frames_ > 0) --frames_;  // decide() stamps the last frame seen
  const std::size_t n = decide(heard_ ? AmdResult::NotSure : AmdResult::Silence, AmdCause::EndOfInput,
                               events, heard_ ? onset_ * kFrameMs : 0, 0.0f);
  ++frames_;
  return n;
}

}  // namespace dialcore::dataplane::dsp
