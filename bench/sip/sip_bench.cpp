#include "bench/sip/sip_bench.hpp"

#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench/sip/sip_load.hpp"
#include "bench/support/args.hpp"
#include "bench/support/report.hpp"
#include "bench/support/stats.hpp"

namespace dialcore::bench {

namespace {

using sip::LoadFigures;
using sip::LoadSpec;

constexpr const char* kHelp =
    "usage: dialbench sip [--cps N] [--seconds S] [--concurrent N] [--hold-s S] [--rtp-sample K]\n"
    "                     [--workers W] [--park] [--runs R] [--no-baseline] [--json]\n"
    "                     [--cut-s S] [--session-s S] [--t1-ms T]\n"
    "\n"
    "sipp callers against the B2BUA in-process (dataplane Runtime, MediaService, SipStack,\n"
    "CallController): every call INVITE (PCMA SDP) -> answered -> bridged to a sipp UAS (the\n"
    "agent's UA; --park: parked, one leg) -> hold -> BYE; media legs created and destroyed.\n"
    "Inside a private network namespace when run as root, on loopback otherwise.\n"
    "  --cps N          offered calls per second (default 200)\n"
    "  --seconds S      rate mode: calls = cps x S (default 20)\n"
    "  --concurrent N   concurrent mode: N calls placed at --cps, all held together\n"
    "  --hold-s S       hold time of each call (default 1; concurrent: N/cps + 10)\n"
    "  --rtp-sample K   K of the calls play a G.711 pcap; their legs' rx counters are checked\n"
    "                   through MediaService::stats (default 10)\n"
    "  --workers W      dataplane workers, unpinned (default 1)\n"
    "  --runs R         repeat; rates and CPU are medians, counts are totals (default 1)\n"
    "  --no-baseline    skip the same-load sipp UAC -> sipp UAS run (no B2BUA)\n"
    "  --cut-s S        peers vanish: S s after the start every sipp is killed with its calls\n"
    "                   as they are; the run then waits for the reaper (no baseline; ok = 0 left)\n"
    "  --session-s S    sip.timers.session_expires_s: a silent call is probed at S/2 (1800)\n"
    "  --t1-ms T        sip.timers.t1_ms: SIP timers B/F/H are 64 x T (default 500)\n"
    "--json ends with one line of figures (field names: bench/sip/README.md).\n";

enum class Agg { Sum, Max, Median };

// One figure: its JSON name, how runs combine, and its value in each run.
struct Figure {
  std::string name;
  Agg agg;
  int decimals;
  std::vector<double> runs;
  double value() const {
    if (runs.empty()) return 0;
    if (agg == Agg::Sum) {
      double s = 0;
      for (const double v : runs) s += v;
      return s;
    }
    if (agg == Agg::Max) return *std::max_element(runs.begin(), runs.end());
    return median(runs);
  }
};

class Figures {
 public:
  void add(const std::string& name, Agg agg, int decimals, double v) {
    auto it = std::find_if(list_.begin(), list_.end(),
                           [&](const Figure& f) { return f.name == name; });
    if (it == list_.end()) {
      list_.push_back({name, agg, decimals, {}});
      it = list_.end() - 1;
    }
    it->runs.push_back(v);
  }
  double value(const std::string& name) const {
    for (const Figure& f : list_) {
      if (f.name == name) return f.value();
    }
    return 0;
  }
  const std::vector<Figure>& list() const { return list_; }

 private:
  std::vector<Figure> list_;
};

double per_call_us(double cpu_s, double calls) { return calls > 0 ? cpu_s * 1e6 / calls : 0; }

void add_run(Figures& fs, const LoadFigures& f, const LoadFigures* base) {
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  fs.add("achieved_cps", Agg::Median, 1, f.achieved_cps);
  fs.add("seconds", Agg::Median, 1, f.seconds);
  fs.add("calls_ok", Agg::Sum, 0, d(f.uac_ok));
  fs.add("calls_failed", Agg::Sum, 0, d(f.uac_failed));
  fs.add("uas_ok", Agg::Sum, 0, d(f.uas_ok));
  fs.add("uas_failed", Agg::Sum, 0, d(f.uas_failed));
  fs.add("b2bua_incoming", Agg::Sum, 0, d(f.calls_incoming));
  fs.add("b2bua_answered", Agg::Sum, 0, d(f.calls_answered));
  fs.add("b2bua_bridged", Agg::Sum, 0, d(f.calls_bridged));
  fs.add("b2bua_ended_ok", Agg::Sum, 0, d(f.calls_ended_ok));
  fs.add("b2bua_failed", Agg::Sum, 0, d(f.calls_failed));
  // Bridge mode: a call whose agent leg was not up and bridged before the caller hung up (the
  // B2BUA fell behind: the agent's INVITE is cancelled, the caller saw a normal call).
  fs.add("b2bua_unbridged", Agg::Sum, 0,
         f.park ? 0 : d(f.calls_incoming > f.calls_bridged ? f.calls_incoming - f.calls_bridged : 0));
  fs.add("teardown_errors", Agg::Sum, 0, d(f.teardown_errors));
  fs.add("sip_incoming", Agg::Sum, 0, d(f.sip_incoming));
  fs.add("sip_dialled", Agg::Sum, 0, d(f.sip_dialled));
  fs.add("sip_answered", Agg::Sum, 0, d(f.sip_answered));
  fs.add("sip_refused", Agg::Sum, 0, d(f.sip_refused));
  fs.add("sip_malformed", Agg::Sum, 0, d(f.sip_malformed));
  fs.add("sip_events_lost", Agg::Sum, 0, d(f.sip_events_lost));
  fs.add("media_commands_ok", Agg::Sum, 0, d(f.media_ok));
  fs.add("media_commands_failed", Agg::Sum, 0, d(f.media_failed));
  fs.add("media_busy_failures", Agg::Sum, 0, d(f.media_busy_failures));
  fs.add("media_timeouts", Agg::Sum, 0, d(f.media_timeouts));
  fs.add("peak_calls", Agg::Max, 0, d(f.peak_calls));
  fs.add("peak_legs", Agg::Max, 0, d(f.peak_legs));
  fs.add("peak_worker_legs", Agg::Max, 0, d(f.peak_worker_legs));
  fs.add("legs_left", Agg::Max, 0, d(f.legs_left));
  fs.add("calls_left", Agg::Max, 0, d(f.calls_left));
  fs.add("sip_handles_left", Agg::Max, 0, d(f.sip_handles_left));
  fs.add("rtp_sample_calls", Agg::Sum, 0, d(f.sample_calls));
  fs.add("rtp_sample_checked", Agg::Sum, 0, d(f.sample_checked));
  fs.add("rtp_sample_ok", Agg::Sum, 0, d(f.sample_ok));
  fs.add("rtp_rx_packets", Agg::Sum, 0, d(f.sample_rx_packets));
  const double calls = d(f.calls_incoming);
  const double ctl = per_call_us(f.control_cpu_s, calls);
  const double sip = per_call_us(f.sip_cpu_s, calls);
  fs.add("control_us_per_call", Agg::Median, 1, ctl);
  fs.add("sip_us_per_call", Agg::Median, 1, sip);
  fs.add("b2bua_us_per_call", Agg::Median, 1, ctl + sip);
  fs.add("worker_us_per_call", Agg::Median, 1, per_call_us(f.worker_cpu_s, calls));
  fs.add("worker_cpu_pct", Agg::Median, 1, f.seconds > 0 ? 100.0 * f.worker_cpu_s / f.seconds : 0);
  fs.add("sipp_us_per_call", Agg::Median, 1, per_call_us(f.sipp_cpu_s, d(f.uac_ok)));
  // What one thread needs at 1,000 calls/s: the control and SIP threads are one each.
  fs.add("control_core_at_1000cps", Agg::Median, 3, ctl * 1000 / 1e6);
  fs.add("sip_core_at_1000cps", Agg::Median, 3, sip * 1000 / 1e6);
  fs.add("timed_out", Agg::Max, 0, f.timed_out ? 1 : 0);
  fs.add("sip_probes", Agg::Sum, 0, d(f.sip_probes));
  fs.add("sip_reaped", Agg::Sum, 0, d(f.sip_reaped));
  fs.add("calls_at_cut", Agg::Max, 0, d(f.calls_at_cut));
  fs.add("legs_at_cut", Agg::Max, 0, d(f.legs_at_cut));
  fs.add("handles_at_cut", Agg::Max, 0, d(f.handles_at_cut));
  // Seconds from the cut until nothing was left; -1: something outlived the bound (not ok).
  fs.add("reap_s", Agg::Median, 1, f.reap_s);
  if (base != nullptr) {
    const double b = per_call_us(base->sipp_cpu_s, d(base->uac_ok));
    fs.add("baseline_sipp_pair_us_per_call", Agg::Median, 1, b);
    fs.add("baseline_calls_ok", Agg::Sum, 0, d(base->uac_ok));
    fs.add("baseline_calls_failed", Agg::Sum, 0, d(base->uac_failed + base->uas_failed));
    fs.add("cpu_ratio_b2bua_vs_sipp_pair", Agg::Median, 2, b > 0 ? (ctl + sip) / b : 0);
  }
}

// As root: a private network namespace with only `lo` (nothing else can hold our ports, and
// we hold no one else's). Must run before any thread starts.
bool enter_netns() {
  if (::geteuid() != 0) return false;
  if (::unshare(CLONE_NEWNET) != 0) return false;
  return std::system("ip link set lo up") == 0;
}

void raise_open_files(std::uint64_t wanted) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return;
  if (r.rlim_max < wanted && ::geteuid() == 0) r.rlim_max = wanted;
  r.rlim_cur = r.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &r);
}

}  // namespace

int run_sip_bench(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.help(kHelp)) return 0;
  const bool json = args.flag("--json");
  const bool park = args.flag("--park");
  const bool baseline = !args.flag("--no-baseline");
  const auto get = [&](const char* name, double fallback) {
    const auto v = args.value(name);
    return v ? std::atof(v->c_str()) : fallback;
  };
  const double cps = get("--cps", 200);
  const double seconds = get("--seconds", 20);
  const auto concurrent = static_cast<std::uint64_t>(get("--concurrent", 0));
  const auto rtp_sample = static_cast<std::uint32_t>(get("--rtp-sample", 10));
  const auto workers = static_cast<std::uint32_t>(get("--workers", 1));
  const auto runs = static_cast<int>(get("--runs", 1));
  const double cut_s = get("--cut-s", 0);
  const auto session_s = static_cast<std::uint32_t>(get("--session-s", 1800));
  const auto t1_ms = static_cast<std::uint32_t>(get("--t1-ms", 500));
  const double hold_s =
      get("--hold-s", concurrent > 0 ? static_cast<double>(concurrent) / std::max(cps, 1.0) + 10 : 1);
  if (!args.rest().empty()) {
    std::fprintf(stderr, "dialbench sip: unknown option '%s'\n\n%s", args.rest().front().c_str(),
                 kHelp);
    return 2;
  }
  if (cps <= 0 || seconds <= 0 || hold_s <= 0 || workers == 0 || runs <= 0 || cut_s < 0 ||
      t1_ms == 0) {
    std::fprintf(stderr, "dialbench sip: --cps, --seconds, --hold-s, --workers, --runs must be > 0\n");
    return 2;
  }

  const bool netns = enter_netns();
  std::uint32_t sample = rtp_sample;
  if (sample > 0 && ::geteuid() != 0) {
    // sipp plays pcaps through a raw socket (CAP_NET_RAW): without it the sample caller dies
    // after its first call and leaves that call up.
    std::fprintf(stderr, "dialbench sip: not root, so no RTP sample (sipp's pcap play needs a raw "
                         "socket): --rtp-sample 0\n");
    sample = 0;
  }
  LoadSpec spec;
  spec.cps = cps;
  spec.calls = concurrent > 0 ? concurrent : static_cast<std::uint64_t>(cps * seconds);
  spec.hold_ms = static_cast<std::uint32_t>(hold_s * 1000);
  spec.rtp_sample = sample;
  spec.workers = workers;
  spec.park = park;
  spec.uac_xml = std::string(DIALCORE_BENCH_SIP_DIR) + "/uac.xml";
  spec.uas_xml = std::string(DIALCORE_BENCH_SIP_DIR) + "/uas.xml";
  spec.rtp_first_port = netns ? 20000 : 30000;
  spec.cut_ms = static_cast<std::uint32_t>(cut_s * 1000);
  spec.session_s = session_s;
  spec.t1_ms = t1_ms;
  raise_open_files(spec.calls * 4 + 65536);
  char tmpl[] = "/tmp/dialbench-sip-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    std::perror("dialbench sip: mkdtemp");
    return 1;
  }
  spec.dir = tmpl;

  Figures figures;
  bool failed = false;
  for (int r = 0; r < runs; ++r) {
    const LoadFigures load = sip::run_b2bua_load(spec);
    if (!load.error.empty()) {
      std::fprintf(stderr, "dialbench sip: %s\n", load.error.c_str());
      return 1;
    }
    LoadFigures base;
    if (baseline && spec.cut_ms == 0) base = sip::run_baseline_load(spec);
    if (!base.error.empty()) {
      std::fprintf(stderr, "dialbench sip: baseline: %s\n", base.error.c_str());
      return 1;
    }
    add_run(figures, load, baseline && spec.cut_ms == 0 ? &base : nullptr);
  }
  std::error_code ec;
  std::filesystem::remove_all(spec.dir, ec);

  const double calls_failed = figures.value("calls_failed") + figures.value("b2bua_failed") +
                              figures.value("b2bua_unbridged") +
                              figures.value("uas_failed") + figures.value("timed_out");
  const double leftovers = figures.value("legs_left") + figures.value("calls_left") +
                           figures.value("sip_handles_left");
  if (spec.cut_ms > 0) {
    // The cut fails calls on purpose: the run is good when the reaper left nothing behind.
    bool reaped = true;
    for (const Figure& f : figures.list()) {
      if (f.name == "reap_s") {
        for (const double v : f.runs) reaped = reaped && v >= 0;
      }
    }
    failed = leftovers > 0 || !reaped;
  } else {
    failed = calls_failed > 0 || leftovers > 0 ||
             figures.value("rtp_sample_ok") < figures.value("rtp_sample_checked");
  }

  std::vector<std::string> header = {"figure"};
  if (runs > 1) {
    for (int r = 0; r < runs; ++r) header.push_back("run " + std::to_string(r + 1));
  }
  header.emplace_back(runs > 1 ? "all runs" : "value");
  Table table(header);
  for (const Figure& f : figures.list()) {
    std::vector<std::string> row = {f.name};
    if (runs > 1) {
      for (const double v : f.runs) row.push_back(fixed(v, f.decimals));
    }
    const char* how = runs == 1         ? ""
                      : f.agg == Agg::Sum ? " (total)"
                      : f.agg == Agg::Max ? " (max)"
                                          : " (median)";
    row.push_back(fixed(f.value(), f.decimals) + how);
    table.add(row);
  }
  boost::json::object o{{"bench", "sip"},
                        {"mode", concurrent > 0 ? "concurrent" : "cps"},
                        {"route", park ? "park" : "bridge"},
                        {"netns", netns},
                        {"runs", runs},
                        {"workers", workers},
                        {"offered_cps", cps},
                        {"hold_s", hold_s},
                        {"calls_per_run", spec.calls},
                        {"concurrent_target", concurrent},
                        {"rtp_sample", sample},
                        {"cut_s", cut_s},
                        {"session_s", session_s},
                        {"t1_ms", t1_ms}};
  for (const Figure& f : figures.list()) {
    if (f.decimals == 0) {
      o[f.name] = static_cast<std::uint64_t>(f.value());
    } else {
      o[f.name] = f.value();
    }
  }
  o["ok"] = !failed;
  char heading[256];
  std::snprintf(heading, sizeof heading,
                "dialbench sip: %s, %s, %.0f calls/s offered, %llu calls per run, hold %.1f s, "
                "%u worker(s), %s (%d run%s)",
                concurrent > 0 ? "concurrent" : "rate", park ? "parked" : "bridged", cps,
                static_cast<unsigned long long>(spec.calls), hold_s, workers,
                netns ? "private netns" : "loopback", runs, runs > 1 ? "s" : "");
  print_report(heading, table, json, o);
  return failed ? 1 : 0;
}

}  // namespace dialcore::bench
