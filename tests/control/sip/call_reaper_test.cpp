// Calls whose far end vanished are reaped within a bound (issue 7, robustness: never leak a
// call): callers killed after their calls were answered, a flood of INVITEs that never ACK
// our 2xx, and callers and carriers killed while ringing. In a private network namespace,
// with T1 = 50 ms so sofia's timers (64×T1 = 3.2 s) and the reaper's bound are short.
// Label sip.
#include <catch2/catch.hpp>

#include "event_describe.hpp"
#include "sip_test_support.hpp"
#include "sipp_scenarios.hpp"

#include "control/sip/sip_stack.hpp"

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>

namespace dialcore::test {
namespace {

using control::sip::CallEnd;
using control::sip::CallId;
using control::sip::SipEvent;
using control::sip::SipEventKind;
using control::sip::SipStack;

constexpr std::uint16_t kCallerPort = 5090;
constexpr std::uint16_t kCarrierPort = 5091;
// The probe waits 1 s of silence (session 2 s), its OPTIONS and then our BYE each time out
// in 64×T1 = 3.2 s; the reaper's own bound is 64×T1 + 2 s. 20 s is all of that twice.
constexpr auto kReapBound = std::chrono::seconds(20);

config::Sip reaper_config() {
  config::Sip sip = test_sip_config(kCarrierPort);
  sip.timers.t1_ms = 50;
  sip.timers.session_expires_s = 2;
  sip.timers.invite_timeout_s = 1;
  return sip;
}

std::vector<std::string> sipp_args(std::vector<std::string> args, std::uint16_t port) {
  for (const char* a : {"-i", "127.0.0.1", "-nostdin", "-timeout", "60s"}) args.emplace_back(a);
  args.insert(args.end(), {"-p", std::to_string(port)});
  return args;
}

// A caller whose INVITE is answered and which then sends nothing: no ACK, no BYE.
std::string uac_never_acks(const std::string& did) {
  return scenarios::wrap(
      "  <send retrans=\"500\"><![CDATA[\n\nINVITE sip:" + did +
      "@[remote_ip]:[remote_port] SIP/2.0\n"
      "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
      "From: <sip:caller77@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n"
      "To: <sip:" +
      did +
      "@[remote_ip]:[remote_port]>\nCall-ID: [call_id]\nCSeq: 1 INVITE\n"
      "Contact: <sip:caller77@[local_ip]:[local_port]>\nMax-Forwards: 70\n"
      "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
      scenarios::kSdpBody + "]]></send>\n" +
      "  <recv response=\"100\" optional=\"true\"/>\n  <recv response=\"180\" optional=\"true\"/>\n"
      "  <recv response=\"200\"/>\n  <pause milliseconds=\"60000\"/>\n");
}

// A carrier that rings and then says nothing more (it is killed while ringing).
std::string uas_rings_forever() {
  return scenarios::wrap("  <recv request=\"INVITE\"/>\n" + scenarios::reply("180 Ringing") +
                         "  <pause milliseconds=\"60000\"/>\n");
}

struct Rig {
  TempDir dir;
  EventLog log;
  std::unique_ptr<SipStack> stack;
  std::uint16_t port = 0;

  Rig() {
    enter_private_netns();
    stack = std::make_unique<SipStack>(reaper_config(), log.sink());
    const auto error = stack->start();
    INFO(error.value_or(""));
    REQUIRE_FALSE(error);
    port = stack->interface("carriers")->port;
  }

  std::unique_ptr<Sipp> callers(std::vector<std::string> args, int calls) {
    args.insert(args.end(), {"-m", std::to_string(calls), "-r", "20"});
    args = sipp_args(std::move(args), kCallerPort);
    args.push_back("127.0.0.1:" + std::to_string(port));
    return std::make_unique<Sipp>(dir, args);
  }

  // Answers (or only rings) each of `calls` Incoming events as they come; returns their ids.
  std::set<CallId> take_incoming(std::size_t calls, bool answer) {
    std::set<CallId> ids;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (ids.size() < calls && std::chrono::steady_clock::now() < until) {
      for (const SipEvent& e : log.all()) {
        if (e.kind != SipEventKind::Incoming || !ids.insert(e.call).second) continue;
        CHECK((answer ? stack->answer(e.call, kTestSdp) : stack->ringing(e.call)));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(ids.size() == calls);
    return ids;
  }

  // Waits (bounded) until no call and no handle is left; true when that happened.
  bool drained(std::chrono::milliseconds bound) {
    const auto until = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < until) {
      if (stack->live_calls() == 0 && stack->live_handles() == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::size_t ended(const std::set<CallId>& ids) {
    std::size_t n = 0;
    for (const SipEvent& e : log.all()) n += e.kind == SipEventKind::Ended && ids.count(e.call);
    return n;
  }

  std::string describe() { return describe_events(log); }
};

}  // namespace

TEST_CASE("answered calls whose caller was killed are probed and reaped", "[sip][reaper]") {
  Rig rig;
  constexpr std::size_t kCalls = 4;
  // sipp's own uac holds each call 60 s before its BYE: it is killed long before that.
  auto sipp = rig.callers({"-sn", "uac", "-s", "3000", "-d", "60000"}, kCalls);
  const auto ids = rig.take_incoming(kCalls, true);
  for (CallId id : ids) REQUIRE(rig.log.wait_kind(id, SipEventKind::Confirmed));
  CHECK(rig.stack->live_calls() == kCalls);
  sipp.reset();  // SIGKILL: the caller vanishes with its calls up
  const bool drained = rig.drained(kReapBound);
  INFO(rig.describe());
  CHECK(drained);
  CHECK(rig.stack->live_handles() == 0);
  CHECK(rig.ended(ids) == kCalls);
  const auto counters = rig.stack->counters();
  CHECK(counters.probes_sent >= kCalls);
  CHECK(counters.calls_reaped >= kCalls);
  CHECK(counters.ended_by(CallEnd::Failed) == kCalls);
}

TEST_CASE("a flood of answered INVITEs that never ACK is reaped", "[sip][reaper]") {
  Rig rig;
  constexpr std::size_t kCalls = 20;
  auto sipp = rig.callers({"-sf", write_scenario(rig.dir, "noack", uac_never_acks("3001"))},
                          kCalls);
  const auto ids = rig.take_incoming(kCalls, true);
  // The caller stays (it ignores our 2xx retransmissions and the BYE after Timer H).
  const bool drained = rig.drained(kReapBound);
  INFO(rig.describe());
  CHECK(drained);
  CHECK(rig.stack->live_handles() == 0);
  CHECK(rig.ended(ids) == kCalls);
  CHECK(rig.stack->counters().ended_by(CallEnd::RemoteHangup) == 0);
}

TEST_CASE("calls ringing both ways are reaped when both peers are killed", "[sip][reaper]") {
  Rig rig;
  auto carrier = std::make_unique<Sipp>(
      rig.dir, sipp_args({"-sf", write_scenario(rig.dir, "ring", uas_rings_forever()), "-m", "3"},
                         kCarrierPort));
  REQUIRE(wait_udp_bound(kCarrierPort));
  std::set<CallId> ids;
  for (int i = 0; i < 3; ++i) {
    const CallId id = rig.stack->dial({"carrier", "1555000" + std::to_string(i), "", kTestSdp});
    REQUIRE(id != 0);
    REQUIRE(rig.log.wait_kind(id, SipEventKind::Progress));
    ids.insert(id);
  }
  auto sipp = rig.callers({"-sn", "uac", "-s", "3002", "-d", "60000"}, 3);
  for (CallId id : rig.take_incoming(3, false)) ids.insert(id);
  carrier.reset();
  sipp.reset();
  const bool drained = rig.drained(kReapBound);
  INFO(rig.describe());
  CHECK(drained);
  CHECK(rig.stack->live_handles() == 0);
  CHECK(rig.ended(ids) == 6);
}

}  // namespace dialcore::test
