#pragma once
// In-band DTMF detector after ITU-T Q.24, built to resist talk-off (speech or music taken for
// a key) and talk-down (speech over a real key).
//
// The input is cut into 5 ms blocks; a Goertzel bank measures the eight DTMF frequencies in
// each. Every 5 ms the last four blocks are phase-aligned and summed with weights 1-3-3-1
// into a tapered 20 ms window (leakage about -25 dB between neighbouring rows, -33 dB between
// the groups), and the window is judged: strongest row and column against the rest of their
// group, their frequency offsets from the phase advance between consecutive windows, their
// levels once that offset is followed, twist, and the tones' share of the window's power.
// A passing window is a hit for its key. Hits add up to an amplitude-weighted duration (a
// window half covered by the tone counts for half of its 5 ms), and the key is declared when
// that reaches 28 ms: Q.24 wants 40 ms tones accepted and 23 ms tones rejected. Tones under
// speech louder than themselves pass a looser test but must last 50 ms. Before a key is
// declared its tones must be steady: voices and music imitate keys with two harmonics of one
// pitch, and when the pitch moves both glide by the same relative amount, so a candidate whose
// two tones glide together (phase curvature over its last 40 ms), or, unless the pair is
// clean, sit more than 1.8 % off (phase gained over the same windows), is not declared. A
// digit ends when its tones have stayed below half their level for 25 ms, which bridges a
// 10 ms interruption and still separates a repeated key after a 40 ms pause. Thresholds and
// their reasons are in dtmf_detector.cpp.
//
// Time is passed in: process() takes the caller's sample clock of the first sample (e.g. the
// leg's RTP timestamp); events carry times on that clock. Audio is treated as continuous.
//
// Cost: 0.63-0.77 us per 20 ms frame at 8 kHz (`dialbench dsp`, medians of 15 runs over the
// 185 s of 8 kHz fixtures, speech and keys; the spread is this shared 2-core VM), 0.61-0.62
// times spandsp's dtmf_rx on the same audio in the same runs (1.03-1.24 us): the Goertzel
// bank ~0.2 us, the 5 ms windows the rest, most of them stopped by a cheap gate; the
// steadiness check runs only when a key is about to be declared. No allocation, lock or
// system call: all state is in the object.

#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dataplane/dsp/goertzel_bank.hpp"

namespace dialcore::dataplane::dsp {

struct DtmfEvent {
  enum class Kind : std::uint8_t {
    Begin,  // the key was recognised; it may still be sounding
    End,    // the key stopped; duration_samples is final
  };
  Kind kind = Kind::Begin;
  char digit = 0;                      // '0'-'9', '*', '#', 'A'-'D'
  std::uint64_t start_sample = 0;      // caller's clock at the estimated start of the tone
  std::uint32_t duration_samples = 0;  // Begin: heard so far; End: the whole tone
};

struct DtmfResult {
  std::size_t count = 0;    // events written to the caller's span
  std::size_t dropped = 0;  // events lost because the span was full
};

// The key gathering evidence before it is declared (for the masker, which must hide a tone
// from its first milliseconds).
struct DtmfCandidate {
  char digit = 0;                  // 0 when no key is gathering evidence
  std::uint64_t start_sample = 0;  // caller's clock at its estimated start
  float strong_ms = 0.0f;          // amplitude-weighted duration of its strong hits so far
  float share = 0.0f;              // its tones' mean share of the power (1: nothing else heard)
  bool unsteady = false;           // its tones were found gliding together (a voice, probably)
};

// What the detector measured in its latest 20 ms window (for tests and tracing; computing
// it costs logarithms, so process() stores raw figures and this is derived on request).
struct DtmfWindowInfo {
  char key = 0;              // strongest row with strongest column, passed or not
  float row_dbfs = -200.0f;  // per-tone levels, dB relative to a full-scale sine
  float col_dbfs = -200.0f;
  float row_offset = 0.0f;  // frequency offsets, relative (0.01 = 1 % above nominal)
  float col_offset = 0.0f;
  float row_peak_db = 0.0f;  // strongest minus second strongest of the group
  float col_peak_db = 0.0f;
  float twist_db = 0.0f;    // column level minus row level
  float dtmf_share = 0.0f;  // both tones' share of the window's power, 0..1
  bool strong_hit = false;  // passed the clean-tone test
  bool weak_hit = false;    // passed only the test for tones under loud speech
};

class DtmfDetector {
 public:
  static constexpr std::uint32_t kSampleRateHz = 8000;
  static constexpr std::size_t kBlockSamples = 40;  // 5 ms: the hop between windows

  DtmfDetector() noexcept;

  // Forgets all audio (a new call); the clock restarts with the next process().
  void reset() noexcept;

  // Feeds any number of samples (typically one 10 or 20 ms frame); `first_sample` is the
  // caller's clock of pcm[0]. Events found are written to `events` in time order.
  DtmfResult process(std::span<const std::int16_t> pcm, std::uint64_t first_sample,
                     std::span<DtmfEvent> events) noexcept;

  // The key sounding now (after its Begin, before its End), or 0.
  char active_digit() const noexcept;
  // The key gathering evidence now, not declared yet (digit 0 when none).
  DtmfCandidate candidate() const noexcept;
  DtmfWindowInfo last_window() const noexcept;

  // A complex number for the per-window arithmetic (std::complex's operator* carries NaN
  // recovery code that costs more than the multiply).
  struct Cpx {
    float re = 0.0f, im = 0.0f;
  };

 private:
  static constexpr std::size_t kLanes = 8;  // 4 rows then 4 columns
  using Lanes = std::array<float, kLanes>;

  void end_block() noexcept;
  void analyse_window() noexcept;
  struct Hit {  // the two tone amplitudes of a passing window
    float amp_row = 0.0f, amp_col = 0.0f;
  };
  void track(int key, bool strong, bool weak, const Hit& hit, const Lanes& p) noexcept;
  void end_digit() noexcept;
  void emit(DtmfEvent::Kind kind, int key, std::uint64_t start, std::uint64_t duration) noexcept;
  Cpx derotate(std::size_t lane, Cpx step) const noexcept;
  struct ToneTrack {
    float offset = 0.0f, glide = 0.0f;  // relative; glide per 20 ms
  };
  ToneTrack track_tone(std::size_t lane, std::uint64_t first, std::uint64_t last) const noexcept;
  bool steady(int key) const noexcept;

  GoertzelBank<kLanes> bank_;
  // Per lane, as separate real and imaginary arrays so the per-window loops vectorise: the
  // window weights times the rotation that aligns each block's phase with the window's oldest
  // block (3 e^{-jw40}, 3 e^{-jw80}, e^{-jw120}, w in radians per sample), e^{-jw40} itself,
  // and the cosines of the largest phase steps the two offset tolerances allow.
  Lanes a1_re_{}, a1_im_{}, a2_re_{}, a2_im_{}, a3_re_{}, a3_im_{};
  std::array<Cpx, kLanes> step_{};
  Lanes cos_wide_{}, cos_narrow_{};
  Lanes lane_rad_per_window_{};  // w * kBlockSamples

  // Input side: the block being filled and the last four finished blocks (a ring).
  std::size_t fill_ = 0;
  std::int64_t block_energy_ = 0;
  std::array<Lanes, 4> x_re_{}, x_im_{};
  std::array<float, 4> energy_{};
  std::uint64_t blocks_ = 0;
  // The aligned sums of the last kHistory windows and their tones' share of the power (rings
  // indexed by window number): the latest two give each window's frequency offsets, all of
  // them the steadiness check before a key is declared (dtmf_detector.cpp, "Talk-off by
  // harmonics").
  static constexpr std::size_t kHistory = 8;
  std::array<Lanes, kHistory> z_re_{}, z_im_{};
  std::array<float, kHistory> share_{};
  std::uint64_t windows_ = 0;  // windows analysed since reset(); the latest is windows_ - 1

  // Raw figures of the latest window, for last_window().
  struct Raw {
    int key = -1;
    float p_row = 0, p_col = 0, rel_row = 0, rel_col = 0, share = 0;
    Cpx turn_row{}, turn_col{};  // phase advance per block relative to nominal
    bool strong = false, weak = false;
  } raw_;

  // A key gathering hits, not yet declared.
  int cand_key_ = -1;
  int cand_miss_ = 0;                                // windows since its last hit
  float cand_strong_row_ = 0, cand_strong_col_ = 0;  // sums of tone amplitudes over strong hits
  float cand_all_row_ = 0, cand_all_col_ = 0;        // ... over all hits
  float cand_max_row_ = 0, cand_max_col_ = 0;        // largest amplitude seen
  float cand_peak_row_ = 0, cand_peak_col_ = 0;      // largest window power at the key's lanes
  std::uint64_t cand_first_end_ = 0;                 // end of its first hit window (internal clock)
  std::uint64_t cand_first_window_ = 0;              // number of that window
  std::uint64_t cand_recheck_from_ = 0;  // after an unsteady judgement: first window of the next

  // The declared key, while it sounds.
  int digit_key_ = -1;
  int digit_absent_ = 0;  // consecutive windows without its tones
  float digit_peak_row_ = 0, digit_peak_col_ = 0;
  std::uint64_t digit_first_end_ = 0, digit_last_end_ = 0;

  std::uint64_t processed_ = 0;  // samples since reset(): the internal clock
  std::uint64_t origin_ = 0;     // caller's clock minus the internal clock
  std::span<DtmfEvent> out_;
  DtmfResult result_{};
};

}  // namespace dialcore::dataplane::dsp
