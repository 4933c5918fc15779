#include "floor_driver.hpp"

#include <sstream>

#include "control/api/floor_routes.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"
#include "tests/control/calls/call_scenarios.hpp"

namespace dialcore::test {

namespace cs = call_scenarios;
namespace json = boost::json;


json::object snap(ApplianceRig& rig, std::int64_t agent) {
  return rig.appliance->floor().snapshot(agent).body;
}

std::string state_of(ApplianceRig& rig, std::int64_t agent) {
  return std::string(snap(rig, agent).at("state").as_string());
}

// The agent's calls as the floor lists them: (call id, held).
std::vector<std::pair<std::uint64_t, bool>> calls_of(ApplianceRig& rig, std::int64_t agent) {
  std::vector<std::pair<std::uint64_t, bool>> out;
  const json::object s = snap(rig, agent);
  for (const auto& c : s.at("calls").as_array()) {
    out.emplace_back(c.as_object().at("call").to_number<std::uint64_t>(),
                     c.as_object().at("held").as_bool());
  }
  return out;
}

// POST /api/v1/floor/<op> as `agent`, through the agent API's routes.
control::api::ApiResponse post(ApplianceRig& rig, std::int64_t agent, const std::string& op,
                               const std::string& body) {
  control::api::ApiRequest req;
  req.method = "POST";
  req.path = "/api/v1/floor/" + op;
  req.content_type = "application/json";
  req.body = body;
  control::api::Principal who;
  who.role = control::api::Role::Agent;
  who.actor = "agent:test";
  who.agent_id = agent;
  std::vector<std::string> parts = {"api", "v1", "floor"};
  std::stringstream ss(op);
  for (std::string p; std::getline(ss, p, '/');) parts.push_back(p);
  std::string route;
  return rig.appliance->floor_routes().handle(req, who, parts, route);
}

dataplane::LegStats leg_stats(ApplianceRig& rig, CallHandle call, Side side) {
  const auto leg = rig.appliance->calls().media_leg(call, side);
  REQUIRE(leg.has_value());
  std::optional<dataplane::LegStats> got;
  rig.media->stats(*leg, [&](control::media::ReplyStatus s, const dataplane::LegStats& st) {
    REQUIRE(s == control::media::ReplyStatus::Ok);
    got = st;
  });
  REQUIRE(rig.run_until([&] { return got.has_value(); }));
  return *got;
}

// Packets keep flowing both ways between `a` and `b` (bridged): over 600 ms, `a` receives and
// `b` sends more, and `b` receives and `a` sends more.
void require_flowing(ApplianceRig& rig, CallHandle ca, Side sa, CallHandle cb, Side sb) {
  const auto a0 = leg_stats(rig, ca, sa);
  const auto b0 = leg_stats(rig, cb, sb);
  rig.run_for(std::chrono::milliseconds(600));
  const auto a1 = leg_stats(rig, ca, sa);
  const auto b1 = leg_stats(rig, cb, sb);
  INFO("a rx " << a0.rx_packets << "→" << a1.rx_packets << " tx " << a0.tx_packets << "→"
               << a1.tx_packets << "; b rx " << b0.rx_packets << "→" << b1.rx_packets << " tx "
               << b0.tx_packets << "→" << b1.tx_packets);
  CHECK(a1.rx_packets >= a0.rx_packets + 10);
  CHECK(b1.tx_packets >= b0.tx_packets + 10);  // what a's far end said reaches b's far end
  CHECK(b1.rx_packets >= b0.rx_packets + 10);  // b's far end echoes it
  CHECK(a1.tx_packets >= a0.tx_packets + 10);  // and that reaches a's far end
}

bool wait_state(ApplianceRig& rig, std::int64_t agent, const std::string& state,
                std::chrono::milliseconds limit) {
  return rig.run_until([&] { return state_of(rig, agent) == state; }, limit);
}

// Agent i dials `number` for the rig's campaign; returns the call once the agent talks.
CallHandle manual_call(ApplianceRig& rig, int i, const std::string& number) {
  const std::int64_t agent = rig.agents[static_cast<std::size_t>(i)];
  const auto r = post(rig, agent, "calls/manual",
                      "{\"campaign_id\":" + std::to_string(rig.world.campaign) +
                          ",\"number\":\"" + number + "\"}");
  INFO(r.body);
  REQUIRE(r.status == 200);
  const bool talking = wait_state(rig, agent, "on_call");
  INFO(rig.sipp_logs());
  REQUIRE(talking);
  const auto calls = calls_of(rig, agent);
  REQUIRE(calls.size() == 1);
  return calls.front().first;
}

const store::Cdr* Cdrs::leg(const std::string& call_id, const std::string& leg) const {
  for (const auto& c : rows) {
    if (c.call_id == call_id && c.leg == leg) return &c;
  }
  return nullptr;
}

Cdrs read_cdrs(ApplianceRig& rig) {
  auto r = rig.reader();
  auto all = r->cdrs().list(store::Query{});
  REQUIRE(all.ok());
  return Cdrs{*all};
}

std::vector<store::Disposition> read_dispositions(ApplianceRig& rig) {
  auto r = rig.reader();
  auto all = r->dispositions().list(store::Query{});
  REQUIRE(all.ok());
  return *all;
}

bool has_event(const store::Cdr& c, const std::string& type) {
  const json::value events = json::parse(c.events_json);
  for (const auto& e : events.as_array()) {
    if (e.as_object().at("type").as_string() == type) return true;
  }
  return false;
}

void wrap(ApplianceRig& rig, std::int64_t agent) {
  REQUIRE(wait_state(rig, agent, "wrap"));
  const auto r = rig.appliance->floor().wrap(agent, "sale", "");
  INFO(r.code + " " + r.message);
  REQUIRE(r.ok());
}

// Every call over, every leg gone.
void require_drained(ApplianceRig& rig) {
  const bool drained = rig.run_until([&] {
    return rig.appliance->calls().live_calls() == 0 && rig.appliance->calls().live_media_legs() == 0;
  });
  INFO(rig.sipp_logs());
  REQUIRE(drained);
  CHECK(rig.appliance->calls().counters().teardown_errors == 0);
  CHECK(rig.appliance->calls().counters().history_errors == 0);
}

// `agents` agents logged in and available, the first `handsets` of them on a handset that
// answers one call (RTP echoed); the carrier answers `carrier_calls` calls, waiting for our BYE.
std::unique_ptr<ApplianceRig> floor_rig(int agents, int handsets, int carrier_calls,
                                        ApplianceOptions o) {
  o.agents = agents;
  o.leads = 1;
  auto rig = std::make_unique<ApplianceRig>(o);
  rig->carrier(cs::carrier_talks(0, false), carrier_calls);
  for (int i = 0; i < handsets; ++i) rig->handset(i, cs::agent_answers(false), 1);
  for (int i = 0; i < agents; ++i) rig->login(i);
  for (const std::int64_t a : rig->agents) REQUIRE(wait_state(*rig, a, "available"));
  return rig;
}
}  // namespace dialcore::test
