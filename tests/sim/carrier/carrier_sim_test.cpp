// dialcore-carrier-sim end to end (label e2e): the real binary in a private network namespace,
// driven by control/sip's SipStack as the dialler drives a carrier trunk; its RTP received on a
// plain socket and read with the project's RTP, G.711, RFC 4733 and DTMF code.

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench/support/wav_file.hpp"
#include "tests/control/sip/sip_test_support.hpp"
#include "tests/sim/carrier/rtp_sink.hpp"
#include "tests/support/sim_process.hpp"
#include "tests/support/audio_metrics.hpp"
#include "tests/support/fixtures.hpp"

namespace dialcore::test {
namespace {

using namespace std::chrono_literals;
using control::sip::CallEnd;
using control::sip::CallId;
using control::sip::SipEvent;
using control::sip::SipEventKind;

constexpr const char* kHumanClip = "amd-dev-0104.wav";    // HUMAN in tests/fixtures/amd
constexpr const char* kMachineClip = "amd-dev-0058.wav";  // MACHINE

// A workload in the shared schema: outcomes, constant times, and an optional carrier section.
std::string workload(const TempDir& dir, const std::string& outcomes, const std::string& talk,
                     const std::string& carrier = "") {
  const std::string path = dir.file("workload.yaml");
  std::ofstream(path) << "name: test\nagents: 1\nshift_hours: 1\noutcomes: " << outcomes
                      << "\nanswer_time_s: {live: 0.3, machine: 0.3, busy: 0.2, invalid: 0.2}\n"
                      << "ring_timeout_s: 25\ntalk_s: " << talk << "\nwrap_s: 1\nabandon_after_s: 2\n"
                      << (carrier.empty() ? "" : "carrier: " + carrier + "\n");
  return path;
}

// A corpus folder with one HUMAN and one MACHINE clip (links to tests/fixtures/amd).
std::string corpus(const TempDir& dir) {
  const auto root = dir.path() / "corpus";
  std::filesystem::create_directories(root);
  std::ofstream(root / "labels.csv") << "file,label\n" << kHumanClip << ",HUMAN\n" << kMachineClip << ",MACHINE\n";
  for (const char* f : {kHumanClip, kMachineClip}) {
    std::filesystem::create_symlink(fixture_path(std::string("amd/") + f), root / f);
  }
  return root.string();
}

std::vector<std::int16_t> clip(const char* name) {
  const auto r = bench::read_wav(fixture_path(std::string("amd/") + name));
  if (!r.ok()) throw std::runtime_error(r.error);
  return r.audio.samples;
}

struct Uac {
  explicit Uac(std::uint16_t sim_port, std::uint32_t invite_timeout_s = 10) {
    auto cfg = test_sip_config(sim_port);
    cfg.timers.invite_timeout_s = invite_timeout_s;
    stack = std::make_unique<control::sip::SipStack>(cfg, log.sink());
    const auto error = stack->start();
    if (error) throw std::runtime_error(*error);
  }
  CallId dial(const std::string& offer, int n = 0) {
    return stack->dial({"carrier", "4420700" + std::to_string(1000 + n), "", offer});
  }
  std::optional<SipEvent> ended(CallId call, std::chrono::milliseconds t = 15s) {
    return log.wait_kind(call, SipEventKind::Ended, t);
  }
  EventLog log;
  std::unique_ptr<control::sip::SipStack> stack;
};

std::vector<std::string> sim_args(const std::string& wl, const std::string& corpus_dir,
                                  std::vector<std::string> more) {
  std::vector<std::string> a{DIALCORE_CARRIER_SIM, "--workload", wl, "--corpus", corpus_dir, "--listen", "127.0.0.1:0", "--json"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace

TEST_CASE("carrier sim: the outcome split follows the workload and matches what the caller saw", "[e2e]") {
  enter_private_netns();
  TempDir dir;
  constexpr int kCalls = 200;
  // The shared B-baseline workload as it is (25 % live, 15 % machine, 5 % busy, 5 % invalid,
  // 50 % no answer), fifty times faster: ring timeout 0.5 s.
  SimProcess sim(sim_args(DIALCORE_SOURCE_DIR "/bench/pacing/workloads/B-baseline-20.yaml", corpus(dir),
                          {"--seed", "7", "--time-scale", "0.02", "--max-calls", std::to_string(kCalls)}),
                 dir.file("sim.log"));
  Uac uac(sim.sip_port(), 1);  // the dialler CANCELs after 1 s of ringing
  RtpSink sink;
  std::map<CallEnd, int> ends;
  int answered = 0;
  for (int batch = 0; batch < kCalls / 40; ++batch) {
    std::vector<CallId> calls;
    for (int i = 0; i < 40; ++i) calls.push_back(uac.dial(sink.offer(), batch * 40 + i));
    for (CallId c : calls) {
      REQUIRE(c != 0);
      const auto first = uac.log.wait_for(
          [c](const SipEvent& e) { return e.call == c && (e.kind == SipEventKind::Answered || e.kind == SipEventKind::Ended); },
          10s);
      REQUIRE(first);
      if (first->kind == SipEventKind::Answered) {
        ++answered;
        uac.stack->hangup(c);
      }
      const auto end = uac.ended(c);
      REQUIRE(end);
      ++ends[end->end];
    }
    sink.drain();
  }
  REQUIRE(sim.wait(30s) == 0);  // --max-calls: it ends by itself
  INFO(sim.output());
  // What the simulator drew is what the caller saw, call by call in total.
  CHECK(sim.json_number("calls.busy") == ends[CallEnd::Busy]);
  CHECK(sim.json_number("calls.invalid") == ends[CallEnd::InvalidNumber]);
  CHECK(sim.json_number("calls.no_answer") == ends[CallEnd::NoAnswer]);
  CHECK(sim.json_number("calls.live") + sim.json_number("calls.machine") == answered);
  // Answered calls end by our BYE, or by the simulator's when its drawn talk time (x 0.02) ran
  // out while the test was still waiting on an earlier call.
  CHECK(ends[CallEnd::LocalHangup] + ends[CallEnd::RemoteHangup] == answered);
  // Who hung up is counted on each side; when both send BYE at the same moment (glare, seen
  // under ASan) each side counts the call as its own hang-up, so the sides may differ by the
  // few calls that crossed, never in total.
  CHECK(sim.json_number("ended.caller_bye") + sim.json_number("ended.our_bye") == answered);
  CHECK(std::abs(static_cast<double>(sim.json_number("ended.our_bye")) -
                 static_cast<double>(ends[CallEnd::RemoteHangup])) <= 2.0);
  CHECK(sim.json_number("ended.our_reject") == ends[CallEnd::Busy] + ends[CallEnd::InvalidNumber]);
  CHECK(sim.json_number("answers") == answered);
  CHECK(sim.json_number("ended.caller_cancel") == ends[CallEnd::NoAnswer]);
  // And the split is the workload's within 4 binomial standard deviations for 200 calls.
  const std::map<std::string, double> p{{"live", 0.25}, {"machine", 0.15}, {"busy", 0.05},
                                        {"invalid", 0.05}, {"no_answer", 0.50}};
  for (const auto& [name, share] : p) {
    const double expected = kCalls * share;
    const double tolerance = 4 * std::sqrt(kCalls * share * (1 - share)) + 1;
    INFO(name << ": " << sim.json_number("calls." + name) << " vs " << expected);
    CHECK(std::abs(static_cast<double>(sim.json_number("calls." + name)) - expected) <= tolerance);
  }
}

TEST_CASE("carrier sim: a live answer plays the corpus clip over the negotiated G.711", "[e2e]") {
  enter_private_netns();
  for (const bool alaw : {false, true}) {
    INFO((alaw ? "PCMA" : "PCMU"));
    TempDir dir;
    const std::string captures = dir.file("captures");
    std::filesystem::create_directories(captures);
    SimProcess sim(sim_args(workload(dir, "{live: 1.0, machine: 0, busy: 0, invalid: 0}", "2.5"), corpus(dir),
                            {"--max-calls", "1", "--capture-dir", captures}),
                   dir.file("sim.log"));
    Uac uac(sim.sip_port());
    RtpSink sink;
    const CallId c = uac.dial(sink.offer(alaw));
    const auto progress = uac.log.wait_kind(c, SipEventKind::Progress, 5s);
    REQUIRE(progress);
    CHECK(progress->status == 180);
    const auto answer = uac.log.wait_kind(c, SipEventKind::Answered, 5s);
    REQUIRE(answer);
    CHECK(answer->sdp.find(alaw ? "PCMA/8000" : "PCMU/8000") != std::string::npos);
    const std::uint16_t sim_rtp = sdp_audio_port(answer->sdp);
    REQUIRE(sim_rtp != 0);
    sink.send_pcmu(sim_rtp, 50);
    const auto end = uac.ended(c);
    REQUIRE(end);
    CHECK(end->end == CallEnd::RemoteHangup);  // the simulator's BYE after the talk time
    sink.drain();
    REQUIRE(sim.wait(10s) == 0);
    INFO(sim.output());
    // 2.5 s of 20 ms packets, and the audio is the HUMAN clip from its first sample.
    CHECK(sink.audio_packets() >= 110);
    CHECK(sink.audio_packets() <= 135);
    const auto ref = clip(kHumanClip);
    const std::size_t n = std::min<std::size_t>(16000, ref.size());
    const auto a = best_alignment(std::span(ref.data(), n), sink.audio(), 800);
    CHECK(a.correlation > 0.95);
    CHECK(sim.json_number("answers") == 1);
    CHECK(sim.json_number("ended.our_bye") == 1);
    CHECK(sim.json_number("rtp_sent") >= 110);
    CHECK(sim.json_number("rtp_received") == 50);
    if (!alaw) {  // what it heard: our 50 PCMU packets, captured
      const auto heard = bench::read_wav(captures + "/call-1.wav");
      REQUIRE(heard.ok());
      CHECK(heard.audio.samples.size() == 50 * 160);
    }
  }
}

TEST_CASE("carrier sim: a machine plays its greeting until the caller hangs up", "[e2e]") {
  enter_private_netns();
  TempDir dir;
  SimProcess sim(sim_args(workload(dir, "{live: 0, machine: 1.0, busy: 0, invalid: 0}", "60"), corpus(dir),
                          {"--max-calls", "1"}),
                 dir.file("sim.log"));
  Uac uac(sim.sip_port());
  RtpSink sink;
  const CallId c = uac.dial(sink.offer());
  REQUIRE(uac.log.wait_kind(c, SipEventKind::Answered, 5s));
  std::this_thread::sleep_for(1500ms);
  uac.stack->hangup(c);
  const auto end = uac.ended(c);
  REQUIRE(end);
  CHECK(end->end == CallEnd::LocalHangup);
  sink.drain();
  REQUIRE(sim.wait(10s) == 0);
  INFO(sim.output());
  const auto ref = clip(kMachineClip);
  REQUIRE(sink.audio().size() >= 8000);
  const auto a = best_alignment(std::span(ref.data(), 8000), sink.audio(), 800);
  CHECK(a.correlation > 0.95);
  CHECK(sim.json_number("calls.machine") == 1);
  CHECK(sim.json_number("ended.caller_bye") == 1);
}

TEST_CASE("carrier sim: busy, invalid and congestion get their SIP codes", "[e2e]") {
  enter_private_netns();
  struct Case {
    const char* outcomes;
    const char* carrier;
    CallEnd end;
    int status;
  };
  const Case cases[] = {
      {"{live: 0, machine: 0, busy: 1.0, invalid: 0}", "", CallEnd::Busy, 486},
      {"{live: 0, machine: 0, busy: 0, invalid: 1.0}", "", CallEnd::InvalidNumber, 404},
      {"{live: 0, machine: 0, busy: 0, invalid: 1.0}", "{invalid_status: 484}", CallEnd::InvalidNumber, 484},
      {"{live: 0, machine: 0, busy: 0, invalid: 0}", "{congestion: 1.0}", CallEnd::Congestion, 503},
  };
  for (const Case& k : cases) {
    INFO(k.status);
    TempDir dir;
    SimProcess sim(sim_args(workload(dir, k.outcomes, "1", k.carrier), corpus(dir), {"--max-calls", "1"}),
                   dir.file("sim.log"));
    Uac uac(sim.sip_port());
    RtpSink sink;
    const auto start = std::chrono::steady_clock::now();
    const CallId c = uac.dial(sink.offer());
    const auto end = uac.ended(c, 5s);
    REQUIRE(end);
    CHECK(end->end == k.end);
    CHECK(end->status == k.status);
    CHECK(std::chrono::steady_clock::now() - start >= 150ms);  // after the drawn 0.2 s
    REQUIRE(sim.wait(10s) == 0);
    CHECK(sim.json_number("ended.our_reject") == 1);
    CHECK(sim.json_number("answers") == 0);
  }
}

TEST_CASE("carrier sim: a no-answer rings until the caller cancels", "[e2e]") {
  enter_private_netns();
  TempDir dir;
  SimProcess sim(sim_args(workload(dir, "{live: 0, machine: 0, busy: 0, invalid: 0}", "1"), corpus(dir),
                          {"--max-calls", "1"}),
                 dir.file("sim.log"));
  Uac uac(sim.sip_port(), 2);  // the dialler's ring timeout: 2 s, then CANCEL
  RtpSink sink;
  const auto start = std::chrono::steady_clock::now();
  const CallId c = uac.dial(sink.offer());
  const auto progress = uac.log.wait_kind(c, SipEventKind::Progress, 5s);
  REQUIRE(progress);
  CHECK(progress->status == 180);
  const auto end = uac.ended(c, 10s);
  REQUIRE(end);
  CHECK(end->end == CallEnd::NoAnswer);
  CHECK(end->status == 487);  // our CANCEL ended the INVITE
  CHECK(std::chrono::steady_clock::now() - start >= 1900ms);
  REQUIRE(sim.wait(10s) == 0);
  CHECK(sim.json_number("calls.no_answer") == 1);
  CHECK(sim.json_number("ended.caller_cancel") == 1);
}

TEST_CASE("carrier sim: a paying customer keys card and CVV as RFC 4733 events", "[e2e]") {
  enter_private_netns();
  TempDir dir;
  SimProcess sim(sim_args(workload(dir, "{live: 1.0, machine: 0, busy: 0, invalid: 0}", "0.5",
                                   "{pay_probability: 1.0, pay_after_s: 0.3, card: '5555444433332222', "
                                   "cvv: '987', key_on_ms: 60, key_off_ms: 60}"),
                          corpus(dir), {"--max-calls", "1"}),
                 dir.file("sim.log"));
  Uac uac(sim.sip_port());
  RtpSink sink;
  const CallId c = uac.dial(sink.offer());
  const auto end = uac.ended(c, 20s);
  REQUIRE(end);
  CHECK(end->end == CallEnd::RemoteHangup);  // only after the last key
  sink.drain();
  REQUIRE(sim.wait(10s) == 0);
  INFO(sim.output());
  CHECK(sink.rfc4733_keys() == "5555444433332222#987");
  CHECK(sink.event_packets() >= 20 * 4);
  CHECK(sim.json_number("payments_started") == 1);
  CHECK(sim.json_number("payments_keyed") == 1);
}

TEST_CASE("carrier sim: without telephone-event the payment is keyed in band", "[e2e]") {
  enter_private_netns();
  TempDir dir;
  SimProcess sim(sim_args(workload(dir, "{live: 1.0, machine: 0, busy: 0, invalid: 0}", "0.5",
                                   "{pay_after_s: 0.3, key_on_ms: 80, key_off_ms: 80}"),
                          corpus(dir), {"--max-calls", "1", "--pay"}),
                 dir.file("sim.log"));
  Uac uac(sim.sip_port());
  RtpSink sink;
  const CallId c = uac.dial(sink.offer(false, false));
  const auto end = uac.ended(c, 20s);
  REQUIRE(end);
  sink.drain();
  REQUIRE(sim.wait(10s) == 0);
  CHECK(sink.event_packets() == 0);
  const std::string keys = inband_keys(sink.audio());
  INFO(keys);
  CHECK(keys.find("4111111111111111#123") != std::string::npos);
  CHECK(sim.json_number("payments_keyed") == 1);
}

TEST_CASE("carrier sim: SIGTERM mid-call sends BYE on every call and exits cleanly", "[e2e]") {
  enter_private_netns();
  TempDir dir;
  SimProcess sim(sim_args(workload(dir, "{live: 1.0, machine: 0, busy: 0, invalid: 0}", "60"), corpus(dir), {}),
                 dir.file("sim.log"));
  Uac uac(sim.sip_port());
  RtpSink sink;
  std::vector<CallId> calls;
  for (int i = 0; i < 3; ++i) calls.push_back(uac.dial(sink.offer(), i));
  for (CallId c : calls) REQUIRE(uac.log.wait_kind(c, SipEventKind::Answered, 5s));
  std::this_thread::sleep_for(500ms);
  sim.terminate();
  for (CallId c : calls) {
    const auto end = uac.ended(c, 5s);
    REQUIRE(end);
    CHECK(end->end == CallEnd::RemoteHangup);
  }
  REQUIRE(sim.wait(10s) == 0);
  INFO(sim.output());
  CHECK(sim.json_number("answers") == 3);
  CHECK(sim.json_number("ended.our_bye") == 3);
  CHECK(sim.output().find("carrier simulator summary") != std::string::npos);
  std::this_thread::sleep_for(200ms);
  CHECK(uac.stack->live_handles() == 0);
}

}  // namespace dialcore::test
