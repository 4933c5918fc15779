// Outbound calls on a trunk against sipp carriers, in a private network namespace (label sip).
#include <catch2/catch.hpp>

#include "sip_test_support.hpp"
#include "sipp_scenarios.hpp"

#include "control/sip/sip_stack.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace dialcore::test {
namespace {

using control::sip::CallEnd;
using control::sip::CallId;
using control::sip::SipEventKind;
using control::sip::SipStack;

constexpr std::uint16_t kCarrierPort = 5070;  // private namespace: no one else is here

std::vector<std::string> sipp_uas_args(const std::string& scenario, int calls) {
  std::vector<std::string> args;
  if (scenario.empty()) {
    args = {"-sn", "uas"};
  } else {
    args = {"-sf", scenario};
  }
  for (const char* a : {"-i", "127.0.0.1", "-nostdin", "-timeout", "20s", "-timeout_error"}) {
    args.emplace_back(a);
  }
  args.insert(args.end(), {"-p", std::to_string(kCarrierPort), "-m", std::to_string(calls)});
  return args;
}

struct Rig {
  TempDir dir;
  EventLog log;
  std::unique_ptr<SipStack> stack;
  std::unique_ptr<Sipp> carrier;

  explicit Rig(const std::string& scenario_xml, int calls = 1,
               config::Sip settings = test_sip_config(kCarrierPort)) {
    enter_private_netns();
    const std::string scenario =
        scenario_xml.empty() ? "" : write_scenario(dir, "carrier", scenario_xml);
    carrier = std::make_unique<Sipp>(dir, sipp_uas_args(scenario, calls));
    REQUIRE(wait_udp_bound(kCarrierPort));
    stack = std::make_unique<SipStack>(std::move(settings), log.sink());
    const auto error = stack->start();
    INFO(error.value_or(""));
    REQUIRE_FALSE(error);
  }

  CallId dial(const std::string& number = "15551234") {
    const CallId id = stack->dial({"carrier", number, "", kTestSdp});
    REQUIRE(id != 0);
    return id;
  }

  control::sip::SipEvent ended(CallId id) {
    const auto e = log.wait_kind(id, SipEventKind::Ended);
    REQUIRE(e);
    return *e;
  }

  void carrier_passed() {
    const int status = carrier->wait();
    INFO(carrier->log());
    CHECK(status == 0);
  }
};

}  // namespace

TEST_CASE("an outbound call is answered by sipp, we hang up with BYE", "[sip][trunk]") {
  Rig rig("");
  const CallId id = rig.dial();
  const auto answered = rig.log.wait_kind(id, SipEventKind::Answered);
  REQUIRE(answered);
  CHECK(answered->status == 200);
  CHECK(answered->sdp.find("m=audio") != std::string::npos);
  CHECK(answered->interface == "carriers");
  CHECK(rig.stack->live_handles() == 1);
  REQUIRE(rig.stack->hangup(id));
  const auto end = rig.ended(id);
  CHECK(end.end == CallEnd::LocalHangup);
  rig.carrier_passed();
  CHECK(rig.stack->live_handles() == 0);
  const auto c = rig.stack->counters();
  CHECK(c.calls_started == 1);
  CHECK(c.calls_answered == 1);
  CHECK(c.ended_by(CallEnd::LocalHangup) == 1);
  rig.stack->stop();
  CHECK(rig.stack->live_handles() == 0);
}

}  // namespace dialcore::test
