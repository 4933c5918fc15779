#include "sim/carrier/call_plan.hpp"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

namespace dialcore::sim::carrier {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::Live: return "live";
    case Outcome::Machine: return "machine";
    case Outcome::Busy: return "busy";
    case Outcome::Invalid: return "invalid";
    case Outcome::Congestion: return "congestion";
    case Outcome::NoAnswer: return "no_answer";
  }
  return "?";
}

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& key, const std::string& why) {
  throw std::runtime_error(path + ": carrier." + key + ": " + why);
}

double number(const YAML::Node& n, const std::string& path, const std::string& key, double lo, double hi) {
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    bad(path, key, "not a number");
  }
  if (!(v >= lo && v <= hi)) bad(path, key, "out of range");
  return v;
}

std::string digits(const YAML::Node& n, const std::string& path, const std::string& key) {
  const std::string s = n.as<std::string>();
  if (s.empty()) bad(path, key, "empty");
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '*' || c == '#')) bad(path, key, "keys must be 0-9 * #");
  }
  return s;
}

}  // namespace

CarrierExtensions load_extensions(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  CarrierExtensions ext;
  const YAML::Node c = root["carrier"];
  if (!c || c.IsNull()) return ext;
  if (!c.IsMap()) throw std::runtime_error(path + ": carrier: must be a map");
  for (const auto& kv : c) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "congestion") {
      ext.congestion = number(v, path, key, 0, 1);
    } else if (key == "invalid_status") {
      ext.invalid_status = static_cast<int>(number(v, path, key, 404, 484));
      if (ext.invalid_status != 404 && ext.invalid_status != 484) bad(path, key, "404 or 484");
    } else if (key == "pay_probability") {
      ext.pay_probability = number(v, path, key, 0, 1);
    } else if (key == "pay_after_s") {
      ext.pay_after_s = number(v, path, key, 0, 3600);
    } else if (key == "card") {
      ext.card = digits(v, path, key);
    } else if (key == "cvv") {
      ext.cvv = digits(v, path, key);
    } else if (key == "dtmf") {
      const std::string m = v.as<std::string>();
      if (m == "rfc4733") ext.dtmf = DtmfMode::Rfc4733;
      else if (m == "inband") ext.dtmf = DtmfMode::Inband;
      else if (m == "both") ext.dtmf = DtmfMode::Both;
      else bad(path, key, "rfc4733, inband or both");
    } else if (key == "key_on_ms") {
      ext.key_on_ms = static_cast<std::uint32_t>(number(v, path, key, 40, 1000));
    } else if (key == "key_off_ms") {
      ext.key_off_ms = static_cast<std::uint32_t>(number(v, path, key, 40, 5000));
    } else if (key == "machine_record_s") {
      ext.machine_record_s = number(v, path, key, 0, 3600);
    } else {
      bad(path, key, "unknown key");
    }
  }
  if (ext.card.size() + ext.cvv.size() + 1 > 32) bad(path, "card", "card, '#' and cvv: at most 32 keys");
  return ext;
}

Planner::Planner(bench::pacing::Workload workload, CarrierExtensions extensions, std::uint64_t seed,
                 double time_scale)
    : workload_(std::move(workload)), ext_(std::move(extensions)), scale_(time_scale), rng_(seed) {
  const auto s = shares();
  if (s[static_cast<std::size_t>(Outcome::NoAnswer)] < -1e-9) {
    throw std::runtime_error("outcome probabilities (with carrier.congestion) sum above 1");
  }
}

std::array<double, kOutcomeCount> Planner::shares() const {
  const auto& o = workload_.outcomes;
  std::array<double, kOutcomeCount> s{o.live, o.machine, o.busy, o.invalid, ext_.congestion, 0.0};
  s[5] = 1.0 - (s[0] + s[1] + s[2] + s[3] + s[4]);
  return s;
}

CallPlan Planner::next() {
  // Always the same number of draws per call, whatever the outcome, so one call's outcome
  // never shifts the next call's draws.
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double u = unit(rng_);
  const auto s = shares();
  CallPlan p;
  double acc = 0;
  p.outcome = Outcome::NoAnswer;
  for (std::size_t i = 0; i + 1 < kOutcomeCount; ++i) {
    acc += s[i];
    if (u < acc) {
      p.outcome = static_cast<Outcome>(i);
      break;
    }
  }
  const double live_at = workload_.answer_live.sample(rng_);
  const double machine_at = workload_.answer_machine.sample(rng_);
  const double busy_at = workload_.answer_busy.sample(rng_);
  const double invalid_at = workload_.answer_invalid.sample(rng_);
  const double talk = workload_.talk_s.sample(rng_);
  const double pay_u = unit(rng_);
  p.clip_draw = static_cast<std::uint32_t>(rng_() >> 32);
  p.filler_draw = static_cast<std::uint32_t>(rng_() >> 32);

  switch (p.outcome) {
    case Outcome::Live: p.final_s = live_at; break;
    case Outcome::Machine: p.final_s = machine_at; break;
    case Outcome::Busy: p.final_s = busy_at; break;
    case Outcome::Invalid:
    case Outcome::Congestion: p.final_s = invalid_at; break;
    case Outcome::NoAnswer: break;
  }
  // The schema: an answer drawn at or beyond ring_timeout_s is a no-answer.
  if ((p.outcome == Outcome::Live || p.outcome == Outcome::Machine) &&
      p.final_s >= workload_.ring_timeout_s) {
    p.outcome = Outcome::NoAnswer;
  }
  if (p.final_s < 0) p.final_s = 0;
  if (p.outcome == Outcome::Live) {
    p.talk_s = talk > 0 ? talk : 0;
    p.pay = pay_u < ext_.pay_probability;
  } else if (p.outcome == Outcome::Machine) {
    p.talk_s = ext_.machine_record_s;
  }
  p.final_s *= scale_;
  p.talk_s *= scale_;
  return p;
}

}  // namespace dialcore::sim::carrier
