// The three-way conference through the Appliance (issue 8, label agent): an agent on a customer
// call consults a second agent, POST /api/v1/floor/calls/merge puts the three in one mix on the
// worker, POST /api/v1/floor/calls/leave takes the first agent out ({terminate:false}: the
// customer and the second agent stay, bridged) or ends everything ({terminate:true}). Real
// SipStack, MediaService and dataplane Runtime in-process; sipp as the carrier (plays a PCMA
// pcap) and as two agents' handsets (PCMU, RTP echoed) in a private network namespace. That all
// three hear each other is shown by the worker: conference ticks, and every member leg sending
// (the mix) and receiving (the pcap, the handsets' echo of the mix) while merged.
#include "appliance_rig.hpp"
#include "floor_driver.hpp"

#include <boost/json.hpp>

#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"
#include "tests/control/calls/call_scenarios.hpp"

namespace dialcore::test {
namespace {

namespace cs = call_scenarios;
namespace json = boost::json;
dataplane::LegStats leg_stats(ApplianceRig& rig, const control::media::MediaLeg& leg) {
  std::optional<dataplane::LegStats> got;
  rig.media->stats(leg, [&](control::media::ReplyStatus s, const dataplane::LegStats& st) {
    REQUIRE(s == control::media::ReplyStatus::Ok);
    got = st;
  });
  REQUIRE(rig.run_until([&] { return got.has_value(); }));
  return *got;
}

std::uint64_t worker_counter(ApplianceRig& rig, dataplane::WorkerCounter c) {
  std::uint64_t n = 0;
  for (std::size_t w = 0; w < rig.runtime->worker_count(); ++w) {
    n += rig.runtime->snapshot(w).counters[static_cast<std::size_t>(c)];
  }
  return n;
}

// The agent on a manual call to the customer consults the second agent; returns (X, C) once
// the second agent talks.
std::pair<CallHandle, CallHandle> consult(ApplianceRig& rig) {
  const std::int64_t a1 = rig.agents[0], a2 = rig.agents[1];
  const CallHandle x = manual_call(rig, 0, "15550001");
  const auto c = post(rig, a1, "calls/consult", "{\"target_type\":\"agent\",\"target\":\"" + std::to_string(a2) + "\"}");
  INFO(c.body);
  REQUIRE(c.status == 200);
  const json::object s2 = rig.appliance->floor().snapshot(a1).body;
  REQUIRE(s2.at("calls").as_array().size() == 2);
  const CallHandle consult_call = s2.at("calls").as_array().at(1).as_object().at("call").to_number<CallHandle>();
  const bool talking = wait_state(rig, a2, "on_call");
  INFO(rig.sipp_logs());
  REQUIRE(talking);
  return {x, consult_call};
}

// While merged: the worker mixes, and each of the three legs sends the mix to its far end and
// receives from it (the customer's pcap, the handsets' echo of what the mix sent them).
void require_mixing(ApplianceRig& rig, CallHandle x, CallHandle c) {
  auto& calls = rig.appliance->calls();
  const std::array<std::optional<control::media::MediaLeg>, 3> legs = {
      calls.media_leg(x, Side::Customer), calls.media_leg(x, Side::Agent), calls.media_leg(c, Side::Customer)};
  for (const auto& l : legs) REQUIRE(l.has_value());
  std::array<dataplane::LegStats, 3> before{}, after{};
  for (std::size_t i = 0; i < 3; ++i) before[i] = leg_stats(rig, *legs[i]);
  const std::uint64_t ticks = worker_counter(rig, dataplane::WorkerCounter::ConferenceTicks);
  rig.run_for(std::chrono::milliseconds(600));
  for (std::size_t i = 0; i < 3; ++i) after[i] = leg_stats(rig, *legs[i]);
  CHECK(worker_counter(rig, dataplane::WorkerCounter::ConferenceTicks) >= ticks + 20);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("member " << i << " rx " << before[i].rx_packets << "→" << after[i].rx_packets << " tx "
                   << before[i].tx_packets << "→" << after[i].tx_packets);
    CHECK(after[i].tx_packets >= before[i].tx_packets + 20);
    CHECK(after[i].rx_packets >= before[i].rx_packets + 10);
  }
}

bool has_transfer(const store::Cdr& c, const std::string& kind) {
  const json::value events = json::parse(c.events_json);
  for (const auto& e : events.as_array()) {
    const auto& o = e.as_object();
    if (o.at("type").as_string() == "transfer" && o.at("kind").as_string() == kind) return true;
  }
  return false;
}

// The customer's CDR (leg a of `call_id`) has the merge event and then `kind`, and has ended.
void require_cdr(ApplianceRig& rig, const std::string& call_id, const std::string& kind) {
  auto r = rig.reader();
  auto all = r->cdrs().list(store::Query{});
  REQUIRE(all.ok());
  const store::Cdr* customer = nullptr;
  for (const auto& c : *all) {
    if (c.call_id == call_id && c.leg == "a") customer = &c;
  }
  REQUIRE(customer != nullptr);
  INFO(customer->events_json);
  CHECK(has_transfer(*customer, "merge"));
  CHECK(has_transfer(*customer, kind));
  CHECK(customer->ended_at_ms.has_value());
}

}  // namespace

TEST_CASE("merge after a consultation: all three talk, then leave keeps the customer with the second agent",
          "[appliance][agent][conference]") {
  auto owner = floor_rig(2, 2, 1);
  ApplianceRig& rig = *owner;
  const std::int64_t a1 = rig.agents[0], a2 = rig.agents[1];
  CHECK(post(rig, a1, "calls/leave", "{\"terminate\":false}").status == 409);  // no call yet
  const auto [x, c] = consult(rig);
  const std::string x_id = rig.appliance->calls().history_id(x).value_or("");
  CHECK(post(rig, a2, "calls/merge", "").status == 409);  // the consulted agent has one call

  const auto merged = post(rig, a1, "calls/merge", "");
  INFO(merged.body);
  REQUIRE(merged.status == 200);
  CHECK(merged.body.find("\"merged\":true") != std::string::npos);
  rig.run_for(std::chrono::milliseconds(200));
  require_mixing(rig, x, c);
  CHECK(post(rig, a1, "calls/merge", "").status == 409);  // merged already

  const auto left = post(rig, a1, "calls/leave", "{\"terminate\":false}");
  INFO(left.body);
  REQUIRE(left.status == 200);
  CHECK(state_of(rig, a1) == "wrap");
  CHECK(state_of(rig, a2) == "on_call");
  CHECK(rig.run_until([&] { return !rig.appliance->calls().media_leg(x, Side::Agent).has_value(); }));
  rig.run_for(std::chrono::milliseconds(200));
  // The customer and the second agent: a plain bridge again, RTP both ways, no mix.
  const auto ticks = worker_counter(rig, dataplane::WorkerCounter::ConferenceTicks);
  const auto cx0 = leg_stats(rig, *rig.appliance->calls().media_leg(x, Side::Customer));
  const auto cc0 = leg_stats(rig, *rig.appliance->calls().media_leg(c, Side::Customer));
  rig.run_for(std::chrono::milliseconds(600));
  const auto cx1 = leg_stats(rig, *rig.appliance->calls().media_leg(x, Side::Customer));
  const auto cc1 = leg_stats(rig, *rig.appliance->calls().media_leg(c, Side::Customer));
  CHECK(worker_counter(rig, dataplane::WorkerCounter::ConferenceTicks) == ticks);
  CHECK(cx1.rx_packets >= cx0.rx_packets + 10);
  CHECK(cc1.tx_packets >= cc0.tx_packets + 10);  // the customer's audio reaches agent 2
  CHECK(cc1.rx_packets >= cc0.rx_packets + 10);
  CHECK(cx1.tx_packets >= cx0.tx_packets + 10);  // and agent 2's reaches the customer

  // The second agent hangs up: the customer's call ends with it (linked).
  REQUIRE(post(rig, a2, "calls/hangup", "").status == 200);
  wrap(rig, a2);
  wrap(rig, a1);
  require_drained(rig);
  require_cdr(rig, x_id, "leave");
}

TEST_CASE("merge then leave with terminate hangs up every party", "[appliance][agent][conference]") {
  auto owner = floor_rig(2, 2, 1);
  ApplianceRig& rig = *owner;
  const std::int64_t a1 = rig.agents[0], a2 = rig.agents[1];
  const auto [x, c] = consult(rig);
  const std::string x_id = rig.appliance->calls().history_id(x).value_or("");
  REQUIRE(post(rig, a1, "calls/merge", "").status == 200);
  rig.run_for(std::chrono::milliseconds(200));
  require_mixing(rig, x, c);
  const auto left = post(rig, a1, "calls/leave", "{\"terminate\":true}");
  INFO(left.body);
  REQUIRE(left.status == 200);
  wrap(rig, a1);
  wrap(rig, a2);
  require_drained(rig);
  require_cdr(rig, x_id, "terminate");
}

}  // namespace dialcore::test
