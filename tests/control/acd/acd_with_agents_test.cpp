// The Acd and AgentMachines wired as control/acd/README.md and control/agent_state/README.md
// tell the owner to: decisions go to the machines, the machines' records go back to the Acd.
// A scripted ring-timeout chain with auto-pause and auto-wrap with extension, then seeded random
// floors checking that the two views of every agent always agree.
#include <catch2/catch.hpp>

#include "control/acd/acd.hpp"
#include "control/agent_state/agent_machine.hpp"

#include <map>
#include <random>
#include <string>

using namespace dialcore::control;
using acd::AgentId;
using acd::DecisionKind;
using agent_state::State;

namespace {

constexpr std::int64_t kRing = 15'000;

struct Floor {
  acd::Acd queues;
  std::map<AgentId, agent_state::AgentMachine> agents;
  std::map<AgentId, acd::CallId> answered;  // agent → its routed call
  std::string broken;                       // the first wiring error

  explicit Floor(int n, acd::Strategy s, std::uint64_t seed = 1) : queues({config(s)}, seed, 0) {
    for (AgentId id = 1; id <= static_cast<AgentId>(n); ++id) {
      agents.emplace(id, agent_state::AgentMachine(agent_state::AgentPolicy{}, 0));
      REQUIRE_FALSE(queues.add_agent({id, {"sales"}, {}}, 0));
    }
  }

  static acd::QueueConfig config(acd::Strategy s) {
    acd::QueueConfig q;
    q.id = "sales";
    q.strategy = s;
    q.ring_timeout_ms = kRing;
    q.wrap_ms = 5000;
    q.max_wait_ms = 0;
    return q;
  }

  static agent_state::CallContext context() {
    agent_state::CallContext c;
    c.ring_timeout_ms = 0;  // the Acd owns a routed call's ring timeout (AutoPause → no_answer)
    c.wrap = agent_state::WrapPolicy{30'000, "auto", 10'000, {"sale", "auto"}};
    return c;
  }

  void fail(const std::string& what) {
    if (broken.empty()) broken = what;
  }

  // Carries out the Acd's decisions and feeds the machines' records back, until quiet.
  void pump(std::int64_t now) {
    for (int round = 0; round < 50; ++round) {
      bool any = false;
      for (const auto& d : queues.drain()) {
        any = true;
        auto& m = agents.at(d.agent == 0 ? agents.begin()->first : d.agent);
        if (d.kind == DecisionKind::Offer && m.offer(now, d.call, context())) fail("offer refused");
        if (d.kind == DecisionKind::Withdraw && m.withdraw(now, d.call)) fail("withdraw refused");
        if (d.kind == DecisionKind::AutoPause && m.no_answer(now, d.call))
          fail("no_answer refused");
      }
      for (auto& [id, m] : agents)
        for (const auto& t : m.drain()) {
          any = true;
          if (t.to == State::Available) {
            if (queues.agent_ready(id, now)) fail("agent_ready refused");
          } else if (t.to == State::Paused || t.to == State::AutoPaused || t.to == State::NoVoice ||
                     t.to == State::LoggedOut) {
            if (queues.agent_unavailable(id, now)) fail("agent_unavailable refused");
          }
        }
      if (!any) return;
    }
    fail("pump did not settle");
  }

  void tick(std::int64_t now) {
    for (auto& [id, m] : agents) m.on_timer(now);
    queues.on_timer(now);
    pump(now);
  }

  void answer(AgentId id, acd::CallId call, std::int64_t now) {
    REQUIRE_FALSE(agents.at(id).answer(now, call));
    REQUIRE_FALSE(queues.answered(call, id, now));
    answered[id] = call;
    pump(now);
  }

  void hang_up(AgentId id, std::int64_t now) {
    REQUIRE_FALSE(agents.at(id).end_call(now, answered.at(id)));
    REQUIRE_FALSE(queues.call_ended(id, now));
    answered.erase(id);
    pump(now);
  }

  // The machine's state and the Acd's mode tell the same story.
  std::string disagreement() const {
    for (const auto& [id, m] : agents) {
      const auto mode = *queues.mode(id);
      const bool ok = m.state() == State::Reserved    ? mode == acd::AgentMode::Offered
                      : m.state() == State::OnCall    ? mode == acd::AgentMode::Busy
                      : m.state() == State::Wrap      ? mode == acd::AgentMode::AfterCall
                      : m.state() == State::Available ? mode == acd::AgentMode::Ready
                                                      : mode == acd::AgentMode::Unavailable;
      if (!ok)
        return "agent " + std::to_string(id) + " is " +
               std::string(agent_state::to_string(m.state())) + " but the Acd mode is " +
               std::to_string(static_cast<int>(mode));
    }
    return broken;
  }
};

}  // namespace

TEST_CASE("ring timeout chain with auto-pause, then auto-wrap with extension",
          "[acd][agent_state]") {
  Floor f(2, acd::Strategy::LongestIdle);
  for (auto& [id, m] : f.agents) {
    REQUIRE_FALSE(m.login(100));
    REQUIRE_FALSE(m.connect_voice(100 + id));  // agent 1 available first: longest idle
  }
  f.pump(200);
  REQUIRE_FALSE(f.queues.enqueue(77, "sales", 0, 1000));
  f.pump(1000);
  CHECK(f.agents.at(1).state() == State::Reserved);
  f.tick(1000 + kRing);  // agent 1 does not answer
  CHECK(f.agents.at(1).state() == State::AutoPaused);
  CHECK(f.agents.at(2).state() == State::Reserved);
  f.answer(2, 77, 20'000);
  f.hang_up(2, 80'000);
  CHECK(f.agents.at(2).state() == State::Wrap);
  REQUIRE_FALSE(f.agents.at(2).extend_wrap(90'000));
  f.tick(110'000);  // the original auto-wrap time: extended, still wrapping
  CHECK(f.agents.at(2).state() == State::Wrap);
  f.tick(120'000);
  CHECK(f.agents.at(2).state() == State::Available);
  CHECK(f.queues.mode(2) == acd::AgentMode::Ready);
  CHECK(f.queues.mode(1) == acd::AgentMode::Unavailable);
  CHECK(f.disagreement().empty());
}

TEST_CASE("random floors: the agent machines and the Acd always agree", "[acd][agent_state]") {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    Floor f(2 + static_cast<int>(rng() % 5), static_cast<acd::Strategy>(rng() % 6), seed);
    std::int64_t now = 0;
    acd::CallId next = 1;
    for (int step = 0; step < 300 && f.disagreement().empty(); ++step) {
      now += static_cast<std::int64_t>(rng() % 6000);
      const auto id = static_cast<AgentId>(1 + rng() % f.agents.size());
      auto& m = f.agents.at(id);
      switch (rng() % 8) {
        case 0:  // the owner forwards records after every event (pump), before the next one
          (void)m.login(now);
          f.pump(now);
          (void)m.connect_voice(now);
          break;
        case 1: (void)m.pause(now, ""); break;
        case 2: (void)m.set_available(now); break;
        case 3: (void)f.queues.enqueue(next++, "sales", 0, now); break;
        case 4:
          if (m.state() == State::Reserved) f.answer(id, m.calls().front().id, now);
          break;
        case 5:
          if (m.state() == State::OnCall) f.hang_up(id, now);
          break;
        case 6:
          if (m.state() == State::Wrap)
            (void)m.submit_wrap(now, "sale");
          else if (m.state() == State::Available || m.state() == State::Paused)
            (void)m.logout(now);
          break;
        default: f.tick(now); break;
      }
      f.pump(now);
    }
    INFO("seed " << seed << ": " << f.disagreement());
    REQUIRE(f.disagreement().empty());
  }
}
