#pragma once
// What the simulated carrier does with one INVITE, drawn from a workload file (the
// /work/shared/workloads/ schema read by bench/pacing's reader) plus this simulator's optional
// `carrier:` section (README.md). One seeded generator, one draw sequence per INVITE in arrival
// order: the same seed and the same INVITE order give the same calls.

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "bench/pacing/workload.hpp"

namespace dialcore::sim::carrier {

enum class Outcome : std::uint8_t { Live, Machine, Busy, Invalid, Congestion, NoAnswer };
inline constexpr std::size_t kOutcomeCount = 6;
std::string_view outcome_name(Outcome outcome);

enum class DtmfMode : std::uint8_t { Rfc4733, Inband, Both };

// The workload's `carrier:` section; every key optional (defaults below).
struct CarrierExtensions {
  double congestion = 0.0;       // probability of 503, taken from the no-answer share
  int invalid_status = 404;      // 404 or 484
  double pay_probability = 0.0;  // share of live answers that key a card payment
  double pay_after_s = 6.0;      // from the answer to the first key
  std::string card = "4111111111111111";
  std::string cvv = "123";
  DtmfMode dtmf = DtmfMode::Rfc4733;  // inband when the offer has no telephone-event
  std::uint32_t key_on_ms = 100, key_off_ms = 100;
  double machine_record_s = 20.0;  // a machine listens this long after its greeting and beep
};

// Throws std::runtime_error naming the key at fault.
CarrierExtensions load_extensions(const std::string& workload_path);

struct CallPlan {
  Outcome outcome = Outcome::NoAnswer;
  double final_s = 0;    // INVITE to the final response (200, 486, 404/484, 503); unused for NoAnswer
  double talk_s = 0;     // live: the drawn talk time; machine: record time (greeting added later)
  bool pay = false;      // live answers only
  std::uint32_t clip_draw = 0;  // which corpus clip (modulo the clips of that label)
  std::uint32_t filler_draw = 0;
};

class Planner {
 public:
  // time_scale multiplies every drawn time (ring, talk, pay delay, record): 0.1 runs a workload
  // ten times faster for tests and demos; the probabilities are untouched.
  Planner(bench::pacing::Workload workload, CarrierExtensions extensions, std::uint64_t seed,
          double time_scale = 1.0);
  CallPlan next();

  const bench::pacing::Workload& workload() const { return workload_; }
  const CarrierExtensions& extensions() const { return ext_; }
  double time_scale() const { return scale_; }
  // The probability of each outcome as drawn (no-answer includes answers drawn past the ring
  // timeout only in the draws, not here: this is the schema's share).
  std::array<double, kOutcomeCount> shares() const;

 private:
  bench::pacing::Workload workload_;
  CarrierExtensions ext_;
  double scale_;
  std::mt19937_64 rng_;
};

}  // namespace dialcore::sim::carrier
