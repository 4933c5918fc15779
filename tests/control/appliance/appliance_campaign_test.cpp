// A campaign end to end through the Appliance (label dialler): real SipStack, MediaService and
// dataplane Runtime in-process, sipp as the carrier and as the agents' handsets (REGISTER with
// digest, auto-answered calls, RTP echoed) in a private network namespace. The floor is driven
// as the agents' toolbar would (login, wrap with a code); the store is read after the history
// has flushed.
#include "appliance_rig.hpp"

#include <boost/json.hpp>

#include <map>
#include <set>

#include "control/api/campaign_control.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"
#include "tests/control/calls/call_scenarios.hpp"

namespace dialcore::test {
namespace {

namespace cs = call_scenarios;
namespace json = boost::json;

std::int64_t figure(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v == nullptr ? -1 : v->to_number<std::int64_t>();
}

json::object stats(ApplianceRig& rig) {
  const auto a = rig.appliance->campaigns().campaign_stats(rig.world.campaign);
  REQUIRE(a.status == 200);
  return a.body;
}

std::string state_of(ApplianceRig& rig, std::int64_t agent) {
  const auto s = rig.appliance->floor().snapshot(agent);
  return std::string(s.body.at("state").as_string());
}

// Every agent in wrap submits `code` (what the toolbar does after each call).
int wrap_all(ApplianceRig& rig, const std::string& code) {
  int wrapped = 0;
  for (const std::int64_t a : rig.agents) {
    if (state_of(rig, a) == "wrap") {
      const auto r = rig.appliance->floor().wrap(a, code, "test notes");
      INFO(r.code + " " + r.message);
      CHECK(r.ok());
      ++wrapped;
    }
  }
  return wrapped;
}

bool agents_idle(ApplianceRig& rig) {
  for (const std::int64_t a : rig.agents) {
    const std::string s = state_of(rig, a);
    if (s != "available" && s != "paused" && s != "auto_paused") return false;
  }
  return true;
}

// Runs the campaign until `dials` calls were placed and all are over, wrapping as agents go.
void run_campaign(ApplianceRig& rig, std::int64_t dials, std::chrono::seconds limit) {
  int wraps = 0;
  const bool done = rig.run_until(
      [&] {
        wraps += wrap_all(rig, "sale");
        const auto s = stats(rig);
        return figure(s, "dials") >= dials && figure(s, "calls_in_flight") == 0 &&
               agents_idle(rig);
      },
      limit);
  INFO(json::serialize(stats(rig)));
  INFO(rig.sipp_logs());
  REQUIRE(done);
}

struct StoreView {
  std::vector<store::Cdr> customer;  // leg "a"
  std::vector<store::Cdr> agent;     // leg "agent"
  std::vector<store::Disposition> dispositions;
  std::map<std::int64_t, std::string> lead_status;
};

StoreView read_store(ApplianceRig& rig) {
  auto r = rig.reader();
  StoreView v;
  auto cdrs = r->cdrs().list(where("campaign_id", rig.world.campaign));
  REQUIRE(cdrs.ok());
  for (const auto& c : *cdrs) (c.leg == "a" ? v.customer : v.agent).push_back(c);
  auto ds = r->dispositions().list(where("wrap_code", std::string("sale")));
  REQUIRE(ds.ok());
  v.dispositions = *ds;
  for (const std::int64_t id : rig.world.leads) {
    auto l = r->leads().get(id);
    REQUIRE(l.ok());
    v.lead_status[id] = l->status;
  }
  return v;
}

}  // namespace

TEST_CASE("a progressive campaign with two agents on registered handsets runs to its end",
          "[appliance][dialler]") {
  ApplianceOptions o;
  o.agents = 2;
  o.leads = 10;
  o.record = true;
  ApplianceRig rig(o);
  rig.carrier(cs::carrier_talks(1500, true), 10);  // every lead answers, talks 1.5 s, hangs up
  rig.handset(0, cs::agent_answers(false), 10);
  rig.handset(1, cs::agent_answers(false), 10);
  rig.login(0);
  rig.login(1);
  rig.run_for(std::chrono::milliseconds(50));
  CHECK(state_of(rig, rig.agents[0]) == "available");

  // Nothing dials before the start (no autostart in this configuration).
  CHECK(figure(stats(rig), "dials") == 0);
  const auto started = rig.appliance->campaigns().campaign_action(rig.world.campaign, "start");
  INFO(started.code + " " + started.message);
  REQUIRE(started.status == 200);
  CHECK(std::string(started.body.at("state").as_string()) == "running");

  run_campaign(rig, 10, std::chrono::seconds(90));
  const auto s = stats(rig);
  INFO(json::serialize(s));
  CHECK(figure(s, "dials") == 10);
  CHECK(figure(s, "answered") == 10);
  CHECK(figure(s, "bridged") + figure(s, "abandoned") == 10);
  CHECK(figure(s, "bridged") >= 8);  // two free agents, one call each: abandons are rare
  // Recording at answer: started or counted as failed (never fatal to the call).
  CHECK(figure(s, "recordings") + figure(s, "recording_failures") == 10);

  const StoreView v = read_store(rig);
  REQUIRE(v.customer.size() == 10);
  int bridged = 0;
  for (const auto& c : v.customer) {
    INFO(c.call_id + " " + c.hangup_cause + " " + c.events_json);
    CHECK(c.ended_at_ms.has_value());
    REQUIRE(c.answered_at_ms.has_value());
    const std::int64_t bridge = event_at(c, "bridge");
    if (c.hangup_cause == "abandoned") {
      CHECK(bridge < 0);
    } else {
      ++bridged;
      REQUIRE(bridge >= 0);
      CHECK(bridge - *c.answered_at_ms <= 2000);  // the 2-second rule
      CHECK(c.wrap_code == "sale");
    }
  }
  CHECK(bridged == figure(s, "bridged"));
  CHECK(static_cast<std::int64_t>(v.agent.size()) == bridged);
  CHECK(static_cast<std::int64_t>(v.dispositions.size()) == bridged);
  for (const auto& d : v.dispositions) CHECK(d.notes == "test notes");
  for (const auto& [lead, status] : v.lead_status) {
    INFO("lead " << lead);
    CHECK(status != "in_progress");
  }
}

TEST_CASE("an answered call no agent takes within 2 s hears the message and is abandoned",
          "[appliance][dialler]") {
  ApplianceOptions o;
  o.strategy = "power";
  o.lines_per_agent = 2.0;  // two calls for the one agent: one of them must wait
  o.agents = 1;
  o.leads = 2;
  ApplianceRig rig(o);
  rig.carrier(cs::carrier_talks(0, false), 2);  // answers, waits for our BYE
  // The agent talks 4 s: the other answered call cannot reach an agent within 2 s.
  rig.handset(0, cs::agent_answers(true, 4000), 2);
  rig.login(0);
  rig.run_for(std::chrono::milliseconds(50));
  REQUIRE(rig.appliance->campaigns().campaign_action(rig.world.campaign, "start").status == 200);

  run_campaign(rig, 2, std::chrono::seconds(60));
  const auto s = stats(rig);
  INFO(json::serialize(s));
  CHECK(figure(s, "answered") == 2);
  CHECK(figure(s, "bridged") == 1);
  CHECK(figure(s, "abandoned") == 1);
  CHECK(figure(s, "abandon_messages") == 1);  // the dataplane's AudioStarted on that leg
  CHECK(figure(s, "abandon_silent") == 0);
  CHECK(rig.prompt_lookups >= 2);  // "abandon:spring" first, then the fallback "abandon"
  CHECK(figure(s, "abandoned_24h") == 1);

  const StoreView v = read_store(rig);
  REQUIRE(v.customer.size() == 2);
  std::multiset<std::string> causes;
  for (const auto& c : v.customer) causes.insert(c.hangup_cause);
  CHECK(causes.count("abandoned") == 1);
  CHECK(v.dispositions.size() == 1);
  for (const auto& [lead, status] : v.lead_status) CHECK(status != "in_progress");
}

TEST_CASE("AMD verdicts through the port: a machine is dropped, a human reaches the agent",
          "[appliance][dialler]") {
  ApplianceOptions o;
  o.strategy = "power";
  o.lines_per_agent = 2.0;
  o.agents = 1;
  o.leads = 2;
  o.amd = true;
  ApplianceRig rig(o);
  rig.carrier(cs::carrier_talks(0, false), 2);
  rig.handset(0, cs::agent_answers(true, 1000), 1);
  rig.login(0);
  rig.run_for(std::chrono::milliseconds(50));
  REQUIRE(rig.appliance->campaigns().campaign_action(rig.world.campaign, "start").status == 200);
  // Both answered; with AMD on nobody is connected before a verdict.
  REQUIRE(rig.run_until([&] { return figure(stats(rig), "answered") == 2; }));
  rig.run_for(std::chrono::milliseconds(300));
  CHECK(figure(stats(rig), "bridged") == 0);
  auto& calls = rig.appliance->calls();
  const auto handles = calls.call_handles();
  REQUIRE(handles.size() == 2);
  const auto machine_leg = calls.media_leg(handles[0], control::calls::Side::Customer);
  const auto human_leg = calls.media_leg(handles[1], control::calls::Side::Customer);
  REQUIRE(machine_leg);
  REQUIRE(human_leg);
  rig.appliance->on_amd(*machine_leg, true, false);
  rig.appliance->on_amd(*human_leg, false, false);
  rig.appliance->on_amd(*human_leg, true, true);  // a late correction: recorded, not acted on

  run_campaign(rig, 2, std::chrono::seconds(60));
  const auto s = stats(rig);
  INFO(json::serialize(s));
  CHECK(figure(s, "machines") == 1);
  CHECK(figure(s, "bridged") == 1);
  CHECK(figure(s, "abandoned") == 0);

  const StoreView v = read_store(rig);
  REQUIRE(v.customer.size() == 2);
  int with_amd = 0;
  for (const auto& c : v.customer) with_amd += event_at(c, "amd") >= 0 ? 1 : 0;
  CHECK(with_amd == 2);
  CHECK(v.dispositions.size() == 1);
  for (const auto& [lead, status] : v.lead_status) CHECK(status != "in_progress");
}

TEST_CASE("campaign actions: unknown campaigns and actions are refused, pause stops dialling",
          "[appliance][dialler]") {
  ApplianceOptions o;
  o.agents = 1;
  o.leads = 3;
  ApplianceRig rig(o);
  auto& c = rig.appliance->campaigns();
  CHECK(c.campaign_action(rig.world.campaign + 1000, "start").status == 404);
  CHECK(c.campaign_stats(rig.world.campaign + 1000).status == 404);
  CHECK(c.campaign_action(rig.world.campaign, "explode").status == 404);
  REQUIRE(c.campaign_action(rig.world.campaign, "pause").status == 200);
  CHECK(std::string(stats(rig).at("state").as_string()) == "stopped");  // never started
  REQUIRE(c.campaign_action(rig.world.campaign, "start").status == 200);
  REQUIRE(c.campaign_action(rig.world.campaign, "pause").status == 200);
  CHECK(std::string(stats(rig).at("state").as_string()) == "paused");
  // A paused campaign places no call even with an agent ready.
  rig.handset(0, cs::agent_answers(false), 1);
  rig.login(0);
  rig.run_for(std::chrono::milliseconds(1500));
  CHECK(figure(stats(rig), "dials") == 0);
  CHECK(figure(stats(rig), "ready_agents") == 1);
  REQUIRE(c.campaign_action(rig.world.campaign, "stop").status == 200);
  CHECK(std::string(stats(rig).at("state").as_string()) == "stopped");
  std::string metrics;
  rig.appliance->render_metrics(metrics);
  CHECK(metrics.find("dialcore_campaign_running{campaign=\"spring\"} 0") != std::string::npos);
  CHECK(metrics.find("dialcore_calls_") != std::string::npos);
}

}  // namespace dialcore::test
