#include "bench/rtp/rtp_bench.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/json/array.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/rtp/dialcore_relay.hpp"
#include "bench/rtp/rtp_traffic.hpp"
#include "bench/rtp/rtpengine_ng.hpp"
#include "bench/support/args.hpp"
#include "bench/support/report.hpp"

namespace dialcore::bench {
namespace {

struct Options {
  bool dialcore = true;
  bool rtpengine = true;
  std::size_t calls = 500;
  double seconds = 10.0;
  RtpCodec codec = RtpCodec::Pcmu;
  std::uint64_t warmup_ms = 1000;
  std::uint64_t drain_ms = 1000;
  std::string rtpengine_binary = "rtpengine";
  int rtpengine_threads = 2;
};

struct Figures {
  std::string name;
  std::string error;  // empty when measured
  TrafficResult traffic;
  double window_s = 0;
  double cpu_s = 0;
  std::uint64_t relay_drops = 0;
  double pps() const { return static_cast<double>(traffic.received_during_window) / window_s; }
  double cpu_us_per_packet() const {
    return traffic.received_during_window == 0
               ? 0.0
               : cpu_s * 1e6 / static_cast<double>(traffic.received_during_window);
  }
  double cpu_pct() const { return 100.0 * cpu_s / window_s; }
};

void sleep_until_ns(std::uint64_t t) {
  const std::uint64_t now = monotonic_ns();
  if (t > now) std::this_thread::sleep_for(std::chrono::nanoseconds(t - now));
}

// Sets the relay up for fresh generator sockets, runs warmup + window + drain, and samples the
// relay's CPU time at the window's edges.
Figures measure(Relay& relay, const Options& opt) {
  Figures f;
  f.name = relay.name();
  try {
    RtpTraffic traffic(opt.calls, opt.codec);
    std::vector<CallRelayPorts> ports;
    if (!relay.setup(traffic.calls(), opt.codec, ports, f.error)) {
      relay.stop();
      return f;
    }
    if (!traffic.connect(ports)) {
      f.error = "cannot connect the generator's sockets to the relay";
      relay.stop();
      return f;
    }
    const auto window_ns = static_cast<std::uint64_t>(opt.seconds * 1e9);
    traffic.start(opt.warmup_ms * 1'000'000, window_ns);
    auto service_until = [&relay](std::uint64_t t) {
      while (monotonic_ns() + 10'000'000 < t) {
        relay.service();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      sleep_until_ns(t);
    };
    service_until(traffic.window_start_ns());
    const std::uint64_t cpu0 = relay.cpu_ns();
    service_until(traffic.window_end_ns());
    const std::uint64_t cpu1 = relay.cpu_ns();
    f.traffic = traffic.finish(opt.drain_ms * 1'000'000);
    if (auto* d = dynamic_cast<DialcoreRelay*>(&relay)) f.relay_drops = d->worker_drops();
    relay.stop();
    f.window_s = static_cast<double>(window_ns) / 1e9;
    f.cpu_s = static_cast<double>(cpu1 - cpu0) / 1e9;
    if (cpu1 <= cpu0) f.error = "could not read the relay's CPU time";
  } catch (const std::exception& e) {
    f.error = e.what();
    relay.stop();
  }
  return f;
}

// Each socket is a descriptor: 2 per call for the generator, 2 more for dialcore's legs.
void raise_open_files_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

constexpr const char* kHelp =
    "usage: dialbench rtp [--relay dialcore|rtpengine|both] [--calls N] [--seconds S]\n"
    "                     [--codec pcmu|g729] [--warmup-ms MS] [--drain-ms MS]\n"
    "                     [--rtpengine PATH] [--rtpengine-threads T] [--json]\n"
    "\n"
    "A paced generator and sink of N bidirectional calls (one RTP packet every 20 ms each way,\n"
    "172-byte PCMU or 32-byte G.729 datagrams, starts spread over the period) on 127.0.0.1,\n"
    "through the relay under test; with `both` (default) dialcore then rtpengine, one after\n"
    "the other on the same traffic. dialcore: one Worker on the socket backend in its own\n"
    "thread, legs set up over its CommandChannel (pass-through, no latching). rtpengine: the\n"
    "Debian rtpengine-daemon, userspace only (--table=-1), --num-threads=T (default 2), set up\n"
    "with ng offer/answer; ports are picked at run time and the daemon is stopped at the end.\n"
    "After a warmup (default 1000 ms) the window of S seconds (default 10) is measured:\n"
    "packets/s the sink received from the relay, loss of the packets sent in the window\n"
    "(after a drain, default 1000 ms), one-way latency generator send -> sink kernel receive\n"
    "timestamp (p50/p99, µs, 1 µs buckets), and the relay's CPU time per relayed packet\n"
    "(dialcore: the worker thread's CPU clock; rtpengine: the sum of its threads' schedstat).\n"
    "The generator is excluded but shares the machine's cores with the relay; gen late % and\n"
    "gen skip % (slots over 1 ms late; over 20 ms late, not sent, not loss) show when it was\n"
    "starved of CPU: then loss and latency describe the machine, not the relay.\n"
    "--json ends the output with one JSON line: "
    "{\"bench\":\"rtp\",\"calls\",\"seconds\",\"codec\",\n"
    "\"relays\":[{\"name\",\"pps\",\"loss_pct\",\"latency_p50_us\",\"latency_p99_us\",\n"
    "\"latency_max_us\",\"cpu_us_per_packet\",\"cpu_pct\",\"sent\",\"received\",\"send_errors\",\n"
    "\"late_sends\",\"skipped\",\"error\"}...],\"cpu_ratio_dialcore_vs_rtpengine\"} (error only\n"
    "when a relay could not run; the ratio is null unless both ran). Exit status 1 when a relay\n"
    "could not run.\n";

std::optional<Options> parse(Args& args) {
  Options opt;
  try {
    if (auto v = args.value("--relay")) {
      opt.dialcore = *v == "dialcore" || *v == "both";
      opt.rtpengine = *v == "rtpengine" || *v == "both";
      if (!opt.dialcore && !opt.rtpengine) return std::nullopt;
    }
    if (auto v = args.value("--calls")) opt.calls = std::stoul(*v);
    if (auto v = args.value("--seconds")) opt.seconds = std::stod(*v);
    if (auto v = args.value("--codec")) {
      if (*v != "pcmu" && *v != "g729") return std::nullopt;
      opt.codec = *v == "g729" ? RtpCodec::G729 : RtpCodec::Pcmu;
    }
    if (auto v = args.value("--warmup-ms")) opt.warmup_ms = std::stoul(*v);
    if (auto v = args.value("--drain-ms")) opt.drain_ms = std::stoul(*v);
    if (auto v = args.value("--rtpengine")) opt.rtpengine_binary = *v;
    if (auto v = args.value("--rtpengine-threads")) opt.rtpengine_threads = std::stoi(*v);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (opt.calls == 0 || opt.calls > 20000 || opt.seconds <= 0 || opt.seconds > 600) {
    return std::nullopt;
  }
  return opt;
}

}  // namespace

int run_rtp_bench(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  const bool json = args.flag("--json");
  const auto parsed = parse(args);
  if (!parsed || !args.rest().empty()) {
    std::fprintf(stderr, "dialbench rtp: bad arguments\n%s", kHelp);
    return 2;
  }
  const Options& opt = *parsed;
  raise_open_files_limit();

  std::vector<Figures> results;
  if (opt.dialcore) {
    DialcoreRelay relay;
    results.push_back(measure(relay, opt));
  }
  if (opt.rtpengine) {
    RtpengineRelay relay(opt.rtpengine_binary, opt.rtpengine_threads);
    results.push_back(measure(relay, opt));
  }

  const char* codec = opt.codec == RtpCodec::G729 ? "g729" : "pcmu";
  Table table({"relay", "calls", "pkt/s", "loss %", "p50 us", "p99 us", "max us", "cpu us/pkt",
               "relay cpu %", "gen late %", "gen skip %"});
  boost::json::array rows;
  const Figures* ours = nullptr;
  const Figures* theirs = nullptr;
  bool all_ok = true;
  for (const Figures& f : results) {
    if (!f.error.empty()) {
      all_ok = false;
      table.add({f.name, std::to_string(opt.calls), "-", "-", "-", "-", "-", "-", "-", "-", "-"});
      std::fprintf(stderr, "dialbench rtp: %s: %s\n", f.name.c_str(), f.error.c_str());
      rows.push_back(boost::json::object{{"name", f.name}, {"error", f.error}});
      continue;
    }
    (f.name == "dialcore" ? ours : theirs) = &f;
    const double slots = static_cast<double>(f.traffic.sent + f.traffic.skipped);
    const double late_pct =
        slots == 0 ? 0.0 : 100.0 * static_cast<double>(f.traffic.late_sends) / slots;
    const double skip_pct =
        slots == 0 ? 0.0 : 100.0 * static_cast<double>(f.traffic.skipped) / slots;
    table.add({f.name, std::to_string(opt.calls), fixed(f.pps(), 0), fixed(f.traffic.loss_pct(), 3),
               fixed(f.traffic.latency_p50_us, 0), fixed(f.traffic.latency_p99_us, 0),
               fixed(f.traffic.latency_max_us, 0), fixed(f.cpu_us_per_packet(), 2),
               fixed(f.cpu_pct(), 1), fixed(late_pct, 2), fixed(skip_pct, 2)});
    rows.push_back(boost::json::object{{"name", f.name},
                                       {"pps", f.pps()},
                                       {"loss_pct", f.traffic.loss_pct()},
                                       {"latency_p50_us", f.traffic.latency_p50_us},
                                       {"latency_p99_us", f.traffic.latency_p99_us},
                                       {"latency_max_us", f.traffic.latency_max_us},
                                       {"cpu_us_per_packet", f.cpu_us_per_packet()},
                                       {"cpu_pct", f.cpu_pct()},
                                       {"sent", f.traffic.sent},
                                       {"received", f.traffic.received},
                                       {"send_errors", f.traffic.send_errors},
                                       {"late_sends", f.traffic.late_sends},
                                       {"skipped", f.traffic.skipped}});
    if (f.traffic.stray != 0 || f.relay_drops != 0) {
      std::fprintf(stderr,
                   "dialbench rtp: %s: %llu stray datagrams at the sink, %llu relay drops\n",
                   f.name.c_str(), static_cast<unsigned long long>(f.traffic.stray),
                   static_cast<unsigned long long>(f.relay_drops));
    }
  }
  std::printf(
      "dialbench rtp: %zu calls x 2 directions, %s 20 ms, %.1f s window after %llu ms "
      "warmup; %ld cores shared by generator, sink and relay\n\n%s",
      opt.calls, codec, opt.seconds, static_cast<unsigned long long>(opt.warmup_ms),
      sysconf(_SC_NPROCESSORS_ONLN), table.render().c_str());
  boost::json::value ratio = nullptr;
  if (ours != nullptr && theirs != nullptr && theirs->cpu_us_per_packet() > 0) {
    const double r = ours->cpu_us_per_packet() / theirs->cpu_us_per_packet();
    ratio = r;
    std::printf("\nCPU per packet, dialcore / rtpengine: %.3f (target <= 0.5 at 0 loss)\n", r);
  }
  if (json) {
    print_json_line({{"bench", "rtp"},
                     {"calls", opt.calls},
                     {"seconds", opt.seconds},
                     {"codec", codec},
                     {"relays", rows},
                     {"cpu_ratio_dialcore_vs_rtpengine", ratio}});
  }
  return all_ok ? 0 : 1;
}

}  // namespace dialcore::bench
