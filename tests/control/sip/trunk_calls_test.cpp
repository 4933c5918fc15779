// Outbound calls on a trunk against sipp carriers, in a private network namespace (label sip).
#include <catch2/catch.hpp>

#include "event_describe.hpp"
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

  std::string describe_events() { return test::describe_events(log); }

  // Waits for the answer, hangs up, waits for the end.
  void answered_then_hung_up(CallId id) {
    const auto answered = log.wait_kind(id, SipEventKind::Answered);
    INFO(describe_events());
    REQUIRE(answered);
    REQUIRE(stack->hangup(id));
    CHECK(ended(id).end == CallEnd::LocalHangup);
  }

  void carrier_passed() {
    const int status = carrier->wait();
    INFO(carrier->log());
    CHECK(status == 0);
  }
};

}  // namespace

TEST_CASE("an outbound call is answered by sipp and we hang up with BYE", "[sip][trunk]") {
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

TEST_CASE("the far end hangs up with BYE", "[sip][trunk]") {
  Rig rig(scenarios::uas_answer_then_bye(300));
  const CallId id = rig.dial();
  REQUIRE(rig.log.wait_kind(id, SipEventKind::Answered));
  const auto end = rig.ended(id);
  CHECK(end.end == CallEnd::RemoteHangup);
  rig.carrier_passed();
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("failure statuses map to outcomes and early media is passed up", "[sip][trunk]") {
  struct Case {
    const char* status;
    CallEnd end;
    int code;
  };
  const Case c =
      GENERATE(Case{"486 Busy Here", CallEnd::Busy, 486}, Case{"603 Decline", CallEnd::Busy, 603},
               Case{"480 Temporarily Unavailable", CallEnd::NoAnswer, 480},
               Case{"404 Not Found", CallEnd::InvalidNumber, 404},
               Case{"484 Address Incomplete", CallEnd::InvalidNumber, 484},
               Case{"503 Service Unavailable", CallEnd::Congestion, 503},
               Case{"403 Forbidden", CallEnd::Failed, 403});
  INFO(c.status);
  // The carrier also checks that From carries the trunk's CLI.
  Rig rig(scenarios::uas_fail_after_early_media(c.status, "sip:442071234567@"));
  const CallId id = rig.dial();
  const auto progress = rig.log.wait_kind(id, SipEventKind::Progress);
  REQUIRE(progress);
  CHECK(progress->status == 183);
  CHECK(progress->early_media);
  CHECK(progress->sdp.find("m=audio") != std::string::npos);
  const auto end = rig.ended(id);
  CHECK(end.end == c.end);
  CHECK(end.status == c.code);
  rig.carrier_passed();
  CHECK(rig.stack->live_handles() == 0);
  CHECK(rig.stack->counters().ended_by(c.end) == 1);
}

TEST_CASE("an unanswered call is cancelled after the invite timeout", "[sip][trunk]") {
  config::Sip settings = test_sip_config(kCarrierPort);
  settings.timers.invite_timeout_s = 2;
  Rig rig(scenarios::uas_ring_until_cancel(), 1, settings);
  const auto started = std::chrono::steady_clock::now();
  const CallId id = rig.dial();
  const auto ringing = rig.log.wait_kind(id, SipEventKind::Progress);
  REQUIRE(ringing);
  CHECK(ringing->status == 180);
  CHECK_FALSE(ringing->early_media);
  const auto end = rig.ended(id);
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(end.end == CallEnd::NoAnswer);
  CHECK(end.status == 487);
  CHECK(waited >= std::chrono::milliseconds(1900));
  rig.carrier_passed();
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("our hangup before the answer cancels the call", "[sip][trunk]") {
  Rig rig(scenarios::uas_ring_until_cancel());
  const CallId id = rig.dial();
  REQUIRE(rig.log.wait_kind(id, SipEventKind::Progress));
  REQUIRE(rig.stack->hangup(id));
  const auto end = rig.ended(id);
  CHECK(end.end == CallEnd::Cancelled);
  rig.carrier_passed();
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("a 407 challenge is answered with the trunk's credentials", "[sip][trunk][auth]") {
  config::Sip settings = test_sip_config(kCarrierPort);
  settings.trunks[0].auth = config::TrunkAuth{"trunkuser", "s3cret", ""};
  // RFC 2617 without qop: MD5(HA1:nonce:HA2), computed here independently of sofia.
  const std::string ha1 = md5_hex("trunkuser:dialcore.test:s3cret");
  const std::string ha2 = md5_hex("INVITE:sip:15551234@127.0.0.1:" + std::to_string(kCarrierPort));
  const std::string expected = md5_hex(ha1 + ":4f1a2b3c4d5e6f708192a3b4c5d6e7f8:" + ha2);
  Rig rig(scenarios::uas_proxy_auth(expected), 1, settings);
  rig.answered_then_hung_up(rig.dial());
  rig.carrier_passed();
  const auto c = rig.stack->counters();
  CHECK(c.auth_challenges == 1);
  CHECK(c.auth_failures == 0);
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("a 401 challenge is answered and sipp verifies the digest", "[sip][trunk][auth]") {
  config::Sip settings = test_sip_config(kCarrierPort);
  settings.trunks[0].auth = config::TrunkAuth{"trunkuser", "s3cret", "dialcore.test"};
  Rig rig(scenarios::uas_www_auth("trunkuser", "s3cret"), 1, settings);
  rig.answered_then_hung_up(rig.dial());
  rig.carrier_passed();
  CHECK(rig.stack->counters().auth_challenges == 1);
}

TEST_CASE("a wrong trunk password fails the call once without a loop", "[sip][trunk][auth]") {
  config::Sip settings = test_sip_config(kCarrierPort);
  settings.trunks[0].auth = config::TrunkAuth{"trunkuser", "wrong", ""};
  Rig rig(scenarios::uas_proxy_auth_refused(), 1, settings);
  const CallId id = rig.dial();
  const auto end = rig.ended(id);
  CHECK(end.end == CallEnd::Failed);
  CHECK(end.status == 407);
  rig.carrier_passed();  // a third INVITE would fail the scenario
  const auto c = rig.stack->counters();
  CHECK(c.auth_challenges == 1);
  CHECK(c.auth_failures == 1);
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("privacy id sends an anonymous From with P-Asserted-Identity", "[sip][trunk]") {
  config::Sip settings = test_sip_config(kCarrierPort);
  settings.trunks[0].privacy = config::Privacy::Id;
  Rig rig(scenarios::uas_check_privacy("442071234567"), 1, settings);
  const CallId id = rig.dial();
  CHECK(rig.ended(id).end == CallEnd::Busy);
  rig.carrier_passed();  // the scenario checks Privacy, P-Asserted-Identity and From
}

TEST_CASE("max_calls refuses locally and counts", "[sip][trunk][limits]") {
  config::Sip settings = test_sip_config(kCarrierPort);
  settings.trunks[0].max_calls = 1;
  Rig rig("", 1, settings);
  const CallId first = rig.dial();
  REQUIRE(rig.log.wait_kind(first, SipEventKind::Answered));
  const CallId second = rig.dial();
  const auto refused = rig.ended(second);
  CHECK(refused.end == CallEnd::RefusedMaxCalls);
  REQUIRE(rig.stack->hangup(first));
  CHECK(rig.ended(first).end == CallEnd::LocalHangup);
  rig.carrier_passed();  // sipp saw exactly one call
  const auto c = rig.stack->counters();
  CHECK(c.calls_started == 1);
  CHECK(c.ended_by(CallEnd::RefusedMaxCalls) == 1);
}

TEST_CASE("max_cps refuses locally and counts", "[sip][trunk][limits]") {
  config::Sip settings = test_sip_config(kCarrierPort);
  settings.trunks[0].max_cps = 2;
  Rig rig("", 2, settings);
  const CallId a = rig.dial("15550001");
  const CallId b = rig.dial("15550002");
  const CallId refused = rig.dial("15550003");  // the bucket holds 2: nothing left this second
  CHECK(rig.ended(refused).end == CallEnd::RefusedMaxCps);
  for (const CallId id : {a, b}) rig.answered_then_hung_up(id);
  rig.carrier_passed();
  const auto c = rig.stack->counters();
  CHECK(c.calls_started == 2);
  CHECK(c.ended_by(CallEnd::RefusedMaxCps) == 1);
}

TEST_CASE("a dial to an unknown trunk or a bad number is refused locally", "[sip][trunk]") {
  Rig rig("", 1);
  const CallId unknown = rig.stack->dial({"nosuch", "15551234", "", kTestSdp});
  CHECK(rig.ended(unknown).end == CallEnd::NoSuchTrunk);
  const CallId bad = rig.dial("155<51>234");
  CHECK(rig.ended(bad).end == CallEnd::InvalidNumber);
  CHECK(rig.stack->counters().calls_started == 0);
  // The carrier still takes a good call, so sipp finishes.
  rig.answered_then_hung_up(rig.dial());
  rig.carrier_passed();
}

TEST_CASE("stopping with calls up ends them in bounded time with no handle left", "[sip][trunk]") {
  Rig rig("", 3);
  std::vector<CallId> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(rig.dial("1555000" + std::to_string(i)));
  for (const CallId id : ids) REQUIRE(rig.log.wait_kind(id, SipEventKind::Answered));
  CHECK(rig.stack->live_handles() == 3);
  const auto started = std::chrono::steady_clock::now();
  rig.stack->stop();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  for (const CallId id : ids) CHECK(rig.ended(id).end == CallEnd::Shutdown);
  CHECK(rig.stack->live_handles() == 0);
  CHECK(rig.stack->live_calls() == 0);
  rig.carrier_passed();                    // nua_shutdown sent BYE for each call
  CHECK_FALSE(rig.stack->hangup(ids[0]));  // stopped: commands are refused
}

}  // namespace dialcore::test
