#include "bench/pacing/workload.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dialcore::bench::pacing {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

double num(const YAML::Node& n, const std::string& where) {
  if (!n || !n.IsScalar()) fail(where, "expected a number");
  try {
    return n.as<double>();
  } catch (const YAML::Exception&) {
    fail(where, "expected a number, got '" + n.Scalar() + "'");
  }
}

Distribution dist(const YAML::Node& n, const std::string& where) {
  Distribution d;
  if (!n) fail(where, "missing");
  if (n.IsScalar()) {
    d.a = num(n, where);
    return d;
  }
  if (!n.IsMap()) fail(where, "expected a distribution");
  if (n["normal"]) {
    d.kind = Distribution::Kind::Normal;
    d.a = num(n["normal"]["mean"], where + ".normal.mean");
    d.b = num(n["normal"]["sd"], where + ".normal.sd");
  } else if (n["uniform"]) {
    d.kind = Distribution::Kind::Uniform;
    d.a = num(n["uniform"]["min"], where + ".uniform.min");
    d.b = num(n["uniform"]["max"], where + ".uniform.max");
  } else if (n["lognormal"]) {
    d.kind = Distribution::Kind::Lognormal;
    const double mean = num(n["lognormal"]["mean"], where + ".lognormal.mean");
    const double cv = num(n["lognormal"]["cv"], where + ".lognormal.cv");
    if (mean <= 0 || cv < 0) fail(where, "lognormal needs mean > 0 and cv >= 0");
    d.b = std::sqrt(std::log1p(cv * cv));
    d.a = std::log(mean) - d.b * d.b / 2;
  } else if (n["mixture"]) {
    d.kind = Distribution::Kind::Mixture;
    const YAML::Node m = n["mixture"];
    if (!m.IsSequence() || m.size() == 0) fail(where, "mixture needs a list");
    for (std::size_t i = 0; i < m.size(); ++i) {
      const std::string w = where + ".mixture[" + std::to_string(i) + "]";
      YAML::Node part = YAML::Clone(m[i]);
      const double weight = num(part["weight"], w + ".weight");
      part.remove("weight");
      d.parts.emplace_back(weight, dist(part, w));
    }
  } else {
    fail(where, "unknown distribution (normal, uniform, lognormal, mixture, number)");
  }
  if (n["min"]) d.min = num(n["min"], where + ".min");
  if (n["max"]) d.max = num(n["max"], where + ".max");
  return d;
}

Outcomes outcomes(const YAML::Node& n, const std::string& where) {
  if (!n || !n.IsMap()) fail(where, "expected a map of probabilities");
  Outcomes o;
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    const double p = num(kv.second, where + "." + key);
    if (p < 0 || p > 1) fail(where + "." + key, "probability outside [0, 1]");
    if (key == "live")
      o.live = p;
    else if (key == "machine")
      o.machine = p;
    else if (key == "busy")
      o.busy = p;
    else if (key == "invalid")
      o.invalid = p;
    else if (key != "no_answer")
      fail(where + "." + key, "unknown outcome");
  }
  if (o.live + o.machine + o.busy + o.invalid > 1 + 1e-9) fail(where, "probabilities sum above 1");
  return o;
}

}  // namespace

double Distribution::sample(std::mt19937_64& rng) const {
  double x = a;
  switch (kind) {
    case Kind::Constant: break;
    case Kind::Normal: x = std::normal_distribution<double>(a, b)(rng); break;
    case Kind::Uniform: x = std::uniform_real_distribution<double>(a, b)(rng); break;
    case Kind::Lognormal: x = std::exp(std::normal_distribution<double>(a, b)(rng)); break;
    case Kind::Mixture: {
      double total = 0;
      for (const auto& p : parts) total += p.first;
      double u = std::uniform_real_distribution<double>(0, total)(rng);
      x = parts.back().second.sample(rng);
      for (const auto& p : parts) {
        if (u < p.first) {
          x = p.second.sample(rng);
          break;
        }
        u -= p.first;
      }
      break;
    }
  }
  if (min) x = std::max(x, *min);
  if (max) x = std::min(x, *max);
  return x;
}

double Distribution::mean_estimate() const {
  std::mt19937_64 rng(1);
  double s = 0;
  for (int i = 0; i < 20000; ++i) s += sample(rng);
  return s / 20000;
}

Workload load_workload(const std::string& path) {
  YAML::Node y;
  try {
    y = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  Workload w;
  w.name = y["name"] ? y["name"].as<std::string>() : path;
  w.agents = static_cast<int>(num(y["agents"], "agents"));
  w.shift_hours = num(y["shift_hours"], "shift_hours");
  if (w.agents <= 0 || w.shift_hours <= 0) fail("agents/shift_hours", "must be positive");
  w.outcomes = outcomes(y["outcomes"], "outcomes");
  const YAML::Node at = y["answer_time_s"];
  w.answer_live = dist(at["live"], "answer_time_s.live");
  w.answer_machine = dist(at["machine"], "answer_time_s.machine");
  w.answer_busy = dist(at["busy"], "answer_time_s.busy");
  w.answer_invalid = dist(at["invalid"], "answer_time_s.invalid");
  w.ring_timeout_s = num(y["ring_timeout_s"], "ring_timeout_s");
  w.talk_s = dist(y["talk_s"], "talk_s");
  w.wrap_s = dist(y["wrap_s"], "wrap_s");
  if (const YAML::Node m = y["machine_to_agent"]; m && !m.IsNull()) {
    w.machine_handle_s = num(m["handle_s"], "machine_to_agent.handle_s");
    w.machine_wrap_s = num(m["wrap_s"], "machine_to_agent.wrap_s");
  }
  if (const YAML::Node a = y["amd"]; a && !a.IsNull()) {
    w.amd_enabled = a["enabled"] && a["enabled"].as<bool>();
    if (w.amd_enabled) {
      w.amd_analysis_s = num(a["analysis_s"], "amd.analysis_s");
      w.amd_false_positive = num(a["false_positive"], "amd.false_positive");
      w.amd_false_negative = num(a["false_negative"], "amd.false_negative");
    }
  }
  w.abandon_after_s = num(y["abandon_after_s"], "abandon_after_s");
  if (const YAML::Node r = y["regime_shift"]; r && !r.IsNull())
    w.regime_shift = std::make_pair(num(r["at_h"], "regime_shift.at_h"),
                                    outcomes(r["outcomes"], "regime_shift.outcomes"));
  if (const YAML::Node in = y["inbound"]; in && !in.IsNull()) {
    Inbound ib;
    ib.calls_per_hour = num(in["calls_per_hour"], "inbound.calls_per_hour");
    ib.talk_s = dist(in["talk_s"], "inbound.talk_s");
    ib.wrap_s = dist(in["wrap_s"], "inbound.wrap_s");
    ib.patience_s = dist(in["patience_s"], "inbound.patience_s");
    if (const YAML::Node s = in["sla"]; s && !s.IsNull()) {
      ib.sla_answer_within_s = num(s["answer_within_s"], "inbound.sla.answer_within_s");
      ib.sla_target = num(s["target"], "inbound.sla.target");
    }
    w.inbound = ib;
  }
  return w;
}

}  // namespace dialcore::bench::pacing
