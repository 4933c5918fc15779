#include "bench/sip/sip_load.hpp"

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "bench/sip/b2bua_rig.hpp"
#include "bench/sip/sipp_process.hpp"
#include "config/config.hpp"

namespace dialcore::bench::sip {

namespace {

constexpr const char* kPcap = "/usr/share/sip-tester/g711a.pcap";  // PCMA, 7 s
constexpr const char* kDid = "1000";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The RTP sample's scenario: uac.xml with the pcap played after the ACK and its own From user.
std::string write_sample_scenario(const LoadSpec& spec) {
  std::string xml = read_text(spec.uac_xml);
  replace_all(xml, "<!-- rtp -->",
              std::string("<nop><action><exec play_pcap_audio=\"") + kPcap +
                  "\"/></action></nop>");
  replace_all(xml, "sip:caller@", std::string("sip:") + kSampleUser + "@");
  const std::string path = spec.dir + "/uac_rtp.xml";
  std::ofstream(path) << xml;
  return path;
}

std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::uint32_t timeout_s(const LoadSpec& spec) {
  return static_cast<std::uint32_t>(static_cast<double>(spec.calls) / spec.cps) +
         spec.hold_ms / 1000 + 60;
}

std::vector<std::string> common_args(const LoadSpec& spec, const std::string& scenario,
                                     std::uint16_t port, std::uint16_t media_port) {
  return {"-sf", scenario, "-i", "127.0.0.1", "-p", std::to_string(port), "-mp",
          std::to_string(media_port), "-timeout", std::to_string(timeout_s(spec)) + "s",
          "-timeout_error", "-recv_timeout", std::to_string(spec.hold_ms + 30000)};
}

// The callers: the main UAC (signalling only) at the offered rate and the RTP sample UAC.
struct Callers {
  std::unique_ptr<SippProcess> main, sample;
  bool start(const LoadSpec& spec, std::uint16_t target, std::string& error) {
    const std::uint64_t sample_calls = std::min<std::uint64_t>(spec.rtp_sample, spec.calls);
    const std::uint64_t main_calls = spec.calls - sample_calls;
    auto uac = [&](const std::string& name, const std::string& scenario, double rate,
                   std::uint64_t n) {
      std::vector<std::string> a =
          common_args(spec, scenario, free_udp_port(), free_media_port());
      const std::vector<std::string> more = {
          "-s", kDid, "-r", num(rate), "-rp", "1000", "-m", std::to_string(n), "-l",
          std::to_string(n), "-d", std::to_string(spec.hold_ms),
          "127.0.0.1:" + std::to_string(target)};
      a.insert(a.end(), more.begin(), more.end());
      return std::make_unique<SippProcess>(spec.dir, name, a);
    };
    if (sample_calls > 0) {
      sample = uac("uac-rtp", write_sample_scenario(spec),
                   std::min(10.0, static_cast<double>(sample_calls)), sample_calls);
    }
    if (main_calls > 0) main = uac("uac", spec.uac_xml, spec.cps, main_calls);
    if ((sample && !sample->running()) || (main && !main->running())) {
      error = "sipp could not be started (is it installed? tools/setup)";
      return false;
    }
    return true;
  }
  bool done() {
    bool d = true;
    for (auto* p : {main.get(), sample.get()}) {
      if (p != nullptr && !p->poll()) d = false;
    }
    return d;
  }
  void kill() {
    for (auto* p : {main.get(), sample.get()}) {
      if (p != nullptr) p->kill();
    }
  }
  void finish(LoadFigures& f) {
    for (auto* p : {main.get(), sample.get()}) {
      if (p == nullptr) continue;
      p->kill();
      const SippCalls c = p->calls();
      f.uac_ok += c.ok;
      f.uac_failed += c.failed;
      f.sipp_cpu_s += p->cpu_s();
    }
  }
};

std::unique_ptr<SippProcess> start_uas(const LoadSpec& spec, std::uint16_t port) {
  std::vector<std::string> a = common_args(spec, spec.uas_xml, port, free_media_port());
  a.insert(a.end(), {"-rtp_echo", "-m", std::to_string(spec.calls)});
  return std::make_unique<SippProcess>(spec.dir, "uas", a);
}

void finish_uas(SippProcess& uas, LoadFigures& f) {
  uas.kill();
  const SippCalls c = uas.calls();
  f.uas_ok = c.ok;
  f.uas_failed = c.failed;
  f.sipp_cpu_s += uas.cpu_s();
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Every peer vanishes at once (SIGKILL) with its calls as they are; then the B2BUA alone,
// until nothing is left or the reaper's bound has passed: the probe at session/2 and two
// repeats 64×T1 apart (three 503s), or an agent INVITE left ringing until the invite timeout
// and its CANCEL; then a BYE or CANCEL timing out in 64×T1 + the reaper's 2 s; 10 s of slack.
void cut_peers(B2buaRig& rig, Callers& callers, SippProcess* uas, const LoadSpec& spec,
               LoadFigures& f) {
  f.calls_at_cut = rig.live_calls();
  f.legs_at_cut = rig.legs_left();
  f.handles_at_cut = rig.sip_handles();
  callers.kill();
  if (uas != nullptr) uas->kill();
  const auto cut = std::chrono::steady_clock::now();
  const std::uint64_t exchange_ms = 64ULL * spec.t1_ms + 2000;
  const std::uint64_t first_ms =
      std::max<std::uint64_t>(spec.session_s * 500ULL + 2 * exchange_ms,
                              config::SipTimers{}.invite_timeout_s * 1000ULL);
  const auto bound = std::chrono::milliseconds(first_ms + 2 * exchange_ms + 10000);
  f.reap_s = rig.run_until([&] { return rig.idle(); }, bound) ? seconds_since(cut) : -1;
}

}  // namespace

LoadFigures run_b2bua_load(const LoadSpec& spec) {
  LoadFigures f;
  f.park = spec.park;
  RigSettings rs;
  rs.workers = spec.workers;
  rs.park = spec.park;
  // Peak legs: every call of the hold window (plus set-up and teardown slack) × legs per call.
  const double window_s = static_cast<double>(spec.hold_ms) / 1000.0 + 3.0;
  const auto peak_calls = static_cast<std::uint64_t>(
      std::min(static_cast<double>(spec.calls), spec.cps * window_s) + spec.rtp_sample);
  const std::uint64_t legs = peak_calls * (spec.park ? 1U : 2U) + 64;
  rs.legs_per_worker = static_cast<std::uint32_t>(legs / spec.workers + 64);
  const std::uint64_t ports = std::min<std::uint64_t>(legs * 2 + 256, 60000U - spec.rtp_first_port);
  rs.rtp_ports = {spec.rtp_first_port, static_cast<std::uint16_t>(spec.rtp_first_port + ports - 1)};
  rs.max_calls = static_cast<std::uint32_t>(peak_calls * 2 + 100);
  rs.max_cps = static_cast<std::uint32_t>(spec.cps * 2 + 100);
  rs.sample_check = std::chrono::milliseconds(std::max<std::uint32_t>(300, spec.hold_ms / 2));
  const std::uint16_t uas_port = spec.park ? 0 : free_udp_port();
  rs.agent_port = uas_port;
  rs.session_s = spec.session_s;
  rs.t1_ms = spec.t1_ms;

  B2buaRig rig(rs);
  if (rig.error()) {
    f.error = *rig.error();
    return f;
  }
  const auto turn = [&] { rig.run_for(std::chrono::milliseconds(2)); };
  const RigCpu cpu0 = rig.cpu();
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<SippProcess> uas;
  if (!spec.park) {
    uas = start_uas(spec, uas_port);
    rig.run_for(std::chrono::milliseconds(300));  // sipp binds its port
  }
  Callers callers;
  if (!callers.start(spec, rig.sip_port(), f.error)) return f;
  const auto deadline = t0 + std::chrono::seconds(timeout_s(spec) + 10);
  const auto cut_at = t0 + std::chrono::milliseconds(spec.cut_ms);
  while (!(callers.done() && rig.idle())) {
    if (spec.cut_ms > 0 && std::chrono::steady_clock::now() >= cut_at) {
      cut_peers(rig, callers, uas.get(), spec, f);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      f.timed_out = true;
      break;
    }
    turn();
  }
  // The calls are over: whatever is still up after a short drain is a leak.
  rig.run_until([&] { return rig.idle(); }, std::chrono::seconds(5));
  f.seconds = seconds_since(t0);
  if (uas) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!uas->poll() && std::chrono::steady_clock::now() < until) turn();
    finish_uas(*uas, f);
  }
  callers.finish(f);
  const RigCpu cpu1 = rig.cpu();
  f.control_cpu_s = cpu1.control_s - cpu0.control_s;
  f.sip_cpu_s = cpu1.sip_s - cpu0.sip_s;
  f.worker_cpu_s = cpu1.workers_s - cpu0.workers_s;

  const RigGauges& g = rig.gauges();
  if (g.routed > 1) {
    const double span = std::chrono::duration<double>(g.last_routed - g.first_routed).count();
    if (span > 0) f.achieved_cps = static_cast<double>(g.routed - 1) / span;
  }
  const auto& cc = rig.call_counters();
  f.calls_incoming = cc.calls_incoming;
  f.calls_answered = cc.calls_answered;
  f.calls_bridged = cc.calls_bridged;
  f.calls_ended_ok = cc.ended_by(control::calls::CallOutcome::Normal);
  f.calls_failed = 0;
  for (std::size_t o = 0; o < cc.ended.size(); ++o) {
    if (o != static_cast<std::size_t>(control::calls::CallOutcome::Normal)) f.calls_failed += cc.ended[o];
  }
  f.calls_failed += cc.agent_legs_failed;
  f.teardown_errors = cc.teardown_errors;
  const auto sc = rig.sip_counters();
  f.sip_incoming = sc.calls_incoming;
  f.sip_dialled = sc.calls_started;
  f.sip_answered = sc.calls_answered;
  f.sip_refused = sc.commands_refused;
  f.sip_malformed = sc.malformed_requests;
  f.sip_events_lost = sc.events_lost;
  f.sip_probes = sc.probes_sent;
  f.sip_reaped = sc.calls_reaped;
  f.media_ok = rig.media_counters().commands_ok;
  f.media_failed = rig.media_counters().commands_failed;
  f.media_busy_failures = rig.media_counters().busy_failures;
  f.media_timeouts = rig.media_counters().timeouts;
  f.peak_calls = g.peak_calls;
  f.peak_legs = g.peak_legs;
  f.peak_worker_legs = g.peak_worker_legs;
  f.legs_left = rig.legs_left();
  f.calls_left = rig.live_calls();
  f.sip_handles_left = rig.sip_handles();
  f.sample_calls = g.sample_calls;
  f.sample_checked = g.sample_checked;
  f.sample_ok = g.sample_ok;
  f.sample_rx_packets = g.sample_rx_packets;
  rig.stop();
  return f;
}

LoadFigures run_baseline_load(const LoadSpec& spec) {
  LoadFigures f;
  const std::uint16_t uas_port = free_udp_port();
  const auto t0 = std::chrono::steady_clock::now();
  const auto uas = start_uas(spec, uas_port);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Callers callers;
  if (!callers.start(spec, uas_port, f.error)) return f;
  const auto deadline = t0 + std::chrono::seconds(timeout_s(spec) + 10);
  while (!callers.done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      f.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  f.seconds = seconds_since(t0);
  (void)uas->wait(std::chrono::seconds(5));
  finish_uas(*uas, f);
  callers.finish(f);
  return f;
}

}  // namespace dialcore::bench::sip
