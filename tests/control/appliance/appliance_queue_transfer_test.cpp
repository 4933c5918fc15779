// Transfers into the inbound queues (label agent): a blind transfer to a queue rings the queue's
// agent (the first agent wraps at once), and a blind transfer whose target refuses the call
// sends the customer back to the queue, where the transferring agent takes it again after its
// wrap. Real SipStack, MediaService and dataplane Runtime in-process; sipp as the carrier and
// the agents' handsets in a private network namespace; the floor driven through the agent
// API's routes. RTP is shown by the legs' counters growing both ways.
#include "floor_driver.hpp"

#include "control/appliance/queue_router.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"
#include "tests/control/calls/call_scenarios.hpp"
#include "tests/control/sip/sipp_scenarios.hpp"

namespace dialcore::test {
namespace {

namespace cs = call_scenarios;
constexpr std::uint64_t kGenShift = 40;  // appliance::kFloorGenShift

const control::appliance::QueueView* help_view(std::vector<control::appliance::QueueView>& v) {
  for (const auto& q : v) {
    if (q.id == "help") return &q;
  }
  return nullptr;
}

// A handset that turns every call down: INVITE → 486 → ACK.
std::string handset_busy() {
  return scenarios::wrap("  <recv request=\"INVITE\"/>\n" + scenarios::reply("486 Busy Here") +
                         "  <recv request=\"ACK\"/>\n");
}

}  // namespace

TEST_CASE("a blind transfer to a queue rings the queue's agent and the first agent wraps",
          "[appliance][agent]") {
  ApplianceOptions o;
  o.queue = true;
  o.support_agents = {1};  // only the second agent serves "help"
  auto owner = floor_rig(2, 2, 1, o);
  ApplianceRig& rig = *owner;
  const std::int64_t a1 = rig.agents[0];
  const std::int64_t a2 = rig.agents[1];
  const CallHandle x = manual_call(rig, 0, "15550001");
  const std::string x_id = rig.appliance->calls().history_id(x).value_or("");

  // An unknown queue is the request's fault: 404, the call stays with the agent.
  const auto unknown =
      post(rig, a1, "calls/transfer", R"({"target_type":"queue","target":"nosuch"})");
  CHECK(unknown.status == 404);
  CHECK(state_of(rig, a1) == "on_call");

  const auto r = post(rig, a1, "calls/transfer", R"({"target_type":"queue","target":"Help"})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(state_of(rig, a1) == "wrap");  // the first agent leaves at once
  const bool talking = wait_state(rig, a2, "on_call");
  INFO(rig.sipp_logs());
  REQUIRE(talking);
  // The second agent holds the customer's call under a floor id of its own.
  const auto lines = calls_of(rig, a2);
  REQUIRE(lines.size() == 1);
  CHECK((lines[0].first >> kGenShift) != 0);
  CHECK((lines[0].first & ((std::uint64_t{1} << kGenShift) - 1)) == x);
  rig.run_for(std::chrono::milliseconds(200));
  require_flowing(rig, x, Side::Customer, x, Side::Agent);  // customer ↔ the second handset

  auto views = rig.appliance->queues().views();
  const auto* help = help_view(views);
  REQUIRE(help != nullptr);
  CHECK(help->stats.entered == 1);
  CHECK(help->stats.answered == 1);
  CHECK(help->stats.waiting == 0);
  CHECK(help->agents_busy == 1);
  CHECK(rig.appliance->queues().counters().transferred_in == 1);

  // The second agent hangs up from its toolbar (its floor id reaches the customer's call).
  const auto hung = post(rig, a2, "calls/hangup", "");
  INFO(hung.body);
  REQUIRE(hung.status == 200);
  wrap(rig, a2);
  wrap(rig, a1);
  require_drained(rig);

  const Cdrs cdrs = read_cdrs(rig);
  const store::Cdr* customer = cdrs.leg(x_id, "a");
  REQUIRE(customer != nullptr);
  INFO(customer->events_json);
  CHECK(has_event(*customer, "transfer"));
  CHECK(customer->events_json.find("queue:Help") != std::string::npos);
  CHECK(customer->ended_at_ms.has_value());
  // One disposition: the first agent's, on the customer's call (one per call id).
  const auto ds = read_dispositions(rig);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].agent_id == a1);
  CHECK(ds[0].call_id == x_id);
  views = rig.appliance->queues().views();
  CHECK(help_view(views)->agents_busy == 0);
}

TEST_CASE("a transfer target that refuses the call sends the customer back to the queue",
          "[appliance][agent]") {
  ApplianceOptions o;
  o.queue = true;
  o.support_agents = {0};  // the transferring agent serves "help"
  o.agents = 3;
  o.leads = 1;
  ApplianceRig rig(o);
  rig.carrier(cs::carrier_talks(0, false), 1);
  rig.handset(0, cs::agent_answers(false), 2);  // the manual call, then the returned customer
  rig.handset(1, handset_busy(), 1);
  for (int i = 0; i < 3; ++i) rig.login(i);
  for (const std::int64_t a : rig.agents) REQUIRE(wait_state(rig, a, "available"));
  const std::int64_t a1 = rig.agents[0];
  const std::int64_t a2 = rig.agents[1];
  const std::int64_t a3 = rig.agents[2];

  const CallHandle x = manual_call(rig, 0, "15550001");
  const std::string x_id = rig.appliance->calls().history_id(x).value_or("");

  // A consult to an agent who cannot take it is refused 409 before anything is dialled.
  REQUIRE(rig.appliance->floor().pause(a3, "break").ok());
  const auto started = rig.appliance->calls().counters().calls_started;
  const auto c3 = post(rig, a1, "calls/consult",
                       "{\"target_type\":\"agent\",\"target\":\"" + std::to_string(a3) + "\"}");
  CHECK(c3.status == 409);
  CHECK(c3.body.find("target_unavailable") != std::string::npos);
  CHECK(rig.appliance->calls().counters().calls_started == started);
  CHECK(state_of(rig, a1) == "on_call");

  // The blind transfer's target turns the call down (486): the customer is not dropped.
  const auto r = post(rig, a1, "calls/transfer",
                      "{\"target_type\":\"agent\",\"target\":\"" + std::to_string(a2) + "\"}");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(state_of(rig, a1) == "wrap");
  const bool back = rig.run_until(
      [&] { return rig.appliance->queues().counters().transferred_in == 1; });
  INFO(rig.sipp_logs());
  REQUIRE(back);
  CHECK(rig.appliance->calls().history_id(x).has_value());  // still up, waiting in "help"
  CHECK(wait_state(rig, a2, "available"));  // the refused offer was withdrawn
  // Enqueued from posted work (the floor was mid-request): waiting shortly after.
  CHECK(rig.run_until([&] {
    auto v = rig.appliance->queues().views();
    return help_view(v)->stats.waiting == 1;
  }));
  // dialcored's /metrics source: the queue's depth and the agents by telephony state.
  std::string metrics;
  rig.appliance->render_metrics(metrics);
  INFO(metrics);
  CHECK(metrics.find("dialcore_queue_waiting{queue=\"help\"} 1\n") != std::string::npos);
  CHECK(metrics.find("dialcore_floor_agents{state=\"wrap\"} 1\n") != std::string::npos);
  CHECK(metrics.find("dialcore_floor_agents{state=\"on_call\"} 0\n") != std::string::npos);
  CHECK(metrics.find("dialcore_queue_longest_wait_seconds{queue=\"help\"} ") != std::string::npos);

  // The transferring agent wraps and takes the customer again from the queue.
  wrap(rig, a1);
  const bool again = wait_state(rig, a1, "on_call");
  INFO(rig.sipp_logs());
  REQUIRE(again);
  rig.run_for(std::chrono::milliseconds(200));
  require_flowing(rig, x, Side::Customer, x, Side::Agent);
  REQUIRE(post(rig, a1, "calls/hangup", "").status == 200);
  wrap(rig, a1);
  require_drained(rig);

  const Cdrs cdrs = read_cdrs(rig);
  const store::Cdr* customer = cdrs.leg(x_id, "a");
  REQUIRE(customer != nullptr);
  INFO(customer->events_json);
  CHECK(customer->events_json.find("returned") != std::string::npos);
  CHECK(customer->hangup_cause == "normal");
}

}  // namespace dialcore::test
