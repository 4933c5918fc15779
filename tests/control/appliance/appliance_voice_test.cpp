// The agents' voice connections and inbound queues through the Appliance (label agent): real
// SipStack, MediaService and dataplane Runtime in-process, sipp as the carrier, the agents'
// handsets (REGISTER with digest, auto-answered calls, RTP echoed) and inbound callers in a
// private network namespace. Persistent call-me (one leg for several customer calls, the beep
// before each bridge, a lost leg auto-pauses), an inbound call through a queue (ACD), the ring
// timeout's auto pause, and a call-in keyed by DTMF (SIP INFO).
#include "appliance_rig.hpp"

#include <boost/json.hpp>

#include "control/api/campaign_control.hpp"
#include "control/appliance/agent_voice.hpp"
#include "control/appliance/call_in_line.hpp"
#include "control/appliance/queue_router.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"
#include "tests/control/calls/call_scenarios.hpp"
#include "voice_scenarios.hpp"

namespace dialcore::test {
namespace {

namespace cs = call_scenarios;
namespace json = boost::json;
using control::floor::VoiceMode;

std::string state_of(ApplianceRig& rig, int i) {
  const auto s = rig.appliance->floor().snapshot(rig.agents[static_cast<std::size_t>(i)]);
  return std::string(s.body.at("state").as_string());
}

std::int64_t figure(ApplianceRig& rig, const char* key) {
  const auto a = rig.appliance->campaigns().campaign_stats(rig.world.campaign);
  REQUIRE(a.status == 200);
  const auto* v = a.body.if_contains(key);
  return v == nullptr ? -1 : v->to_number<std::int64_t>();
}

void wrap_if_wrapping(ApplianceRig& rig) {
  for (int i = 0; i < static_cast<int>(rig.agents.size()); ++i) {
    if (state_of(rig, i) == "wrap") {
      CHECK(rig.appliance->floor().wrap(rig.agents[static_cast<std::size_t>(i)], "sale", "").ok());
    }
  }
}

// Whether the floor published, for agent i, an event whose frame contains `text`.
bool published(ApplianceRig& rig, int i, const std::string& text) {
  for (const auto& e : rig.appliance->floor().hub().buffered()) {
    if (e.agent == rig.agents[static_cast<std::size_t>(i)] &&
        e.frame.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string queue_figures(ApplianceRig& rig) {
  const auto& q = rig.appliance->queues().counters();
  const auto& v = rig.appliance->voice().counters();
  return "enqueued " + std::to_string(q.enqueued) + " offers " + std::to_string(q.offers) +
         " refused " + std::to_string(q.offer_refused) + " answered " +
         std::to_string(q.answered) + " ring_timeouts " + std::to_string(q.ring_timeouts) +
         " agent_failed " + std::to_string(q.agent_failed) + " abandoned " +
         std::to_string(q.abandoned) + " | voice rung " + std::to_string(v.rung) + " bridges " +
         std::to_string(v.standing_bridges) + " busy " + std::to_string(v.standing_busy) +
         " ring_timeouts " + std::to_string(v.ring_timeouts);
}

std::vector<store::Cdr> cdrs_where(ApplianceRig& rig, const char* column, std::int64_t value) {
  auto r = rig.reader();
  auto rows = r->cdrs().list(where(column, value));
  REQUIRE(rows.ok());
  return *rows;
}

// Every customer CDR ("a") was bridged after a beep ended on the agent's standing leg.
void check_beep_before_bridge(ApplianceRig& rig, const std::vector<store::Cdr>& rows) {
  const auto& beeps = rig.appliance->voice().beep_ends_ms();
  int customers = 0;
  for (const auto& c : rows) {
    if (c.leg != "a") continue;
    ++customers;
    INFO(c.call_id << " " << c.events_json);
    const std::int64_t bridge = event_at(c, "bridge");
    REQUIRE(bridge >= 0);
    bool beep_first = false;
    for (const std::int64_t b : beeps) beep_first |= b <= bridge && bridge - b < 2000;
    CHECK(beep_first);
    CHECK(c.ended_at_ms.has_value());
  }
  CHECK(customers > 0);
}

// Runs until the queue answered `answered` calls, they are over (only `live` calls left:
// standing legs) and agent i is available again (wrapping whoever wraps).
void run_queue_calls(ApplianceRig& rig, std::uint64_t answered, std::size_t live, int i,
                     std::chrono::seconds limit = std::chrono::seconds(30)) {
  auto& queues = rig.appliance->queues();
  const bool over = rig.run_until(
      [&] {
        wrap_if_wrapping(rig);
        return queues.counters().answered == answered &&
               rig.appliance->calls().live_calls() == live && state_of(rig, i) == "available";
      },
      limit);
  INFO(queue_figures(rig) << " agent " << i << " " << state_of(rig, i));
  INFO(rig.sipp_logs());
  REQUIRE(over);
}

}  // namespace

TEST_CASE("persistent call-me: one handset leg carries two customer calls, each after the beep",
          "[appliance][agent]") {
  ApplianceOptions o;
  o.agents = 1;
  o.leads = 2;
  ApplianceRig rig(o);
  rig.carrier(cs::carrier_talks(1500, true), 2);
  rig.handset(0, cs::agent_answers(false), 1);  // ONE call: a second INVITE would fail it
  rig.login(0, true);
  auto& voice = rig.appliance->voice();
  const std::int64_t agent = rig.agents[0];
  REQUIRE(rig.run_until([&] { return voice.voice_up(agent) && state_of(rig, 0) == "available"; }));
  const auto standing = voice.standing(agent);
  REQUIRE(standing != 0);

  REQUIRE(rig.appliance->campaigns().campaign_action(rig.world.campaign, "start").status == 200);
  const bool done = rig.run_until(
      [&] {
        wrap_if_wrapping(rig);
        return figure(rig, "dials") == 2 && figure(rig, "calls_in_flight") == 0 &&
               state_of(rig, 0) == "available";
      },
      std::chrono::seconds(60));
  INFO(rig.sipp_logs());
  REQUIRE(done);
  CHECK(figure(rig, "bridged") == 2);
  const auto& c = voice.counters();
  CHECK(c.standing_opened == 1);
  CHECK(c.standing_bridges == 2);
  CHECK(c.beeps_started >= 2);
  CHECK(c.beeps_ended >= 2);
  CHECK(c.rung == 0);
  CHECK(rig.appliance->calls().counters().agent_legs == 1);  // the handset was dialled once
  // Between and after the calls the leg stays up (silent), the same one.
  CHECK(voice.standing(agent) == standing);
  CHECK(voice.voice_up(agent));

  // Logging out ends the leg: no loss, no auto pause.
  REQUIRE(rig.appliance->floor().logout(agent).ok());
  REQUIRE(rig.run_until([&] { return rig.appliance->calls().live_calls() == 0; }));
  CHECK(voice.counters().standing_lost == 0);
  CHECK(rig.handsets_passed());

  const auto rows = cdrs_where(rig, "campaign_id", rig.world.campaign);
  CHECK(rows.size() == 2);  // customer legs only: no per-call agent legs
  check_beep_before_bridge(rig, rows);
  int standing_rows = 0;
  for (const auto& r : cdrs_where(rig, "agent_id", agent)) {
    if (r.leg != "agent") continue;
    ++standing_rows;
    CHECK(r.answered_at_ms.has_value());
    CHECK(r.ended_at_ms.has_value());
  }
  CHECK(standing_rows == 1);  // the session's leg, one CDR
}

TEST_CASE("a persistent leg the handset hangs up auto-pauses the agent with voice lost",
          "[appliance][agent]") {
  ApplianceOptions o;
  o.agents = 1;
  o.leads = 1;
  ApplianceRig rig(o);
  rig.handset(0, cs::agent_answers(true, 800), 1);  // answers, hangs up 0.8 s later
  rig.login(0, true);
  const std::int64_t agent = rig.agents[0];
  REQUIRE(rig.run_until([&] { return state_of(rig, 0) == "available"; }));
  REQUIRE(rig.run_until([&] { return state_of(rig, 0) == "auto_paused"; }));
  const auto& c = rig.appliance->voice().counters();
  CHECK(c.standing_lost == 1);
  CHECK_FALSE(rig.appliance->voice().voice_up(agent));
  CHECK(rig.appliance->voice().standing(agent) == 0);
  const auto snap = rig.appliance->floor().snapshot(agent);
  INFO(json::serialize(snap.body));
  CHECK(json::serialize(snap.body).find("\"auto\":true") != std::string::npos);
  CHECK(published(rig, 0, "\"cause\":\"voice_lost\""));  // the reason, on the event stream
  CHECK(published(rig, 0, "\"reconnect\":true"));          // the reconnect action
  CHECK(rig.handsets_passed());
  // Reconnecting is the agent's action: connect_voice again dials the handset anew.
  CHECK(rig.appliance->calls().live_calls() == 0);
}

TEST_CASE("an inbound call to a queue's DID reaches the persistent agent after the beep",
          "[appliance][agent]") {
  ApplianceOptions o;
  o.agents = 1;
  o.leads = 1;
  o.queue = true;
  o.support_agents = {0};
  ApplianceRig rig(o);
  rig.handset(0, cs::agent_answers(false), 1);
  rig.login(0, true);
  const std::int64_t agent = rig.agents[0];
  REQUIRE(rig.run_until([&] { return state_of(rig, 0) == "available"; }));

  rig.caller(0, cs::caller_talks(kQueueDid, 2000));  // talks 2 s, keys 5, hangs up
  run_queue_calls(rig, 1, 1, 0);
  auto& queues = rig.appliance->queues();
  CHECK(rig.callers_passed());
  CHECK(queues.counters().enqueued == 1);
  CHECK(queues.counters().abandoned == 0);
  const auto st = queues.stats("help");
  CHECK(st.entered == 1);
  CHECK(st.answered == 1);
  CHECK(rig.appliance->voice().counters().standing_bridges == 1);

  REQUIRE(rig.appliance->floor().logout(agent).ok());
  REQUIRE(rig.run_until([&] { return rig.appliance->calls().live_calls() == 0; }));
  const auto rows = cdrs_where(rig, "agent_id", agent);
  check_beep_before_bridge(rig, rows);
  for (const auto& r : rows) {
    if (r.leg == "a") {
      CHECK(r.direction == "inbound");
      CHECK(r.to_number == kQueueDid);
      CHECK(r.wrap_code == "sale");
    }
  }
}

TEST_CASE("a handset that rings past the queue's ring timeout auto-pauses its agent, the next "
          "agent takes the call",
          "[appliance][agent]") {
  ApplianceOptions o;
  o.agents = 2;
  o.leads = 1;
  o.queue = true;
  o.ring_timeout_s = 2;
  o.support_agents = {0, 1};
  ApplianceRig rig(o);
  rig.handset(0, scenarios::uas_ring_until_cancel(), 1);  // rings, never answers
  rig.handset(1, cs::agent_answers(false), 1);
  rig.login(0);  // per-call legs: the handset rings for each call
  REQUIRE(rig.run_until([&] { return state_of(rig, 0) == "available"; }));
  rig.run_for(std::chrono::milliseconds(50));  // agent 0 is the longest idle
  rig.login(1, true);
  REQUIRE(rig.run_until([&] { return state_of(rig, 1) == "available"; }));

  rig.caller(0, cs::caller_talks(kQueueDid, 5000));
  run_queue_calls(rig, 1, 1, 1, std::chrono::seconds(40));
  auto& queues = rig.appliance->queues();
  CHECK(state_of(rig, 0) == "auto_paused");
  CHECK(queues.counters().ring_timeouts == 1);
  CHECK(rig.appliance->voice().counters().ring_timeouts == 1);
  CHECK(queues.counters().agent_failed == 0);  // our own cancel is not the handset's failure
  CHECK(rig.callers_passed());
  CHECK(published(rig, 0, "\"cause\":\"ring_timeout\""));
  REQUIRE(rig.appliance->floor().logout(rig.agents[1]).ok());
  REQUIRE(rig.run_until([&] { return rig.appliance->calls().live_calls() == 0; }));
  CHECK(rig.handsets_passed());  // agent 0's handset saw our CANCEL
}

TEST_CASE("call-in: the agent dials the access line, keys id and PIN, and takes a queue call on "
          "that leg",
          "[appliance][agent]") {
  ApplianceOptions o;
  o.agents = 1;
  o.leads = 1;
  o.queue = true;
  o.support_agents = {0};
  ApplianceRig rig(o);
  rig.set_pin(0, "4321");
  const std::int64_t agent = rig.agents[0];
  rig.login(0, true, VoiceMode::CallIn);
  rig.run_for(std::chrono::milliseconds(100));
  CHECK(state_of(rig, 0) == "no_voice");  // waits for the agent's call

  const std::string id = std::to_string(agent);
  rig.caller(0, voice_scenarios::caller_keys(kCallInDid, id + "#9999#" + id + "#4321#"));
  auto& line = rig.appliance->call_in_line();
  REQUIRE(rig.run_until([&] { return state_of(rig, 0) == "available"; }));
  CHECK(line.counters().calls == 1);
  CHECK(line.counters().refused == 1);  // the wrong PIN first
  CHECK(line.counters().accepted == 1);
  CHECK(rig.appliance->voice().voice_up(agent));

  rig.caller(1, cs::caller_talks(kQueueDid, 1500));
  run_queue_calls(rig, 1, 1, 0);
  CHECK(rig.appliance->voice().counters().standing_bridges == 1);
  CHECK(rig.appliance->voice().counters().beeps_ended >= 1);
  // Logging out hangs up the call-in leg: the agent's phone gets our BYE.
  REQUIRE(rig.appliance->floor().logout(agent).ok());
  REQUIRE(rig.run_until([&] { return rig.appliance->calls().live_calls() == 0; }));
  CHECK(rig.callers_passed());
  const auto rows = cdrs_where(rig, "agent_id", agent);
  check_beep_before_bridge(rig, rows);
}

}  // namespace dialcore::test
