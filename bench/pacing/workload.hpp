#pragma once
// A pacing workload as /work/shared/workloads/README.md documents it (see bench/pacing/README.md
// for the schema), read from YAML with yaml-cpp.

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace dialcore::bench::pacing {

// normal {mean, sd} | uniform {min, max} | lognormal {mean, cv} | mixture [{weight, <dist>}]
// | a plain number; optional min/max clamps.
class Distribution {
 public:
  enum class Kind { Constant, Normal, Uniform, Lognormal, Mixture };
  double sample(std::mt19937_64& rng) const;
  double mean_estimate() const;

  Kind kind = Kind::Constant;
  double a = 0, b = 0;  // constant/mean/min/mu ; sd/max/sigma
  std::vector<std::pair<double, Distribution>> parts;
  std::optional<double> min, max;
};

struct Outcomes {
  double live = 0, machine = 0, busy = 0, invalid = 0;  // no_answer = 1 - sum
};

struct Inbound {
  double calls_per_hour = 0;
  Distribution talk_s, wrap_s, patience_s;
  double sla_answer_within_s = 20, sla_target = 0.8;
};

struct Workload {
  std::string name;
  int agents = 0;
  double shift_hours = 0;
  Outcomes outcomes;
  Distribution answer_live, answer_machine, answer_busy, answer_invalid;
  double ring_timeout_s = 25;
  Distribution talk_s, wrap_s;
  double machine_handle_s = 0, machine_wrap_s = 0;
  bool amd_enabled = false;
  double amd_analysis_s = 0, amd_false_positive = 0, amd_false_negative = 0;
  double abandon_after_s = 2;
  std::optional<std::pair<double, Outcomes>> regime_shift;  // at hour, new outcomes
  std::optional<Inbound> inbound;
};

// Throws std::runtime_error with the key at fault.
Workload load_workload(const std::string& path);

}  // namespace dialcore::bench::pacing
