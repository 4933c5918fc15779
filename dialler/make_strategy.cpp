#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "dialler/blended_strategy.hpp"
#include "dialler/pacing_strategy.hpp"
#include "dialler/predictive_strategy.hpp"
#include "dialler/preview_strategy.hpp"
#include "dialler/vicidial_strategy.hpp"

namespace dialcore::dialler {

namespace {

// ":key=value,key=value" after "predictive".
bool parse_predictive_knobs(const std::string& text, PredictiveKnobs* k, std::string* error) {
  if (text.empty()) return true;
  auto bad = [&](const std::string& why) {
    if (error) *error = "predictive knobs '" + text + "': " + why;
    return false;
  };
  if (text[0] != ':') return bad("expected predictive:key=value,...");
  std::size_t pos = 1;
  while (pos < text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    const auto eq = item.find('=');
    if (eq == std::string::npos) return bad("'" + item + "' is not key=value");
    const std::string key = item.substr(0, eq), val = item.substr(eq + 1);
    char* stop = nullptr;
    const double v = std::strtod(val.c_str(), &stop);
    if (val.empty() || *stop != '\0' || !(v >= 0)) return bad("'" + val + "' is not a number >= 0");
    if (key == "target")
      k->target_abandon = v;
    else if (key == "theta")
      k->theta_init = v;
    else if (key == "gain")
      k->gain = v;
    else if (key == "guard")
      k->guard_abandons = v;
    else if (key == "memory")
      k->memory_dials = std::max(10.0, v);
    else if (key == "lines")
      k->max_lines_per_agent = v;
    else if (key == "uk")
      k->uk_mode = v != 0;
    else if (key == "idle_boost")
      k->idle_boost = v;
    else if (key == "warm")
      k->warm_live = v;
    else if (key == "future")
      k->future_weight = v;
    else if (key == "live")
      k->live_weight = v != 0;
    else if (key == "path")
      k->path = v != 0;
    else if (key == "fp_share")
      k->amd_fp_share = v;
    else if (key == "cancel")
      k->cancel = v;
    else
      return bad("unknown knob '" + key +
                 "' (target, theta, gain, guard, memory, lines, live, path, idle_boost, warm, "
                 "future, uk, fp_share, cancel)");
    pos = end + 1;
  }
  return true;
}

// The number `text` holds if it is all number and in [lo, hi]; nullopt otherwise.
std::optional<double> number_in(const std::string& text, double lo, double hi) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || !end || *end != '\0' || !(v >= lo && v <= hi)) return std::nullopt;
  return v;
}

}  // namespace

std::unique_ptr<PacingStrategy> make_strategy(const std::string& spec, const CampaignPacing& c,
                                              std::string* error) {
  if (spec == "progressive") return std::make_unique<RatioStrategy>(c, 1.0);
  if (spec == "vicidial") return std::make_unique<VicidialAdaptAverage>(c);
  if (spec == "preview") return std::make_unique<PreviewStrategy>(c, -1.0);
  if (spec.rfind("preview:", 0) == 0) {
    const std::string num = spec.substr(8);
    if (auto t = number_in(num, 0, 3600)) return std::make_unique<PreviewStrategy>(c, *t);
    if (error) *error = "preview:T needs a timeout T between 0 and 3600 s, got '" + num + "'";
    return nullptr;
  }
  if (spec.rfind("blended:", 0) == 0) {
    // blended:N:INNER, N = min_idle_agents_inbound.
    const auto colon = spec.find(':', 8);
    const auto n =
        colon == std::string::npos ? std::nullopt : number_in(spec.substr(8, colon - 8), 0, 10000);
    if (!n || *n != std::floor(*n)) {
      if (error)
        *error =
            "blended needs blended:N:STRATEGY (N idle agents kept for inbound), got '" + spec + "'";
      return nullptr;
    }
    auto inner = make_strategy(spec.substr(colon + 1), c, error);
    if (!inner) return nullptr;
    return std::make_unique<BlendedStrategy>(c, static_cast<int>(*n), std::move(inner));
  }
  if (spec.rfind("predictive", 0) == 0) {
    PredictiveKnobs k;
    if (parse_predictive_knobs(spec.substr(10), &k, error))
      return std::make_unique<PredictiveStrategy>(c, k);
    return nullptr;
  }
  if (spec.rfind("ratio:", 0) == 0) {
    const std::string num = spec.substr(6);
    if (auto k = number_in(num, 1.0, 20.0)) return std::make_unique<RatioStrategy>(c, *k);
    if (error) *error = "ratio:K needs K between 1 and 20, got '" + num + "'";
    return nullptr;
  }
  if (error)
    *error = "unknown strategy '" + spec +
             "' (progressive, ratio:K, vicidial, predictive, preview[:T], blended:N:S)";
  return nullptr;
}

}  // namespace dialcore::dialler
