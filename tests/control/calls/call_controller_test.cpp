// CallController (the B2BUA) end to end in a private network namespace: the real dataplane
// runtime, MediaService, SIP stack and SQLite history in this process; sipp as the carrier,
// the agent's UA and an inbound caller (label sip).
#include "call_rig.hpp"
#include "call_scenarios.hpp"

#include <algorithm>

using namespace dialcore;
using namespace dialcore::test;
using calls::CallEventKind;
using calls::CallOutcome;
using calls::Side;

namespace {

std::vector<store::Cdr> cdrs_of(CallRig& rig, calls::CallHandle call) {
  // The history writes on its own thread (group commit): wait until everything reported so far
  // is in the database, then read through a connection of our own, never the writer's.
  REQUIRE(rig.history->flush());
  auto reader = open_store(rig.dir.file("calls.db"));
  auto rows = reader->cdrs().list(where("call_id", "test-" + std::to_string(call)));
  REQUIRE(rows.ok());
  return rows.value();
}

const store::Cdr* leg_row(const std::vector<store::Cdr>& rows, const std::string& leg) {
  for (const auto& r : rows) {
    if (r.leg == leg) return &r;
  }
  return nullptr;
}

// Waits for the call's Ended and checks its outcome.
calls::CallEvent require_ended(CallRig& rig, calls::CallHandle call, CallOutcome outcome) {
  const auto ended = rig.wait_event(call, CallEventKind::Ended);
  INFO(Catch::rangeToString(rig.kinds(call)));
  REQUIRE(ended);
  CHECK(calls::outcome_name(ended->outcome) == calls::outcome_name(outcome));
  return *ended;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Outbound call answered, the agent connected and bridged; RTP both ways through the bridge.
calls::CallHandle bridged_call(CallRig& rig) {
  const calls::CallHandle call = rig.originate();
  REQUIRE(rig.wait_event(call, CallEventKind::Answered));
  REQUIRE(rig.controller->connect_agent(call, rig.agent_target()));
  const auto bridged = rig.wait_event(call, CallEventKind::Bridged);
  INFO(Catch::rangeToString(rig.kinds(call)));
  REQUIRE(bridged);
  return call;
}

void require_rtp_both_ways(CallRig& rig, calls::CallHandle call) {
  // The carrier's pcap plays for 7 s at 50 packets/s; give the bridge about a second.
  rig.run_for(std::chrono::milliseconds(1200));
  const dataplane::LegStats customer = rig.stats(call, Side::Customer);
  const dataplane::LegStats agent = rig.stats(call, Side::Agent);
  INFO("customer rx " << customer.rx_packets << " tx " << customer.tx_packets << "; agent rx "
                      << agent.rx_packets << " tx " << agent.tx_packets);
  // carrier → customer leg → bridge → agent leg → sipp's echo → agent leg → bridge → carrier.
  CHECK(customer.rx_packets >= 20);
  CHECK(agent.tx_packets >= 20);
  CHECK(agent.rx_packets >= 20);  // only sipp's echo of what we sent it can arrive here
  CHECK(customer.tx_packets >= 20);
  CHECK(customer.malformed == 0);
  CHECK(agent.malformed == 0);
}

}  // namespace

TEST_CASE(
    "an outbound call is answered and bridged to an agent with RTP both ways until the carrier "
    "hangs up",
    "[calls][outbound][rtp]") {
  CallRig rig;
  rig.carrier(call_scenarios::carrier_talks(3500, true));
  rig.agent(call_scenarios::agent_answers(false));
  const calls::CallHandle call = bridged_call(rig);
  require_rtp_both_ways(rig, call);
  require_ended(rig, call, CallOutcome::Normal);
  const auto kinds = rig.kinds(call);
  INFO(Catch::rangeToString(kinds));
  CHECK(contains(kinds, "ringing"));
  CHECK(kinds.back() == "ended");
  rig.carrier_passed();
  rig.agent_passed();  // it got our BYE
  rig.require_clean();
  CHECK(rig.controller->counters().calls_bridged == 1);
  CHECK(rig.controller->counters().ended_by(CallOutcome::Normal) == 1);

  // The history: the customer leg (an attempt of the lead) and the agent leg, both closed.
  const auto rows = cdrs_of(rig, call);
  REQUIRE(rows.size() == 2);
  const store::Cdr* a = leg_row(rows, "a");
  const store::Cdr* agent = leg_row(rows, "agent");
  REQUIRE(a != nullptr);
  REQUIRE(agent != nullptr);
  CHECK(a->direction == "outbound");
  CHECK(a->to_number == "15551234");
  CHECK(a->answered_at_ms.has_value());
  CHECK(a->ended_at_ms.has_value());
  CHECK(a->hangup_cause == "normal");
  CHECK(a->agent_id == 7);
  CHECK(contains(event_types(*a), "bridge"));
  CHECK(agent->answered_at_ms.has_value());
  CHECK(agent->ended_at_ms.has_value());
}

TEST_CASE("the agent's BYE ends the carrier leg too", "[calls][outbound]") {
  CallRig rig;
  rig.carrier(call_scenarios::carrier_talks(8000, false));
  rig.agent(call_scenarios::agent_answers(true, 1500));
  const calls::CallHandle call = bridged_call(rig);
  require_rtp_both_ways(rig, call);
  require_ended(rig, call, CallOutcome::Normal);
  rig.agent_passed();
  rig.carrier_passed();  // it got our BYE
  rig.require_clean();
}

TEST_CASE("control hangs up a bridged call: BYE on both legs", "[calls][outbound]") {
  CallRig rig;
  rig.carrier(call_scenarios::carrier_talks(8000, false));
  rig.agent(call_scenarios::agent_answers(false));
  const calls::CallHandle call = bridged_call(rig);
  CHECK(rig.controller->hangup(call));
  CHECK_FALSE(rig.controller->hangup(call));  // already ending
  require_ended(rig, call, CallOutcome::Normal);
  rig.carrier_passed();
  rig.agent_passed();
  rig.require_clean();
}

TEST_CASE("a re-INVITE from the carrier holds and resumes the customer leg",
          "[calls][outbound][hold]") {
  CallRig rig;
  rig.carrier(call_scenarios::carrier_holds_and_resumes());
  rig.agent(call_scenarios::agent_answers(false));
  const calls::CallHandle call = bridged_call(rig);
  const auto held = rig.wait_event(call, CallEventKind::Held);
  REQUIRE(held);
  CHECK(held->side == Side::Customer);
  // While held we send nothing to the carrier: the customer leg's tx stops growing.
  rig.run_for(std::chrono::milliseconds(120));
  const auto tx_held = rig.stats(call, Side::Customer).tx_packets;
  rig.run_for(std::chrono::milliseconds(150));
  CHECK(rig.stats(call, Side::Customer).tx_packets == tx_held);
  const auto resumed = rig.wait_event(call, CallEventKind::Resumed);
  REQUIRE(resumed);
  rig.run_for(std::chrono::milliseconds(300));
  CHECK(rig.stats(call, Side::Customer).tx_packets > tx_held);
  const auto ended = rig.wait_event(call, CallEventKind::Ended);
  REQUIRE(ended);
  rig.carrier_passed();  // it checked a=recvonly, then a=sendrecv, in our answers
  rig.agent_passed();
  rig.require_clean();
  CHECK(rig.controller->counters().offers_answered == 2);
  const auto rows = cdrs_of(rig, call);
  const store::Cdr* a = leg_row(rows, "a");
  REQUIRE(a != nullptr);
  const auto types = event_types(*a);
  CHECK(contains(types, "hold"));
  CHECK(contains(types, "retrieve"));
}

TEST_CASE("busy or no answer or invalid number end the call with their outcome and no leg left",
          "[calls][outbound][causes]") {
  const std::vector<std::pair<std::string, CallOutcome>> cases = {
      {"486 Busy Here", CallOutcome::Busy},
      {"480 Temporarily Unavailable", CallOutcome::NoAnswer},
      {"404 Not Found", CallOutcome::InvalidNumber},
      {"503 Service Unavailable", CallOutcome::Congestion}};
  CallRig rig;
  for (const auto& [status, outcome] : cases) {
    DYNAMIC_SECTION(status) {
      rig.carrier(scenarios::uas_fail_after_early_media(status, "442071234567"));
      const calls::CallHandle call = rig.originate();
      // The 183's SDP programmed the leg: early media for SIT/AMD before the failure.
      CHECK(rig.wait_event(call, CallEventKind::EarlyMedia));
      const calls::CallEvent ended = require_ended(rig, call, outcome);
      CHECK(ended.sip_status == std::stoi(status));
      CHECK_FALSE(rig.wait_event(call, CallEventKind::Answered, std::chrono::milliseconds(1)));
      rig.carrier_passed();
      rig.require_clean();
      const auto rows = cdrs_of(rig, call);
      REQUIRE(rows.size() == 1);
      CHECK(rows[0].ended_at_ms.has_value());
      CHECK_FALSE(rows[0].answered_at_ms.has_value());
    }
  }
}

TEST_CASE("an unusable SDP answer fails the call cleanly with ACK and BYE and both legs gone",
          "[calls][outbound][sdp]") {
  const std::vector<std::string> bodies = {
      "v=0\nm=audio notaport RTP/AVP 0\n",  // not SDP at all
      // SDP, but a codec we never offered
      "v=0\no=x 1 1 IN IP4 [local_ip]\ns=-\nc=IN IP4 [media_ip]\nt=0 0\n"
      "m=audio [media_port] RTP/AVP 18\na=rtpmap:18 G729/8000\n"};
  CallRig rig;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    DYNAMIC_SECTION("body " << i) {
      rig.carrier(call_scenarios::carrier_bad_answer(bodies[i]));
      const calls::CallHandle call = rig.originate();
      require_ended(rig, call, CallOutcome::SdpFailure);
      rig.carrier_passed();  // it received our BYE
      rig.require_clean();
      CHECK(rig.controller->counters().calls_answered == 0);
    }
  }
}

TEST_CASE("an inbound call is answered and routed to an agent and bridged until the caller's BYE",
          "[calls][inbound]") {
  CallRig rig;
  rig.agent(call_scenarios::agent_answers(false));
  std::vector<calls::InboundCall> routed;
  rig.controller->set_inbound(
      [&](const calls::InboundCall& in) {
        routed.push_back(in);
        calls::Route r;
        r.kind = calls::Route::Kind::Agent;
        r.agent = rig.agent_target(9);
        return r;
      },
      rig.handler());
  rig.caller(call_scenarios::caller_talks("2000", 2500), "2000");
  const bool was_routed = rig.run_until([&] { return !routed.empty(); });
  INFO(rig.caller_log());
  REQUIRE(was_routed);
  CHECK(routed[0].did == "2000");
  CHECK(routed[0].from_user == "caller77");
  const calls::CallHandle call = routed[0].call;
  REQUIRE(rig.wait_event(call, CallEventKind::Bridged));
  require_rtp_both_ways(rig, call);
  const auto digit = rig.wait_event(call, CallEventKind::Dtmf);
  REQUIRE(digit);
  CHECK(digit->digit == '5');
  CHECK(digit->side == Side::Customer);
  require_ended(rig, call, CallOutcome::Normal);
  rig.caller_passed();
  rig.agent_passed();
  rig.require_clean();
  const auto rows = cdrs_of(rig, call);
  const store::Cdr* a = leg_row(rows, "a");
  REQUIRE(a != nullptr);
  CHECK(a->direction == "inbound");
  CHECK(a->to_number == "2000");
  CHECK(a->hangup_cause == "normal");
}

TEST_CASE("inbound calls the router rejects or whose offer we cannot meet are refused cleanly",
          "[calls][inbound]") {
  CallRig rig;
  rig.controller->set_inbound(
      [](const calls::InboundCall&) {
        calls::Route r;
        r.kind = calls::Route::Kind::Reject;
        r.status = 486;
        return r;
      },
      rig.handler());
  SECTION("the router says busy") {
    rig.caller(scenarios::uac_expect_rejection("3000", 486), "3000");
    rig.caller_passed();
    rig.require_clean();
    CHECK(rig.controller->counters().ended_by(CallOutcome::Rejected) == 1);
  }
  SECTION("no codec in common: 488 before any routing") {
    rig.caller(call_scenarios::caller_g722_only("3000"), "3000");
    rig.caller_passed();
    rig.require_clean();
    CHECK(rig.controller->counters().ended_by(CallOutcome::SdpFailure) == 1);
  }
}

TEST_CASE("50 calls in a row each bridged and ended by the carrier leave nothing behind",
          "[calls][load]") {
  constexpr int kCalls = 50;
  CallRig rig;
  rig.carrier(
      call_scenarios::wrap(call_scenarios::uas_answer(call_scenarios::pcma_sdp(), false, true) +
                           call_scenarios::pause(500) + call_scenarios::uas_bye(1)),
      kCalls);
  rig.agent(call_scenarios::agent_answers(false), kCalls);
  for (int i = 0; i < kCalls; ++i) {
    const calls::CallHandle call = rig.originate();
    REQUIRE(rig.wait_event(call, CallEventKind::Answered));
    REQUIRE(rig.controller->connect_agent(call, rig.agent_target()));
    REQUIRE(rig.wait_event(call, CallEventKind::Bridged));
    require_ended(rig, call, CallOutcome::Normal);
  }
  rig.carrier_passed();
  rig.agent_passed();
  rig.require_clean();
  CHECK(rig.controller->counters().ended_by(CallOutcome::Normal) == kCalls);
  CHECK(rig.controller->counters().calls_answered == kCalls);
}

TEST_CASE(
    "20 concurrent bridged calls hung up by control one by one or all at once leave nothing behind",
    "[calls][load]") {
  constexpr int kCalls = 20;
  CallRig rig;
  rig.carrier(call_scenarios::wrap(call_scenarios::uas_answer(call_scenarios::pcma_sdp()) +
                                   call_scenarios::expect_bye()),
              kCalls);
  rig.agent(call_scenarios::agent_answers(false), kCalls);
  std::vector<calls::CallHandle> ids;
  for (int i = 0; i < kCalls; ++i) ids.push_back(rig.originate());
  for (auto id : ids) REQUIRE(rig.wait_event(id, CallEventKind::Answered));
  for (auto id : ids) REQUIRE(rig.controller->connect_agent(id, rig.agent_target()));
  for (auto id : ids) REQUIRE(rig.wait_event(id, CallEventKind::Bridged));
  CHECK(rig.controller->live_media_legs() == 2 * kCalls);
  CHECK(rig.media->legs(0) == 2 * kCalls);
  CHECK(rig.sip->live_handles() == 2 * kCalls);
  for (int i = 0; i < kCalls / 2; ++i)
    CHECK(rig.controller->hangup(ids[static_cast<std::size_t>(i)]));
  // The rest as at SIGTERM: every call still up, at once.
  CHECK(rig.controller->hangup_all() == kCalls / 2);
  for (auto id : ids) REQUIRE(rig.wait_event(id, CallEventKind::Ended));
  rig.carrier_passed();
  rig.agent_passed();
  rig.require_clean();
  CHECK(rig.controller->counters().ended_by(CallOutcome::Normal) == kCalls / 2);
  CHECK(rig.controller->counters().ended_by(CallOutcome::Shutdown) == kCalls / 2);
}

TEST_CASE("no media leg for the agent: the agent attempt fails and the customer call stays whole",
          "[calls][media]") {
  RigOptions options;
  options.legs_per_worker = 1;  // room for the customer leg only
  CallRig rig(options);
  rig.carrier(call_scenarios::carrier_talks(8000, false));
  const calls::CallHandle call = rig.originate();
  REQUIRE(rig.wait_event(call, CallEventKind::Answered));
  // A second call cannot get a leg: it fails before any SIP is sent.
  const calls::CallHandle second = rig.originate();
  require_ended(rig, second, CallOutcome::MediaFailure);
  REQUIRE(rig.controller->connect_agent(call, rig.agent_target()));
  const auto agent_ended = rig.wait_event(call, CallEventKind::AgentEnded);
  REQUIRE(agent_ended);
  CHECK(agent_ended->outcome == CallOutcome::MediaFailure);
  CHECK(rig.controller->media_leg(call, Side::Customer).has_value());
  CHECK(rig.controller->hangup(call));
  REQUIRE(rig.wait_event(call, CallEventKind::Ended));
  rig.carrier_passed();
  rig.require_clean();
  CHECK(rig.controller->counters().agent_legs_failed == 1);
}

TEST_CASE("a carrier that stops sending RTP is hung up after the leg's RTP timeout",
          "[calls][media]") {
  RigOptions options;
  options.rtp_timeout_ms = 1500;
  CallRig rig(options);
  // Answers and sends no RTP at all: a dead peer.
  rig.carrier(call_scenarios::wrap(call_scenarios::uas_answer(call_scenarios::pcma_sdp()) +
                                   call_scenarios::expect_bye()));
  const calls::CallHandle call = rig.originate();
  REQUIRE(rig.wait_event(call, CallEventKind::Answered));
  require_ended(rig, call, CallOutcome::MediaTimeout);
  rig.carrier_passed();
  rig.require_clean();
}
