// dialctl top: see top_command.hpp. One frame = one GET /metrics and one GET
// /api/v1/floor/agents; CPU shares are differences between two frames' thread CPU counters.
#include "tools/dialctl/top_command.hpp"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <boost/json.hpp>

#include "tools/dialctl/cli_util.hpp"

namespace dialcore::tools {

namespace json = boost::json;

std::map<std::string, double> parse_metrics(const std::string& text) {
  std::map<std::string, double> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const std::size_t close = line.rfind('}');
    const std::size_t space = line.find(' ', close == std::string::npos ? 0 : close);
    if (space == std::string::npos) continue;
    char* stop = nullptr;
    const std::string value = line.substr(space + 1);
    const double v = std::strtod(value.c_str(), &stop);
    if (stop == value.c_str()) continue;
    out[line.substr(0, space)] = v;
  }
  return out;
}

double metric_sum(const std::map<std::string, double>& m, const std::string& name,
                  const std::string& label) {
  double sum = 0;
  for (auto it = m.lower_bound(name); it != m.end() && it->first.compare(0, name.size(), name) == 0;
       ++it) {
    const std::string& key = it->first;
    if (key.size() != name.size() && key[name.size()] != '{') continue;  // a longer name
    if (!label.empty() && key.find(label) == std::string::npos) continue;
    sum += it->second;
  }
  return sum;
}

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr const char* kUsage =
    "usage: dialctl [--json] top [--campaign ID] [--interval S] [--count N]\n"
    "  The live view: agents by state, calls in flight, AMD verdicts, the abandonment ledger,\n"
    "  CDRs written, worker legs and CPU. A frame every S seconds (default 2) until N frames\n"
    "  (default: until Ctrl-C). --campaign: the campaign's config id (default: all campaigns).\n"
    "  --json: one JSON object per frame, one per line. Needs an admin or supervisor token.\n";

// Thread CPU seconds by thread name, from dialcore_thread_cpu_seconds_total{thread="..."}.
std::map<std::string, double> thread_cpu(const std::map<std::string, double>& m) {
  std::map<std::string, double> out;
  const std::string name = "dialcore_thread_cpu_seconds_total{thread=\"";
  for (auto it = m.lower_bound(name); it != m.end() && it->first.compare(0, name.size(), name) == 0;
       ++it) {
    const std::size_t q = it->first.find('"', name.size());
    if (q != std::string::npos) out[it->first.substr(name.size(), q - name.size())] = it->second;
  }
  return out;
}

struct Frame {
  json::object figures;
  std::map<std::string, double> cpu;  // thread → CPU seconds
  std::chrono::steady_clock::time_point at;
};

// One frame's figures; false with an exit status in `rc` when the API cannot be read.
bool take(const CliOptions& o, const std::string& campaign, const Frame* before, Frame& f,
          int& rc) {
  const ApiReply metrics = api_call(o.target, "GET", "/metrics");
  if (!metrics.connected || metrics.status != 200) {
    rc = check(metrics);
    return false;
  }
  f.at = std::chrono::steady_clock::now();
  const auto m = parse_metrics(metrics.body);
  const std::string label = campaign.empty() ? "" : "campaign=\"" + campaign + "\"";
  const auto c = [&](const char* name) { return metric_sum(m, name, label); };

  json::object agents{{"logged_in", 0}, {"available", 0}, {"reserved", 0}, {"on_call", 0},
                      {"wrap", 0},      {"paused", 0},    {"no_voice", 0}};
  const ApiReply floor = api_call(o.target, "GET", "/api/v1/floor/agents");
  if (floor.connected && floor.status == 200) {
    boost::system::error_code ec;
    const json::value v = json::parse(floor.body, ec);
    if (!ec && v.is_object() && v.as_object().contains("items")) {
      for (const auto& a : v.at("items").as_array()) {
        if (!a.is_object() || !a.as_object().contains("state")) continue;
        std::string state(a.at("state").as_string());
        if (state == "auto_paused") state = "paused";
        agents["logged_in"] = agents["logged_in"].to_number<std::int64_t>() + 1;
        if (agents.contains(state)) agents[state] = agents[state].to_number<std::int64_t>() + 1;
      }
    }
  }
  const double answered = c("dialcore_campaign_answered_total");
  const double machines = c("dialcore_campaign_machines_total");
  const double abandoned = c("dialcore_campaign_abandoned_total");
  const double live = answered - machines;
  json::object calls{{"in_flight", c("dialcore_campaign_calls_in_flight")},
                     {"dials", c("dialcore_campaign_dials_total")},
                     {"answered", answered},
                     {"human", live},
                     {"machine", machines},
                     {"bridged", c("dialcore_campaign_bridged_total")},
                     {"abandoned", abandoned},
                     {"connect_failures", c("dialcore_campaign_connect_failures_total")}};
  f.cpu = thread_cpu(m);
  json::array threads;
  for (const auto& [thread, seconds] : f.cpu) {
    double share = -1;  // unknown on the first frame
    if (before != nullptr && before->cpu.contains(thread)) {
      const double wall = std::chrono::duration<double>(f.at - before->at).count();
      if (wall > 0) share = 100.0 * (seconds - before->cpu.at(thread)) / wall;
    }
    threads.push_back({{"thread", thread},
                       {"cpu_seconds", seconds},
                       {"cpu_percent", share < 0 ? json::value(nullptr) : json::value(share)}});
  }
  f.figures = {{"campaign", campaign.empty() ? json::value(nullptr) : json::value(campaign)},
               {"running", c("dialcore_campaign_running")},
               {"agents", std::move(agents)},
               {"calls", std::move(calls)},
               {"abandon_rate", live > 0 ? abandoned / live : 0.0},
               {"cdrs_written", metric_sum(m, "dialcore_history_written_total")},
               {"legs", metric_sum(m, "dialcore_worker_legs")},
               {"threads", std::move(threads)}};
  return true;
}

std::string num(const json::value& v) {
  if (v.is_null()) return "-";
  const double d = v.to_number<double>();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", d);
  return buf;
}

void print_frame(const json::object& f, bool clear) {
  if (clear) std::fputs("\033[H\033[2J", stdout);
  const auto& a = f.at("agents").as_object();
  const auto& c = f.at("calls").as_object();
  const double answered = c.at("answered").to_number<double>();
  const double machine = c.at("machine").to_number<double>();
  std::printf("Dialcore%s%s\n", f.at("campaign").is_null() ? "" : "  campaign ",
              f.at("campaign").is_null() ? "" : std::string(f.at("campaign").as_string()).c_str());
  std::printf("  agents    %s logged in: %s available, %s reserved, %s on a call, %s in wrap, "
              "%s paused, %s without voice\n",
              num(a.at("logged_in")).c_str(), num(a.at("available")).c_str(),
              num(a.at("reserved")).c_str(), num(a.at("on_call")).c_str(),
              num(a.at("wrap")).c_str(), num(a.at("paused")).c_str(),
              num(a.at("no_voice")).c_str());
  std::printf("  calls     %s in flight; %s dialled, %s answered, %s bridged to agents, "
              "%s connect failures\n",
              num(c.at("in_flight")).c_str(), num(c.at("dials")).c_str(),
              num(c.at("answered")).c_str(), num(c.at("bridged")).c_str(),
              num(c.at("connect_failures")).c_str());
  std::printf("  AMD       %s human, %s machine (%.0f %% of answers)\n", num(c.at("human")).c_str(),
              num(c.at("machine")).c_str(), answered > 0 ? 100.0 * machine / answered : 0.0);
  std::printf("  abandoned %s of %s live answers = %.2f %%\n", num(c.at("abandoned")).c_str(),
              num(c.at("human")).c_str(), 100.0 * f.at("abandon_rate").to_number<double>());
  std::printf("  CDRs      %s written; %s media legs up\n", num(f.at("cdrs_written")).c_str(),
              num(f.at("legs")).c_str());
  std::string cpu;
  for (const auto& t : f.at("threads").as_array()) {
    const auto& o = t.as_object();
    if (o.at("cpu_percent").is_null()) continue;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s%s %.1f %%", cpu.empty() ? "" : ", ",
                  std::string(o.at("thread").as_string()).c_str(),
                  o.at("cpu_percent").to_number<double>());
    cpu += buf;
  }
  std::printf("  CPU       %s\n", cpu.empty() ? "(from the second frame)" : cpu.c_str());
  std::fflush(stdout);
}

}  // namespace

int run_top_command(const CliOptions& options, const std::vector<std::string>& args) {
  std::string campaign;
  double interval = 2.0;
  long count = -1;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (i + 1 >= args.size() || (a != "--campaign" && a != "--interval" && a != "--count")) {
      std::fputs(kUsage, stderr);
      return kExitUsage;
    }
    const std::string& v = args[++i];
    char* end = nullptr;
    if (a == "--campaign") {
      campaign = v;
    } else if (a == "--interval") {
      interval = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(interval >= 0.1 && interval <= 3600)) {
        std::fputs("dialctl top: --interval takes seconds, 0.1 to 3600\n", stderr);
        return kExitUsage;
      }
    } else {
      count = std::strtol(v.c_str(), &end, 10);
      if (end == v.c_str() || *end != '\0' || count < 1) {
        std::fputs("dialctl top: --count takes a positive number\n", stderr);
        return kExitUsage;
      }
    }
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const bool clear = !options.json && options.progress;  // a terminal: redraw in place
  Frame last;
  bool have_last = false;
  for (long n = 0; (count < 0 || n < count) && g_stop == 0; ++n) {
    if (n > 0) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(interval);
      while (g_stop == 0 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (g_stop != 0) break;
    }
    Frame f;
    int rc = kExitOk;
    if (!take(options, campaign, have_last ? &last : nullptr, f, rc)) return rc;
    if (options.json) {
      std::printf("%s\n", json::serialize(f.figures).c_str());
      std::fflush(stdout);
    } else {
      print_frame(f.figures, clear);
      if (!clear) std::putchar('\n');
    }
    last = std::move(f);
    have_last = true;
  }
  return kExitOk;
}

}  // namespace dialcore::tools
