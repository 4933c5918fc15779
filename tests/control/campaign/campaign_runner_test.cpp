// The campaign runner against a simulated call floor (issues 9, 10; label dialler): dials follow
// the pacing strategy, answers go to the longest-idle agent, an answer nobody takes within 2 s
// is abandoned (message, ledger), AMD machines are dropped, a failed agent connection puts the
// call back in the queue, and leads are released when their call ends. A randomised run checks
// the invariants over thousands of calls.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>
#include <vector>

#include "control/campaign/campaign_runner.hpp"

namespace campaign = dialcore::control::campaign;
namespace dialler = dialcore::dialler;
using campaign::CallKey;

namespace {

struct ListLeads final : campaign::LeadSource {
  int next_id = 1;
  int limit = 1'000'000;
  std::set<std::int64_t> out;
  std::vector<std::int64_t> released;
  std::optional<campaign::LeadPick> next(std::int64_t) override {
    if (next_id > limit) return std::nullopt;
    const std::int64_t id = next_id++;
    out.insert(id);
    return campaign::LeadPick{id, 0, "+4477009" + std::to_string(10000 + id)};
  }
  void release(std::int64_t id) override {
    released.push_back(id);
    out.erase(id);
  }
};

struct Port final : campaign::CallPort {
  std::vector<campaign::DialOrder> orders;
  std::vector<std::pair<CallKey, std::int64_t>> connects;
  std::vector<CallKey> abandons;
  std::vector<CallKey> drops;
  std::vector<CallKey> cancels;
  void originate(const campaign::DialOrder& o) override { orders.push_back(o); }
  void connect(CallKey c, std::int64_t a) override { connects.emplace_back(c, a); }
  void abandon(CallKey c) override { abandons.push_back(c); }
  void drop_machine(CallKey c) override { drops.push_back(c); }
  void cancel(CallKey c) override { cancels.push_back(c); }
};

std::unique_ptr<dialler::PacingStrategy> strategy(const std::string& spec, bool amd = false) {
  dialler::CampaignPacing p;
  p.amd_enabled = amd;
  std::string error;
  auto s = dialler::make_strategy(spec, p, &error);
  INFO(error);
  REQUIRE(s);
  return s;
}

campaign::RunnerSettings settings(bool amd = false) {
  campaign::RunnerSettings s;
  s.campaign_id = 7;
  s.trunk = "carrier";
  s.cli = "+442071234567";
  s.amd = amd;
  return s;
}

}  // namespace

TEST_CASE("progressive dials one call per ready agent and bridges to the longest idle",
          "[runner]") {
  ListLeads leads;
  Port port;
  campaign::CampaignRunner r(settings(), strategy("progressive"), leads, port);
  r.agent_ready(11, 100.0);
  r.agent_ready(12, 101.0);
  REQUIRE(port.orders.size() == 2);
  CHECK(port.orders[0].trunk == "carrier");
  CHECK(port.orders[0].campaign_id == 7);
  CHECK(port.orders[0].cli == "+442071234567");
  CHECK(port.orders[0].lead_id == 1);
  r.tick(102.0);
  CHECK(port.orders.size() == 2);  // one in flight per agent
  const CallKey second = port.orders[1].call;
  r.call_answered(second, 105.0);
  REQUIRE(port.connects.size() == 1);
  CHECK(port.connects[0] == std::pair<CallKey, std::int64_t>{second, 11});  // idle since 100
  r.call_bridged(second, 105.1);
  CHECK(r.counters().bridged == 1);
  CHECK(r.ledger().counts(dialler::LedgerWindow::Rolling24h, 106).live == 1);
  // The first call is busy: its lead is released, and the free agent gets a new call.
  r.call_ended(port.orders[0].call, 107.0);
  CHECK(leads.released == std::vector<std::int64_t>{1});
  CHECK(port.orders.size() == 3);
  CHECK(r.calls_in_flight() == 2);
}

TEST_CASE("an answer nobody takes within 2 s is abandoned, played the message and counted",
          "[runner]") {
  ListLeads leads;
  Port port;
  campaign::CampaignRunner r(settings(), strategy("ratio:3"), leads, port);
  r.agent_ready(1, 0.0);
  REQUIRE(port.orders.size() == 3);
  for (const auto& o : port.orders) r.call_answered(o.call, 10.0);
  REQUIRE(port.connects.size() == 1);
  CHECK(r.next_deadline() == Approx(12.0));
  r.tick(11.9);
  CHECK(port.abandons.empty());
  r.tick(12.0);
  // All three: the one whose agent was still being connected passed its deadline too.
  CHECK(port.abandons.size() == 3);
  CHECK(r.ready_agents() == 1);  // that agent is free again
  r.call_bridged(port.connects[0].first, 12.05);
  CHECK(r.counters().abandoned == 3);
  CHECK(r.counters().stray_events == 1);  // the late bridge is refused
  const auto c = r.ledger().counts(dialler::LedgerWindow::Rolling24h, 13);
  CHECK(c.live == 3);
  CHECK(c.abandoned == 3);
  // A bridge in time is not abandoned.
  for (const auto& o : port.orders) r.call_ended(o.call, 20.0);
  r.agent_ready(1, 21.0);
  const CallKey k = port.orders.back().call;
  r.call_answered(k, 30.0);
  REQUIRE(port.connects.back().first == k);
  r.call_bridged(k, 31.5);
  r.tick(40.0);
  CHECK(r.counters().bridged == 1);
  CHECK(r.counters().abandoned == 3);
}

TEST_CASE("AMD: machines are dropped, humans need an agent from the verdict on", "[runner]") {
  ListLeads leads;
  Port port;
  campaign::CampaignRunner r(settings(true), strategy("ratio:2", true), leads, port);
  r.agent_ready(5, 0.0);
  REQUIRE(port.orders.size() == 2);
  CHECK(port.orders[0].amd);
  r.call_answered(port.orders[0].call, 5.0);
  r.call_answered(port.orders[1].call, 5.0);
  CHECK(port.connects.empty());  // waiting for the verdicts
  r.call_amd(port.orders[0].call, campaign::AmdVerdict::Machine, 8.0);
  CHECK(port.drops == std::vector<CallKey>{port.orders[0].call});
  r.call_amd(port.orders[1].call, campaign::AmdVerdict::Human, 8.5);
  REQUIRE(port.connects.size() == 1);
  CHECK(r.next_deadline() == Approx(10.5));
  CHECK(r.counters().machines == 1);
  // UK ledger: the machine verdict adds its false-positive estimate.
  CHECK(r.ledger().counts(dialler::LedgerWindow::Rolling24h, 9).amd_false_positive_est ==
        Approx(0.05));
}

TEST_CASE("a failed agent connection requeues the call, a hang-up frees the agent", "[runner]") {
  ListLeads leads;
  leads.limit = 2;
  Port port;
  campaign::CampaignRunner r(settings(), strategy("progressive"), leads, port);
  r.agent_ready(1, 0.0);
  r.agent_ready(2, 0.5);
  REQUIRE(port.orders.size() == 2);
  r.call_answered(port.orders[0].call, 3.0);
  REQUIRE(port.connects.size() == 1);
  CHECK(port.connects[0].second == 1);
  r.call_connect_failed(port.orders[0].call, 3.2);
  REQUIRE(port.connects.size() == 2);
  CHECK(port.connects[1].second == 2);  // the next agent, same call
  // The customer hangs up while agent 2 is being connected: agent 2 is ready again.
  r.call_ended(port.orders[0].call, 3.4);
  CHECK(r.ready_agents() == 1);
  r.call_ended(port.orders[1].call, 3.5);  // both agents free, the list (2 leads) used up
  CHECK(port.orders.size() == 2);
  CHECK(r.counters().no_leads >= 1);
  // Events for calls that do not exist are counted, not fatal.
  r.call_answered(999, 4.0);
  r.call_bridged(999, 4.0);
  r.call_ended(999, 4.0);
  CHECK(r.counters().stray_events == 3);
}

TEST_CASE("the strategy takes back ringing calls only after the minimum ring", "[runner]") {
  ListLeads leads;
  Port port;
  campaign::CampaignRunner r(settings(), strategy("predictive"), leads, port);
  r.agent_ready(1, 0.0);
  r.agent_ready(2, 0.0);
  const std::size_t placed = port.orders.size();
  REQUIRE(placed >= 2);
  // Both agents take other calls (inbound) and stay on them: what rings has nowhere to go.
  r.agent_busy(1, 1.0);
  r.agent_busy(2, 1.0);
  for (double t = 2; t < 15; t += 1) r.tick(t);
  CHECK(port.cancels.empty());
  for (double t = 15; t <= 20; t += 1) r.tick(t);
  CHECK(!port.cancels.empty());
  CHECK(r.counters().taken_back == port.cancels.size());
  for (const CallKey k : port.cancels) CHECK(k <= placed);  // placed at t = 0, rung >= 15 s
  // The port ends them; their leads go back.
  for (const CallKey k : port.cancels) r.call_ended(k, 21.0);
  CHECK(leads.released.size() == port.cancels.size());
}

TEST_CASE("a paused campaign places nothing", "[runner]") {
  ListLeads leads;
  Port port;
  campaign::CampaignRunner r(settings(), strategy("progressive"), leads, port);
  r.pause(true);
  r.agent_ready(1, 0.0);
  r.tick(1.0);
  CHECK(port.orders.empty());
  r.pause(false);
  r.tick(2.0);
  CHECK(port.orders.size() == 1);
}

// A randomised floor: 8 agents, calls answered live/machine/busy at random times, talk and
// wrap at random lengths, agent connections that sometimes fail. Invariants over the run: an
// agent never has two calls, every answer is bridged or abandoned within 2 s (+ the tick),
// the ledger equals what happened, every lead is released once its call ends.
TEST_CASE("randomised floor keeps the runner's invariants", "[runner]") {
  for (const std::string spec : {"progressive", "ratio:2.5", "predictive"}) {
    for (unsigned seed = 1; seed <= 3; ++seed) {
      INFO(spec << " seed " << seed);
      std::mt19937_64 rng(seed);
      std::uniform_real_distribution<double> u(0, 1);
      ListLeads leads;
      Port port;
      campaign::CampaignRunner r(settings(), strategy(spec), leads, port);
      struct Ev {
        double t;
        int kind;  // 0 answer, 1 end (no answer/busy), 2 connected, 3 talk end, 4 wrap end,
                   // 5 customer hangs up while ringing/waiting
        CallKey call;
        std::int64_t agent;
      };
      std::multimap<double, Ev> q;
      std::map<CallKey, std::int64_t> agent_of;
      std::map<std::int64_t, CallKey> call_of_agent;
      std::map<CallKey, double> answered_at;
      std::map<CallKey, double> placed_at;
      std::set<CallKey> gone;  // ended by the port after a take-back
      std::size_t cancels_seen = 0;
      std::size_t orders_seen = 0;
      std::size_t connects_seen = 0;
      std::uint64_t bridged = 0;
      double now = 0;
      for (std::int64_t a = 1; a <= 8; ++a) r.agent_ready(a, 0);
      const auto pump = [&] {
        for (; cancels_seen < port.cancels.size(); ++cancels_seen) {
          const CallKey k = port.cancels[cancels_seen];
          CHECK(now - placed_at[k] >= 15.0);
          gone.insert(k);
          q.insert({now + 0.1, Ev{0, 7, k, 0}});
        }
        for (; orders_seen < port.orders.size(); ++orders_seen) {
          const auto& o = port.orders[orders_seen];
          placed_at[o.call] = now;
          const double x = u(rng);
          if (x < 0.35) {
            q.insert({now + 3 + 15 * u(rng), Ev{0, 0, o.call, 0}});
          } else {
            q.insert({now + 2 + 20 * u(rng), Ev{0, 1, o.call, 0}});
          }
        }
        for (; connects_seen < port.connects.size(); ++connects_seen) {
          const auto [call, agent] = port.connects[connects_seen];
          REQUIRE(call_of_agent.count(agent) == 0);  // never two calls on one agent
          call_of_agent[agent] = call;
          agent_of[call] = agent;
          q.insert({now + (u(rng) < 0.9 ? 0.3 : 0.1), Ev{0, u(rng) < 0.95 ? 2 : 6, call, agent}});
        }
      };
      pump();
      double next_tick = 1.0;
      while (now < 3600) {
        const double t_ev = q.empty() ? 1e18 : q.begin()->first;
        if (next_tick <= t_ev) {
          now = next_tick;
          next_tick += 1.0;
          r.tick(now);
          pump();
          continue;
        }
        Ev e = q.begin()->second;
        q.erase(q.begin());
        now = t_ev;
        if (gone.count(e.call) && e.kind != 7) continue;  // taken back: its future is void
        switch (e.kind) {
          case 7: r.call_ended(e.call, now); break;
          case 0:
            answered_at[e.call] = now;
            r.call_answered(e.call, now);
            break;
          case 1: r.call_ended(e.call, now); break;
          case 2: {
            if (agent_of.count(e.call) == 0 || call_of_agent[e.agent] != e.call) break;
            const auto before = r.counters().bridged;
            r.call_bridged(e.call, now);
            if (r.counters().bridged == before) {  // abandoned meanwhile: agent freed by runner
              call_of_agent.erase(e.agent);
              break;
            }
            ++bridged;
            CHECK(now - answered_at[e.call] <= 2.0 + 1.0);  // deadline checked on each tick
            q.insert({now + 30 + 200 * u(rng), Ev{0, 3, e.call, e.agent}});
            break;
          }
          case 6:
            if (call_of_agent[e.agent] != e.call) break;
            call_of_agent.erase(e.agent);
            r.call_connect_failed(e.call, now);
            q.insert({now + 5, Ev{0, 4, 0, e.agent}});  // the agent comes back later
            break;
          case 3:
            call_of_agent.erase(e.agent);
            r.call_ended(e.call, now);
            r.agent_wrap(e.agent, now, dialler::AnswerKind::Live);
            q.insert({now + 5 + 20 * u(rng), Ev{0, 4, 0, e.agent}});
            break;
          case 4: r.agent_ready(e.agent, now); break;
        }
        // An abandoned call is ended by the port shortly after the message.
        for (const CallKey k : port.abandons) {
          if (agent_of.count(k)) call_of_agent.erase(agent_of[k]);
          q.insert({now + 0.5, Ev{0, 1, k, 0}});
        }
        port.abandons.clear();
        pump();
      }
      const auto& c = r.counters();
      CHECK(c.bridged == bridged);
      CHECK(c.dials > 100);
      const auto ledger = r.ledger().counts(dialler::LedgerWindow::Rolling24h, now);
      CHECK(ledger.live == Approx(static_cast<double>(c.bridged + c.abandoned)));
      CHECK(ledger.abandoned == Approx(static_cast<double>(c.abandoned)));
      CHECK(leads.out.size() == r.calls_in_flight());
      if (spec == "predictive") CHECK(c.taken_back > 0);
      if (spec == "progressive") CHECK(c.abandoned <= c.connect_failures);
    }
  }
}
