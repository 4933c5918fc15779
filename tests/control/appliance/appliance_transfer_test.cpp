// Agent call controls through the Appliance (label agent): manual calls, blind transfers to an
// agent and to a number, consult transfer completed and cancelled, announcements, refusals.
// Real SipStack, MediaService and dataplane Runtime in-process; sipp as the carrier and as two
// agents' handsets (REGISTER with digest, auto-answered calls, RTP echoed) in a private network
// namespace. The floor is driven as the toolbar does, through the agent API routes where the
// answer's status is the point. RTP is shown by the legs' counters growing both ways.
#include "floor_driver.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>

#include "control/api/campaign_control.hpp"
#include "control/api/floor_routes.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"
#include "tests/control/calls/call_scenarios.hpp"

namespace dialcore::test {

namespace cs = call_scenarios;
namespace json = boost::json;

TEST_CASE("a manual call is bridged to the agent's handset and hears an announcement",
          "[appliance][agent]") {
  auto owner = floor_rig(1, 1, 1);
  ApplianceRig& rig = *owner;
  const std::int64_t agent = rig.agents[0];

  // A bad number and an unknown campaign change nothing.
  CHECK(post(rig, agent, "calls/manual", "{\"campaign_id\":1,\"number\":\"12ab\"}").status == 422);
  CHECK(post(rig, agent, "calls/manual", "{\"campaign_id\":999,\"number\":\"15550001\"}").status ==
        422);
  CHECK(state_of(rig, agent) == "available");
  CHECK(rig.appliance->calls().live_calls() == 0);

  const CallHandle call = manual_call(rig, 0, "15550001");
  const std::string history_id = rig.appliance->calls().history_id(call).value_or("");
  REQUIRE(!history_id.empty());
  require_flowing(rig, call, Side::Customer, call, Side::Agent);

  // An announcement: the prompt plays on the customer leg (the dataplane's AudioStarted).
  const auto before = rig.appliance->calls().counters().prompts_started;
  const auto played = post(rig, agent, "calls/announce", "{\"prompt\":\"abandon\"}");
  INFO(played.body);
  CHECK(played.status == 200);
  CHECK(rig.run_until([&] { return rig.appliance->calls().counters().prompts_started > before; },
                      std::chrono::seconds(5)));
  const auto unknown = post(rig, agent, "calls/announce", "{\"prompt\":\"no-such-prompt\"}");
  CHECK(unknown.status == 502);
  CHECK(unknown.body.find("unknown_prompt") != std::string::npos);
  // Merge has nothing to merge; with a consultation it would still be refused (no mixer).
  CHECK(post(rig, agent, "calls/merge", "").status == 409);

  REQUIRE(post(rig, agent, "calls/hangup", "").status == 200);
  wrap(rig, agent);
  require_drained(rig);

  const Cdrs cdrs = read_cdrs(rig);
  const store::Cdr* a = cdrs.leg(history_id, "a");
  const store::Cdr* b = cdrs.leg(history_id, "agent");
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a->direction == "outbound");
  CHECK(a->to_number == "15550001");
  CHECK(a->campaign_id == rig.world.campaign);
  CHECK(a->answered_at_ms.has_value());
  CHECK(a->ended_at_ms.has_value());
  CHECK(a->wrap_code == "sale");
  CHECK(b->agent_id == agent);
  CHECK(has_event(*a, "bridge"));
  const auto ds = read_dispositions(rig);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].call_id == history_id);
  CHECK(ds[0].agent_id == agent);
}

// Issue 5: a recording the agent starts on the floor is reported to the call history like a
// campaign's, so dialcored's recording index (daemon::RecordingSetup, as in dialcored) makes its
// store row as soon as the file is finished, not at the next start-up.
TEST_CASE("an agent-started recording is indexed when it ends, while the call goes on",
          "[appliance][agent][recording]") {
  ApplianceOptions with_recorder;
  with_recorder.recorder = true;
  auto owner = floor_rig(1, 1, 1, with_recorder);
  ApplianceRig& rig = *owner;
  const std::int64_t agent = rig.agents[0];
  REQUIRE(rig.recording != nullptr);
  const daemon::RecordingIndex& index = *rig.recording->index();

  const CallHandle call = manual_call(rig, 0, "15550001");
  const std::string history_id = rig.appliance->calls().history_id(call).value_or("");
  REQUIRE(!history_id.empty());
  require_flowing(rig, call, Side::Customer, call, Side::Agent);
  CHECK(index.stats().expected == 0);
  REQUIRE(post(rig, agent, "recording/start", "{}").status == 200);
  // Once the worker took the start, the index expects a file of this call.
  REQUIRE(rig.run_until([&] { return index.stats().expected == 1; }, std::chrono::seconds(5)));
  rig.run_for(std::chrono::milliseconds(600));
  REQUIRE(post(rig, agent, "recording/tag", R"({"tag":"complaint"})").status == 200);
  rig.run_for(std::chrono::milliseconds(400));
  REQUIRE(post(rig, agent, "recording/stop", "{}").status == 200);
  REQUIRE(rig.run_until([&] { return index.stats().rows == 1; }, std::chrono::seconds(10)));
  CHECK(index.stats().unresolved == 0);
  CHECK(rig.appliance->calls().live_calls() == 1);  // the call goes on

  REQUIRE(post(rig, agent, "calls/hangup", "").status == 200);
  wrap(rig, agent);
  require_drained(rig);
  auto reader = rig.reader();
  const auto rows = reader->recordings().list(store::Query{});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  const store::Recording& row = rows->front();
  CHECK(row.call_id == history_id);
  CHECK(row.state == "complete");
  CHECK(row.agent == std::to_string(agent));
  CHECK(row.tags.find("complaint") != std::string::npos);
  CHECK(row.duration_ms >= 900);
  CHECK(row.size_bytes > 44 + 8000 * 4 * 9 / 10);
  CHECK(std::filesystem::exists(row.path));
  const Cdrs cdrs = read_cdrs(rig);
  const store::Cdr* a = cdrs.leg(history_id, "a");
  REQUIRE(a != nullptr);
  CHECK(has_event(*a, "recording"));
}

TEST_CASE("a blind transfer reaches the second agent and the first one wraps",
          "[appliance][agent]") {
  auto owner = floor_rig(2, 2, 1);  // agent 0's handset gets our BYE when the agent leaves
  ApplianceRig& rig = *owner;
  const std::int64_t a1 = rig.agents[0];
  const std::int64_t a2 = rig.agents[1];

  const CallHandle x = manual_call(rig, 0, "15550001");
  const std::string x_id = rig.appliance->calls().history_id(x).value_or("");

  const auto r = post(rig, a1, "calls/transfer",
                      "{\"target_type\":\"agent\",\"target\":\"" + std::to_string(a2) + "\"}");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(state_of(rig, a1) == "wrap");  // the first agent leaves at once
  const bool talking = wait_state(rig, a2, "on_call");
  INFO(rig.sipp_logs());
  REQUIRE(talking);
  const auto calls2 = calls_of(rig, a2);
  REQUIRE(calls2.size() == 1);
  REQUIRE((calls2.front().first & kAliasBit) != 0);
  const CallHandle c = calls2.front().first & ~kAliasBit;
  const std::string c_id = rig.appliance->calls().history_id(c).value_or("");
  // RTP customer ↔ agent 2; the first agent's leg is gone.
  CHECK_FALSE(rig.appliance->calls().media_leg(x, Side::Agent).has_value());
  require_flowing(rig, x, Side::Customer, c, Side::Customer);

  // The second agent hangs up: the customer goes too (the calls are linked); both wrap.
  REQUIRE(post(rig, a2, "calls/hangup", "").status == 200);
  wrap(rig, a2);
  wrap(rig, a1);
  require_drained(rig);

  const Cdrs cdrs = read_cdrs(rig);
  const store::Cdr* customer = cdrs.leg(x_id, "a");
  const store::Cdr* first = cdrs.leg(x_id, "agent");
  const store::Cdr* second = cdrs.leg(c_id, "a");
  REQUIRE(customer != nullptr);
  REQUIRE(first != nullptr);
  REQUIRE(second != nullptr);
  INFO(customer->events_json);
  CHECK(has_event(*customer, "transfer"));
  CHECK(customer->events_json.find("agent:" + std::to_string(a2)) != std::string::npos);
  CHECK(customer->ended_at_ms.has_value());
  CHECK(first->ended_at_ms.has_value());
  CHECK(first->hangup_cause == "normal");
  CHECK(second->direction == "internal");
  CHECK(second->agent_id == a2);
  CHECK(second->answered_at_ms.has_value());
  // One disposition each: the first agent's on the customer's call, the second's on its own.
  const auto ds = read_dispositions(rig);
  REQUIRE(ds.size() == 2);
  for (const auto& d : ds) CHECK(d.call_id == (d.agent_id == a1 ? x_id : c_id));
}

TEST_CASE("a blind transfer to a number bridges the customer to the new call",
          "[appliance][agent]") {
  auto owner = floor_rig(1, 1, 2);  // the carrier: the customer, then the transfer's number
  ApplianceRig& rig = *owner;
  const std::int64_t agent = rig.agents[0];
  const CallHandle x = manual_call(rig, 0, "15550001");
  const std::string x_id = rig.appliance->calls().history_id(x).value_or("");
  const auto before = rig.appliance->calls().call_handles();

  const auto r = post(rig, agent, "calls/transfer",
                      "{\"target_type\":\"number\",\"target\":\"15550002\"}");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(state_of(rig, agent) == "wrap");
  // The new call: the handle that was not there before.
  CallHandle c = 0;
  for (const CallHandle h : rig.appliance->calls().call_handles()) {
    if (std::find(before.begin(), before.end(), h) == before.end()) c = h;
  }
  REQUIRE(c != 0);
  const bool up = rig.run_until([&] {
    return rig.appliance->calls().media_leg(c, Side::Customer).has_value() &&
           !rig.appliance->calls().media_leg(x, Side::Agent).has_value();
  });
  REQUIRE(up);
  rig.run_for(std::chrono::milliseconds(300));  // its answer and the bridge
  require_flowing(rig, x, Side::Customer, c, Side::Customer);

  // Ending the customer's call ends the transferred one too.
  REQUIRE(rig.appliance->calls().hangup(x));
  wrap(rig, agent);
  require_drained(rig);
  const Cdrs cdrs = read_cdrs(rig);
  const store::Cdr* customer = cdrs.leg(x_id, "a");
  REQUIRE(customer != nullptr);
  CHECK(has_event(*customer, "transfer"));
  CHECK(customer->events_json.find("15550002") != std::string::npos);
}

TEST_CASE("a consult transfer to a second agent is completed", "[appliance][agent]") {
  auto owner = floor_rig(2, 2, 1);
  ApplianceRig& rig = *owner;
  const std::int64_t a1 = rig.agents[0];
  const std::int64_t a2 = rig.agents[1];
  const CallHandle x = manual_call(rig, 0, "15550001");
  const std::string x_id = rig.appliance->calls().history_id(x).value_or("");

  const auto r = post(rig, a1, "calls/consult",
                      "{\"target_type\":\"agent\",\"target\":\"" + std::to_string(a2) + "\"}");
  INFO(r.body);
  REQUIRE(r.status == 200);
  const auto lines = calls_of(rig, a1);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == std::make_pair(std::uint64_t{x}, true));  // the customer on hold
  const CallHandle c = lines[1].first;
  CHECK_FALSE(lines[1].second);
  const bool talking = wait_state(rig, a2, "on_call");
  INFO(rig.sipp_logs());
  REQUIRE(talking);
  // The two agents talk (the consult leg ↔ agent 1's leg); both handsets only echo, so the
  // first agent plays a prompt on the consult line: agent 2 hears it and echoes it, which
  // reaches agent 1, whose echo comes back.
  const auto played = post(rig, a1, "calls/announce", "{\"prompt\":\"abandon\"}");
  INFO(played.body);
  REQUIRE(played.status == 200);
  rig.run_for(std::chrono::milliseconds(150));
  require_flowing(rig, c, Side::Customer, x, Side::Agent);

  const auto done = post(rig, a1, "calls/complete-transfer", "");
  INFO(done.body);
  REQUIRE(done.status == 200);
  CHECK(state_of(rig, a1) == "wrap");
  CHECK(state_of(rig, a2) == "on_call");
  CHECK(rig.run_until(
      [&] { return !rig.appliance->calls().media_leg(x, Side::Agent).has_value(); }));
  rig.run_for(std::chrono::milliseconds(200));
  require_flowing(rig, x, Side::Customer, c, Side::Customer);  // customer ↔ agent 2

  REQUIRE(post(rig, a2, "calls/hangup", "").status == 200);
  wrap(rig, a2);
  wrap(rig, a1);
  require_drained(rig);
  const auto& t = rig.appliance->calls().counters();
  CHECK(t.ended_by(control::calls::CallOutcome::Normal) == 2);
  const Cdrs cdrs = read_cdrs(rig);
  const store::Cdr* customer = cdrs.leg(x_id, "a");
  REQUIRE(customer != nullptr);
  INFO(customer->events_json);
  CHECK(has_event(*customer, "hold"));
  CHECK(has_event(*customer, "transfer"));
  CHECK(customer->events_json.find("consult") != std::string::npos);
  const auto ds = read_dispositions(rig);
  REQUIRE(ds.size() == 2);
  bool first_on_customer = false;
  for (const auto& d : ds) first_on_customer |= d.agent_id == a1 && d.call_id == x_id;
  CHECK(first_on_customer);
}

TEST_CASE("a consultation cancelled: the agent is back with the customer", "[appliance][agent]") {
  auto owner = floor_rig(2, 2, 1);
  ApplianceRig& rig = *owner;
  const std::int64_t a1 = rig.agents[0];
  const std::int64_t a2 = rig.agents[1];
  const CallHandle x = manual_call(rig, 0, "15550001");
  const std::string x_id = rig.appliance->calls().history_id(x).value_or("");

  REQUIRE(post(rig, a1, "calls/consult",
               "{\"target_type\":\"agent\",\"target\":\"" + std::to_string(a2) + "\"}")
              .status == 200);
  const CallHandle c = calls_of(rig, a1).at(1).first;
  REQUIRE(wait_state(rig, a2, "on_call"));

  // The agent hangs the consultation up, then retrieves the customer.
  const auto hung = post(rig, a1, "calls/hangup", "{\"call\":" + std::to_string(c) + "}");
  INFO(hung.body);
  REQUIRE(hung.status == 200);
  wrap(rig, a2);  // the consulted agent's call ended
  REQUIRE(rig.run_until([&] { return !rig.appliance->calls().history_id(c).has_value(); }));
  const auto back = post(rig, a1, "calls/retrieve", "{\"call\":" + std::to_string(x) + "}");
  INFO(back.body);
  REQUIRE(back.status == 200);
  CHECK(state_of(rig, a1) == "on_call");
  const auto lines = calls_of(rig, a1);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == std::make_pair(std::uint64_t{x}, false));
  rig.run_for(std::chrono::milliseconds(200));
  require_flowing(rig, x, Side::Customer, x, Side::Agent);  // customer ↔ agent 1 again

  REQUIRE(post(rig, a1, "calls/hangup", "").status == 200);
  wrap(rig, a1);
  require_drained(rig);
  const Cdrs cdrs = read_cdrs(rig);
  const store::Cdr* customer = cdrs.leg(x_id, "a");
  REQUIRE(customer != nullptr);
  INFO(customer->events_json);
  CHECK(has_event(*customer, "hold"));
  CHECK(has_event(*customer, "retrieve"));
  CHECK_FALSE(has_event(*customer, "transfer"));
  CHECK(rig.appliance->floor().snapshot(a1).ok());
}

TEST_CASE("a transfer to a paused agent without the permission is refused and changes nothing",
          "[appliance][agent]") {
  auto owner = floor_rig(2, 1, 1);  // the paused agent has no handset: nothing may ring it
  ApplianceRig& rig = *owner;
  const std::int64_t a1 = rig.agents[0];
  const std::int64_t a2 = rig.agents[1];
  REQUIRE(rig.appliance->floor().pause(a2, "break").ok());
  const CallHandle x = manual_call(rig, 0, "15550001");
  const auto calls_before = rig.appliance->calls().counters().calls_started;
  const auto agent_legs_before = rig.appliance->calls().counters().agent_legs;

  const auto r = post(rig, a1, "calls/transfer",
                      "{\"target_type\":\"agent\",\"target\":\"" + std::to_string(a2) + "\"}");
  INFO(r.body);
  CHECK(r.status == 409);
  CHECK(r.body.find("target_unavailable") != std::string::npos);
  // A queue that does not exist (this rig has none): 404, nothing changed either.
  const auto q = post(rig, a1, "calls/transfer", "{\"target_type\":\"queue\",\"target\":\"1\"}");
  CHECK(q.status == 404);
  CHECK(q.body.find("unknown_queue") != std::string::npos);
  rig.run_for(std::chrono::milliseconds(200));
  CHECK(state_of(rig, a1) == "on_call");
  CHECK(state_of(rig, a2) == "paused");
  CHECK(calls_of(rig, a1) == std::vector<std::pair<std::uint64_t, bool>>{{x, false}});
  CHECK(rig.appliance->calls().live_calls() == 1);
  CHECK(rig.appliance->calls().counters().calls_started == calls_before);
  CHECK(rig.appliance->calls().counters().agent_legs == agent_legs_before);
  CHECK(rig.appliance->calls().media_leg(x, Side::Agent).has_value());

  REQUIRE(post(rig, a1, "calls/hangup", "").status == 200);
  wrap(rig, a1);
  require_drained(rig);
}

TEST_CASE("a campaign call blind-transferred: the runner and the lead see it through",
          "[appliance][agent]") {
  auto owner = floor_rig(2, 2, 1);  // one takes the lead's call, the other the transfer
  ApplianceRig& rig = *owner;
  REQUIRE(rig.appliance->campaigns().campaign_action(rig.world.campaign, "start").status == 200);
  const bool connected = rig.run_until([&] {
    return state_of(rig, rig.agents[0]) == "on_call" || state_of(rig, rig.agents[1]) == "on_call";
  });
  INFO(rig.sipp_logs());
  REQUIRE(connected);
  const bool first_is_0 = state_of(rig, rig.agents[0]) == "on_call";
  const std::int64_t a1 = first_is_0 ? rig.agents[0] : rig.agents[1];
  const std::int64_t a2 = first_is_0 ? rig.agents[1] : rig.agents[0];
  const CallHandle x = calls_of(rig, a1).at(0).first;
  const std::string x_id = rig.appliance->calls().history_id(x).value_or("");

  const auto r = post(rig, a1, "calls/transfer",
                      "{\"target_type\":\"agent\",\"target\":\"" + std::to_string(a2) + "\"}");
  INFO(r.body);
  REQUIRE(r.status == 200);
  REQUIRE(wait_state(rig, a2, "on_call"));
  const CallHandle c = calls_of(rig, a2).at(0).first & ~kAliasBit;
  require_flowing(rig, x, Side::Customer, c, Side::Customer);
  wrap(rig, a1);  // the first agent's disposition: the lead's outcome
  REQUIRE(post(rig, a2, "calls/hangup", "").status == 200);
  wrap(rig, a2);
  require_drained(rig);
  const auto stats = rig.appliance->campaigns().campaign_stats(rig.world.campaign);
  REQUIRE(stats.status == 200);
  INFO(json::serialize(stats.body));
  CHECK(stats.body.at("dials").to_number<std::int64_t>() == 1);
  CHECK(stats.body.at("bridged").to_number<std::int64_t>() == 1);
  CHECK(stats.body.at("calls_in_flight").to_number<std::int64_t>() == 0);

  auto reader = rig.reader();
  auto lead = reader->leads().get(rig.world.leads.at(0));
  REQUIRE(lead.ok());
  CHECK(lead->status == "done");  // "sale" completes the number
  const Cdrs cdrs = read_cdrs(rig);
  const store::Cdr* customer = cdrs.leg(x_id, "a");
  REQUIRE(customer != nullptr);
  CHECK(customer->lead_id == rig.world.leads.at(0));
  CHECK(has_event(*customer, "transfer"));
  CHECK(customer->wrap_code == "sale");
  const auto ds = read_dispositions(rig);
  REQUIRE(ds.size() == 2);
  for (const auto& d : ds) {
    if (d.agent_id == a1) CHECK(d.call_id == x_id);
    if (d.agent_id == a1) CHECK(d.lead_id == rig.world.leads.at(0));
  }
}

}  // namespace dialcore::test
