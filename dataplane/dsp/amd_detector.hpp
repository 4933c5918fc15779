#pragma once
// Answering-machine detection (AMD) for one answered outbound leg: streaming, causal, one
// 20 ms frame (160 samples at 8 kHz) per call, time = frames seen since answer. No clock,
// allocation, lock or system call; all state is in the object. 16 kHz legs go through
// HalfBandDecimator (half_band_decimator.hpp) first.
//
// Per frame it measures the frame's energy and a 77-lane Goertzel spectrum from 300 to 2200 Hz
// in 25 Hz steps (amd_detector.cpp explains each feature and threshold):
// - tones: the strongest lane's share of the frame's energy ("tonality"), its interpolated
//   frequency, and runs of frames that hold one frequency. Runs classify fax (CNG 1100 Hz,
//   CED 2100 Hz, V.21 flags at 1650/1850 Hz), SIT (three segments, the first two coded by
//   frequency and duration, amd_sit.hpp) and, after the greeting, the machine's beep;
// - speech: energy above an adaptive noise floor (fast down, slow up) and within a range of
//   the loudest speech heard, not tonal, lasting at least a word's minimum;
// - timing: a greeting followed by a pause of after_greeting_silence_ms is a person (who said
//   "Hello?" and waits); a greeting still going after max_greeting_ms is a machine; nothing
//   for initial_silence_ms is dead air;
// - late MACHINE correction: the HUMAN stays provisional while late_machine_gap_ms pass after
//   the answer; speech resuming in that time (a machine's next sentence; people wait >= 2 s
//   before a second "Hello?") or a beep turns it into MACHINE with a Correction event.
// After MACHINE it keeps listening for the beep and reports its onset, so a message can be
// left after the tone.
//
// Cost: 5.5-6.0 us per 20 ms frame while analysing (`dialbench dsp`, the amd row; 2.6 x spandsp's
// dtmf_rx in the same runs on a loaded VM), the Goertzel bank most of it; see process().

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dataplane/dsp/amd_sit.hpp"
#include "dataplane/dsp/goertzel_bank.hpp"

namespace dialcore::dataplane::dsp {

enum class AmdResult : std::uint8_t { Undecided, Human, Machine, NotSure, Fax, Sit, Silence };
const char* amd_result_name(AmdResult r) noexcept;  // "HUMAN", "MACHINE", ... ("UNDECIDED")

// Why a decision was taken (for logs, dialler statistics and tuning).
enum class AmdCause : std::uint8_t {
  None,
  InitialSilence,        // SILENCE: nothing for initial_silence_ms
  GreetingThenPause,     // HUMAN: a greeting, then after_greeting_silence_ms of quiet
  LongGreeting,          // MACHINE: the greeting lasted max_greeting_ms
  BeepAfterGreeting,     // MACHINE: a beep came before either timing rule fired
  FaxCng,                // FAX: calling tone, 1100 Hz
  FaxCed,                // FAX: answer tone, 2100 Hz
  FaxV21,                // FAX: V.21 HDLC flags, 1650/1850 Hz
  SitTones,              // SIT: the three tones
  AnalysisTimeout,       // NOTSURE: total_analysis_ms passed
  LateGreeting,          // MACHINE (correction of HUMAN): the "answer" went on after a short pause
  LateBeep,              // MACHINE (correction of HUMAN): a beep came while the HUMAN was provisional
  EndOfInput,            // finish() without a decision
};
const char* amd_cause_name(AmdCause c) noexcept;

// Per-campaign parameters (config: campaign YAML). Times are in ms from answer.
struct AmdConfig {
  std::uint32_t initial_silence_ms = 4000;        // no speech or tone this long: SILENCE
  std::uint32_t after_greeting_silence_ms = 900;  // quiet after a greeting this long: HUMAN
  std::uint32_t max_greeting_ms = 4000;           // greeting (onset to now) this long: MACHINE
  std::uint32_t min_word_ms = 60;                 // shorter bursts (clicks) are not speech
  std::uint32_t total_analysis_ms = 10000;        // undecided this long: NOTSURE
  std::uint32_t beep_min_ms = 240;                // a steady tone this long after MACHINE: beep
  std::uint32_t beep_wait_ms = 30000;             // listen for the beep this long after MACHINE
  // Late MACHINE correction (0 disables it): after HUMAN, a word starting within
  // late_machine_gap_ms of the end of the answer that brings late_machine_speech_ms of speech
  // before the next after_greeting_silence_ms pause, or a beep in that time, turns the
  // verdict into MACHINE (a Correction event). People wait >= 2 s before a second "Hello?";
  // machines pause 0.9-1.6 s between sentences (dataplane/dsp/README.md).
  std::uint32_t late_machine_gap_ms = 2000;
  std::uint32_t late_machine_speech_ms = 300;
  float min_speech_margin_db = 5.0f;              // speech: at least this far above the noise floor
  float speech_below_peak_db = 25.0f;             // ... and no further below the loudest speech
  float min_speech_dbfs = -55.0f;                 // ... and at least this loud (RMS re full scale)
};

struct AmdEvent {
  enum class Kind : std::uint8_t {
    Decision,   // result, cause, at_ms (and sit for SIT)
    BeepStart,  // after MACHINE: a beep began at onset_ms (reported at at_ms, once confirmed)
    BeepEnd,    // the beep stopped at at_ms: the moment to start leaving the message
    // After a HUMAN decision: the far end is a machine after all (result MACHINE, cause
    // LateGreeting or LateBeep, at_ms when it was found, onset_ms where the greeting went on).
    // Comes at most late_machine_gap_ms + late_machine_speech_ms after the end of the answer
    // (or with a beep); beep events follow as after any MACHINE. A HUMAN is final once
    // human_final() is true.
    Correction,
  };
  Kind kind = Kind::Decision;
  AmdResult result = AmdResult::Undecided;
  AmdCause cause = AmdCause::None;
  SitCode sit = SitCode::None;
  std::uint32_t at_ms = 0;     // ms of audio from answer when the event was taken
  std::uint32_t onset_ms = 0;  // speech or tone onset the event refers to (0 if none)
  float freq_hz = 0.0f;        // tone frequency for FAX, SIT (third tone) and beeps
};

class AmdDetector {
 public:
  static constexpr std::uint32_t kSampleRateHz = 8000;
  static constexpr std::size_t kFrameSamples = 160;
  static constexpr std::uint32_t kFrameMs = 20;
  static constexpr std::size_t kLanes = 77;  // 300..2200 Hz in 25 Hz steps

  explicit AmdDetector(const AmdConfig& config = {}) noexcept;
  void reset() noexcept;  // a new leg, same config

  // Feeds one 20 ms frame (exactly kFrameSamples samples; anything else is counted in
  // bad_frames() and ignored) and writes the events it produced to `events` (at most two per
  // frame: a decision and a beep onset). Returns the number written.
  // Cost: 5.5-6.0 us per frame while analysing, a branch once done (dataplane/dsp/README.md).
  std::size_t process(std::span<const std::int16_t> frame, std::span<AmdEvent> events) noexcept;
  // End of input (the call ended or the audio ran out): an undecided leg is decided now,
  // SILENCE if nothing was heard, else NOTSURE. Returns the number of events written (0 or 1).
  std::size_t finish(std::span<AmdEvent> events) noexcept;

  AmdResult result() const noexcept { return result_; }
  std::uint32_t decision_ms() const noexcept { return decision_ms_; }
  // True once nothing more will come: decided, not (or no longer) waiting for a beep, and not
  // watching a provisional HUMAN for a late MACHINE correction.
  bool done() const noexcept;
  // True when the decision was HUMAN and the correction window has closed without one.
  bool human_final() const noexcept { return result_ == AmdResult::Human && !provisional_; }
  // The first decision's result and time (differs from result()/decision_ms() after a
  // Correction).
  AmdResult first_result() const noexcept { return corrected_ ? AmdResult::Human : result_; }
  std::uint32_t elapsed_ms() const noexcept { return frames_ * kFrameMs; }
  std::uint64_t bad_frames() const noexcept { return bad_frames_; }

 private:
  struct Frame {       // what one frame measured
    float energy_db;   // mean square, dB re full-scale (0 dB = RMS 32768)
    float tonality;    // strongest lane's share of the energy, 0..1
    float freq_hz;     // its frequency, interpolated between lanes
    float v21_share;   // share of the energy in the V.21 channel-2 band (1600..1900 Hz)
    int lane;          // the strongest lane
  };
  struct ToneRun {     // consecutive tonal frames holding one frequency
    std::uint32_t start = 0, frames = 0;  // first frame, length
    int lane = -1;
    float freq_sum = 0.0f;
    float level_lo = 1e9f, level_hi = -1e9f;  // energy range from the run's second frame, dB
    float freq() const noexcept { return frames ? freq_sum / static_cast<float>(frames) : 0.0f; }
  };
  struct SitSegment {  // a finished tone run at a SIT frequency
    std::uint32_t end = 0, frames = 0;
    float freq = 0.0f;
  };

  Frame analyse(std::span<const std::int16_t> frame) noexcept;
  void track_floor(const Frame& f, bool speech) noexcept;
  float speech_margin_db() const noexcept;
  bool is_speech(const Frame& f) const noexcept;
  void track_speech(float energy_db, bool speech) noexcept;
  bool track_tone(const Frame& f, float min_tonality, ToneRun& run) noexcept;
  AmdCause tone_decision(const Frame& f) noexcept;
  void sit_segment_ended(const ToneRun& run) noexcept;
  AmdCause timing_decision() const noexcept;
  std::size_t beep(const Frame& f, std::span<AmdEvent> events) noexcept;
  std::size_t decide(AmdResult r, AmdCause c, std::span<AmdEvent> events,
                     std::uint32_t onset_ms, float freq_hz) noexcept;
  void track_speech_frame(const Frame& f) noexcept;
  std::size_t watch_human(const Frame& f, std::span<AmdEvent> events) noexcept;
  std::uint32_t frames_of(std::uint32_t ms) const noexcept { return (ms + kFrameMs - 1) / kFrameMs; }

  AmdConfig config_;
  GoertzelBank<kLanes> bank_;
  std::uint32_t frames_ = 0;
  std::uint64_t bad_frames_ = 0;
  AmdResult result_ = AmdResult::Undecided;
  std::uint32_t decision_ms_ = 0;
  SitCode sit_ = SitCode::None;

  // Noise floor and speech level, dB re full scale.
  float floor_db_ = 0.0f;
  float peak_db_ = -200.0f;
  float loudest_db_ = -200.0f;  // loudest speech frame so far
  float spread_db_ = 2.0f;  // how far noise frames rise above the floor on average
  bool floor_set_ = false;
  // The last kFloorWindow energies of non-tonal frames: when they are steady (line noise), the
  // floor does not stay below their minimum (a frame of codec start-up or digital silence must
  // not hold it under the line noise for minutes).
  static constexpr std::size_t kFloorWindow = 25;  // 500 ms
  std::array<float, kFloorWindow> recent_db_{};
  std::uint32_t recent_n_ = 0;
  std::uint32_t floor_support_ = 0;  // frames within 3 dB of the floor (or below it) so far
  // Speech timing, in frames.
  std::uint32_t run_ = 0;              // current run of speech frames
  bool heard_ = false;                 // a word has been heard
  std::uint32_t onset_ = 0;            // first frame of the first word
  std::uint32_t last_speech_ = 0;      // last frame of a confirmed word
  std::uint32_t speech_frames_ = 0;    // frames of confirmed words so far
  // Tones.
  ToneRun tone_;                       // run at the fax/SIT tonality
  ToneRun beep_;                       // run at the beep tonality
  std::uint32_t v21_frames_ = 0;
  std::array<SitSegment, 2> sit_seen_{};  // the last two finished SIT-band runs, newest first
  bool beep_started_ = false, beep_ended_ = false;
  std::uint32_t beep_onset_ = 0;
  // Late MACHINE correction of a provisional HUMAN (frames).
  bool provisional_ = false, corrected_ = false;
  std::uint32_t answer_end_ = 0;       // last speech frame of the answer that was called HUMAN
  std::uint32_t answer_onset_ = 0;     // onset_ at that time (a louder restart changes onset_)
  std::uint32_t resumed_ = 0;          // frames of speech heard since the HUMAN decision
};

}  // namespace dialcore::dataplane::dsp
