// Inbound calls from sipp callers, INFO digits, re-INVITE offers, rejection, and a flood of
// malformed datagrams; in a private network namespace (label sip).
#include <catch2/catch.hpp>

#include "sip_test_support.hpp"
#include "sipp_scenarios.hpp"

#include "control/sip/sip_stack.hpp"

#include <memory>
#include <random>
#include <string>

namespace dialcore::test {
namespace {

using control::sip::CallEnd;
using control::sip::CallId;
using control::sip::SipEvent;
using control::sip::SipEventKind;
using control::sip::SipStack;

constexpr std::uint16_t kCallerPort = 5080;

struct Rig {
  TempDir dir;
  EventLog log;
  std::unique_ptr<SipStack> stack;
  std::uint16_t port = 0;  // our trunk interface, chosen by the kernel

  explicit Rig(config::Sip settings = test_sip_config(5070)) {
    enter_private_netns();
    stack = std::make_unique<SipStack>(std::move(settings), log.sink());
    const auto error = stack->start();
    INFO(error.value_or(""));
    REQUIRE_FALSE(error);
    REQUIRE(stack->interface("carriers") != nullptr);
    port = stack->interface("carriers")->port;
    REQUIRE(port != 0);
  }

  std::unique_ptr<Sipp> caller(const std::string& scenario_or_builtin, const std::string& did) {
    std::vector<std::string> args;
    if (scenario_or_builtin == "uac") {
      args = {"-sn", "uac", "-s", did};
    } else {
      args = {"-sf", write_scenario(dir, "caller", scenario_or_builtin)};
    }
    for (const char* a : {"-i", "127.0.0.1", "-nostdin", "-timeout", "20s", "-timeout_error"}) {
      args.emplace_back(a);
    }
    args.insert(args.end(), {"-p", std::to_string(kCallerPort), "-m", "1",
                             "127.0.0.1:" + std::to_string(port)});
    return std::make_unique<Sipp>(dir, args);
  }

  SipEvent incoming() {
    const auto e = log.wait_for([](const SipEvent& x) { return x.kind == SipEventKind::Incoming; });
    REQUIRE(e);
    return *e;
  }
};

void passed(Sipp& sipp) {
  const int status = sipp.wait();
  INFO(sipp.log());
  CHECK(status == 0);
}

}  // namespace

TEST_CASE("an inbound call from sipp uac reaches control and is answered", "[sip][inbound]") {
  Rig rig;
  auto sipp = rig.caller("uac", "2000");
  const SipEvent in = rig.incoming();
  CHECK(in.did == "2000");
  CHECK(in.to_user == "2000");
  CHECK(in.from_user == "sipp");
  CHECK(in.interface == "carriers");
  CHECK(in.sdp.find("m=audio") != std::string::npos);
  REQUIRE(rig.stack->ringing(in.call));
  REQUIRE(rig.stack->answer(in.call, kTestSdp));
  CHECK(rig.log.wait_kind(in.call, SipEventKind::Confirmed));
  const auto end = rig.log.wait_kind(in.call, SipEventKind::Ended);
  REQUIRE(end);
  CHECK(end->end == CallEnd::RemoteHangup);
  passed(*sipp);
  CHECK(rig.stack->live_handles() == 0);
  CHECK(rig.stack->counters().calls_incoming == 1);
}

TEST_CASE("INFO digits and a re-INVITE offer are passed up", "[sip][inbound][dtmf]") {
  Rig rig;
  auto sipp = rig.caller(scenarios::uac_call_with_info_and_reinvite("2001"), "2001");
  const SipEvent in = rig.incoming();
  CHECK(in.did == "2001");
  REQUIRE(rig.stack->answer(in.call, kTestSdp));
  const auto seven = rig.log.wait_for([&](const SipEvent& e) {
    return e.call == in.call && e.kind == SipEventKind::Dtmf && e.digit == '7';
  });
  REQUIRE(seven);
  CHECK(seven->duration_ms == 160);
  CHECK(rig.log.wait_for([&](const SipEvent& e) {
    return e.call == in.call && e.kind == SipEventKind::Dtmf && e.digit == '#';
  }));
  const auto offer = rig.log.wait_kind(in.call, SipEventKind::Offer);
  REQUIRE(offer);
  CHECK(offer->sdp.find("a=sendonly") != std::string::npos);  // hold: the SDP helper's call
  REQUIRE(rig.stack->answer(in.call, std::string(kTestSdp) + "a=recvonly\r\n"));
  const auto end = rig.log.wait_kind(in.call, SipEventKind::Ended);
  REQUIRE(end);
  CHECK(end->end == CallEnd::RemoteHangup);
  passed(*sipp);
  CHECK(rig.stack->counters().dtmf_events == 2);
  CHECK(rig.stack->counters().malformed_requests == 1);  // Signal=Z: answered, counted, dropped
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("control rejects an inbound call after ringing", "[sip][inbound]") {
  Rig rig;
  auto sipp = rig.caller(scenarios::uac_expect_rejection("2002", 486), "2002");
  const SipEvent in = rig.incoming();
  REQUIRE(rig.stack->ringing(in.call));
  REQUIRE(rig.stack->reject(in.call, 486));
  const auto end = rig.log.wait_kind(in.call, SipEventKind::Ended);
  REQUIRE(end);
  CHECK(end->end == CallEnd::Rejected);
  CHECK(end->status == 486);
  passed(*sipp);
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("hanging up an inbound call before answering sends 480", "[sip][inbound]") {
  Rig rig;
  auto sipp = rig.caller(scenarios::uac_expect_rejection("2007", 480), "2007");
  const SipEvent in = rig.incoming();
  REQUIRE(rig.stack->hangup(in.call));
  const auto end = rig.log.wait_kind(in.call, SipEventKind::Ended);
  REQUIRE(end);
  CHECK(end->end == CallEnd::Cancelled);
  CHECK(end->status == 480);
  passed(*sipp);
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("a caller who cancels while ringing ends the call as cancelled", "[sip][inbound]") {
  Rig rig;
  auto sipp = rig.caller(scenarios::uac_cancel_after_ringing("2006"), "2006");
  const SipEvent in = rig.incoming();
  REQUIRE(rig.stack->ringing(in.call));
  const auto end = rig.log.wait_kind(in.call, SipEventKind::Ended);
  REQUIRE(end);
  CHECK(end->end == CallEnd::Cancelled);
  passed(*sipp);
  CHECK(rig.stack->live_handles() == 0);
  CHECK(rig.stack->counters().ended_by(CallEnd::Cancelled) == 1);
}

TEST_CASE("an inbound call control never answers gets 480 after the invite timeout",
          "[sip][inbound]") {
  config::Sip settings = test_sip_config(5070);
  settings.timers.invite_timeout_s = 1;
  Rig rig(settings);
  auto sipp = rig.caller(scenarios::uac_expect_rejection("2005", 480), "2005");
  const SipEvent in = rig.incoming();
  const auto end = rig.log.wait_kind(in.call, SipEventKind::Ended, std::chrono::seconds(5));
  REQUIRE(end);
  CHECK(end->end == CallEnd::NoAnswer);
  CHECK(end->status == 480);
  passed(*sipp);
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("200 malformed datagrams do not stop the stack answering a good call",
          "[sip][inbound][robustness]") {
  Rig rig;
  const std::string invite =
      "INVITE sip:2003@127.0.0.1:" + std::to_string(rig.port) +
      " SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-junk\r\n"
      "From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:2003@127.0.0.1>\r\nCall-ID: junk@x\r\n"
      "CSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.1:5999>\r\nContent-Type: application/sdp\r\n"
      "Content-Length: 40\r\n\r\nv=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n";
  std::mt19937 rng(7);  // seeded: the same 200 datagrams every run
  for (int i = 0; i < 200; ++i) {
    std::string d;
    switch (i % 4) {
      case 0: {  // random bytes
        d.resize(1 + rng() % 1200);
        for (char& c : d) c = static_cast<char>(rng());
        break;
      }
      case 1:  // a truncated INVITE
        d = invite.substr(0, rng() % invite.size());
        break;
      case 2: {  // an INVITE with bytes flipped
        d = invite;
        for (int k = 0; k < 8; ++k) d[rng() % d.size()] = static_cast<char>(rng());
        break;
      }
      default:  // an INVITE with its Call-ID or CSeq damaged, or a lying Content-Length
        d = invite;
        if (i % 3 == 0) d.replace(d.find("CSeq: 1"), 7, "CSeq: x");
        if (i % 3 == 1) d.replace(d.find("Call-ID"), 7, "Call-IX");
        if (i % 3 == 2) d.replace(d.find("Length: 40"), 10, "Length: 99");
        break;
    }
    send_udp(rig.port, d);
  }
  // Whatever the flood made (a damaged but parseable INVITE is a call), a real caller gets
  // through and is answered.
  auto sipp = rig.caller("uac", "2004");
  const auto in = rig.log.wait_for(
      [](const SipEvent& e) { return e.kind == SipEventKind::Incoming && e.did == "2004"; });
  REQUIRE(in);
  REQUIRE(rig.stack->answer(in->call, kTestSdp));
  CHECK(rig.log.wait_kind(in->call, SipEventKind::Ended));
  passed(*sipp);
  // Calls the flood opened are still waiting for control: turn them down, then nothing is left.
  for (const SipEvent& e : rig.log.all()) {
    if (e.kind == SipEventKind::Incoming && e.call != in->call) rig.stack->reject(e.call, 400);
  }
  rig.stack->stop();
  CHECK(rig.stack->live_handles() == 0);
}

}  // namespace dialcore::test
