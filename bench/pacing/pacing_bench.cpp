#include "bench/pacing/pacing_bench.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "bench/pacing/pacing_sim.hpp"
#include "bench/support/args.hpp"
#include "bench/support/report.hpp"

namespace dialcore::bench {

namespace {

constexpr const char* kUsage =
    "usage: dialbench pacing --workload FILE.yaml [--strategy S] [--seed N] [--seeds N]\n"
    "                        [--agents N] [--json]\n"
    "  S: progressive | ratio:K | vicidial | predictive (default: all of progressive,\n"
    "     ratio:2.5, vicidial, predictive, on the same leads and outcome draws)\n"
    "  --seeds N runs seeds N, N+1, ... from --seed (default 1) and reports medians and worst.\n"
    "  \"taken back\" (JSON cancelled_ringing): unanswered calls the strategy hung up after the\n"
    "  15 s minimum ring (predictive); cancel_refused counts hang-ups asked earlier (refused).\n";

using pacing::SimResult;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Field {
  const char* key;
  double SimResult::*ptr;
  bool worst_is_max;  // the worst seed is the highest value (rates, delays)
};

const Field kFields[] = {
    {"talk_min_per_agent_hour", &SimResult::talk_min_per_agent_hour, false},
    {"occupancy", &SimResult::occupancy, false},
    {"true_abandon_rate", &SimResult::true_abandon_rate, true},
    {"worst_day_rate", &SimResult::worst_day_rate, true},
    {"worst_60min_rate", &SimResult::worst_60min_rate, true},
    {"uk_rate", &SimResult::uk_rate, true},
    {"dials_per_connect", &SimResult::dials_per_connect, true},
    {"bridge_delay_p99_s", &SimResult::bridge_delay_p99_s, true},
    {"idle_between_calls_s", &SimResult::idle_between_calls_s, true},
    {"inbound_service_level", &SimResult::inbound_service_level, false},
    {"sim_ms", &SimResult::sim_ms, true},
};

boost::json::object summarise(const std::vector<SimResult>& runs) {
  boost::json::object o;
  for (const Field& f : kFields) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.*f.ptr);
    if (v.front() < 0) continue;  // not applicable (AMD off, no inbound)
    o[std::string(f.key)] = median(v);
    o[std::string(f.key) + "_worst"] = f.worst_is_max ? *std::max_element(v.begin(), v.end())
                                                      : *std::min_element(v.begin(), v.end());
  }
  std::vector<double> dials, live, ab, cancelled, refused;
  for (const auto& r : runs) {
    dials.push_back(static_cast<double>(r.dials));
    live.push_back(static_cast<double>(r.live_answers));
    ab.push_back(static_cast<double>(r.abandoned));
    cancelled.push_back(static_cast<double>(r.cancelled_ringing));
    refused.push_back(static_cast<double>(r.cancel_refused));
  }
  o["cancelled_ringing"] = median(cancelled);
  o["cancel_refused"] = *std::max_element(refused.begin(), refused.end());
  o["dials"] = median(dials);
  o["live_answers"] = median(live);
  o["abandoned"] = median(ab);
  return o;
}

std::string pct(double v) { return v < 0 ? "-" : fixed(100 * v, 2) + "%"; }

}  // namespace

int run_pacing_bench(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const bool json = args.flag("--json");
  const auto file = args.value("--workload");
  const auto strategy = args.value("--strategy");
  const auto seed_s = args.value("--seed");
  const auto seeds_s = args.value("--seeds");
  const auto agents_s = args.value("--agents");
  if (!file || !args.rest().empty()) {
    std::fprintf(
        stderr, "dialbench pacing: %s\n%s",
        file ? ("unexpected '" + args.rest().front() + "'").c_str() : "--workload is required",
        kUsage);
    return 2;
  }
  try {
    pacing::Workload w = pacing::load_workload(*file);
    const std::uint64_t seed = seed_s ? std::stoull(*seed_s) : 1;
    const int seeds = seeds_s ? std::stoi(*seeds_s) : 1;
    if (agents_s) w.agents = std::stoi(*agents_s);
    if (seeds < 1 || w.agents < 1) throw std::runtime_error("--seeds and --agents must be >= 1");
    std::vector<std::string> strategies =
        strategy ? std::vector<std::string>{*strategy}
                 : std::vector<std::string>{"progressive", "ratio:2.5", "vicidial", "predictive"};

    Table table({"strategy", "talk min/agent-h", "occupancy", "dials", "live", "abandoned",
                 "abandon", "worst day", "worst 60 min", "UK rate", "dials/connect", "bridge p99 s",
                 "idle/call s", "inbound SL", "taken back"});
    boost::json::object out{{"command", "pacing"}, {"workload", w.name},
                            {"agents", w.agents},  {"shift_hours", w.shift_hours},
                            {"seed", seed},        {"seeds", seeds}};
    boost::json::object per;
    for (const auto& s : strategies) {
      std::vector<SimResult> runs;
      for (int i = 0; i < seeds; ++i)
        runs.push_back(pacing::simulate(w, s, seed + static_cast<std::uint64_t>(i)));
      const boost::json::object m = summarise(runs);
      auto get = [&](const char* k) { return m.contains(k) ? m.at(k).as_double() : -1.0; };
      table.add({s, fixed(get("talk_min_per_agent_hour"), 1), pct(get("occupancy")),
                 fixed(get("dials"), 0), fixed(get("live_answers"), 0), fixed(get("abandoned"), 0),
                 pct(get("true_abandon_rate")), pct(get("worst_day_rate_worst")),
                 pct(get("worst_60min_rate_worst")), pct(get("uk_rate")),
                 fixed(get("dials_per_connect"), 2), fixed(get("bridge_delay_p99_s"), 2),
                 fixed(get("idle_between_calls_s"), 1), pct(get("inbound_service_level")),
                 fixed(get("cancelled_ringing"), 0)});
      per[s] = m;
    }
    out["strategies"] = per;
    std::printf(
        "workload %s, %d agents, %.1f h, seeds %llu..%llu (medians; worst day and worst "
        "60 min are the worst seed)\n%s",
        w.name.c_str(), w.agents, w.shift_hours, static_cast<unsigned long long>(seed),
        static_cast<unsigned long long>(seed + static_cast<std::uint64_t>(seeds) - 1),
        table.render().c_str());
    if (json) print_json_line(out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dialbench pacing: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace dialcore::bench
