// The Acd at size: 1,000 agents in 10 queues (3 queues each, every strategy), 500 waiting calls.
// The smoke test checks the big dispatch is right; the hidden [.bench] test prints its cost:
//   build/bin/acd_bench_test '[.bench]' -s
// (figures in control/acd/README.md; timed here, not judged: the machine is shared and noisy).
#include <catch2/catch.hpp>

#include "control/acd/acd.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace dialcore::control::acd;

namespace {

constexpr int kAgents = 1000;
constexpr int kQueues = 10;
constexpr int kWaiting = 500;
constexpr std::int64_t kWrap = 10'000;

// "q3", "s7": snprintf, because GCC 12's -Wrestrict misfires on "q" + std::to_string(i).
std::string name(const char* prefix, long i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%s%ld", prefix, i);
  return buf;
}

std::vector<QueueConfig> queues() {
  std::vector<QueueConfig> qs;
  for (int i = 0; i < kQueues; ++i) {
    QueueConfig q;
    q.id = name("q", i);
    q.strategy = i % 5 == 0 ? Strategy::SkillWeighted : static_cast<Strategy>(1 + i % 4);
    q.wrap_ms = kWrap;
    q.max_wait_ms = 0;
    q.skills = {{name("s", i), 1, 2}, {name("s", (i + 1) % kQueues), 0, 1}};
    qs.push_back(q);
  }
  return qs;
}

// Every agent has just finished a call and is Ready but inside the queue's wrap time; 500 calls
// wait. The next on_timer(ready_at) dispatches them all at once over 1,000 ready agents.
struct BigFloor {
  std::unique_ptr<Acd> acd;
  std::int64_t ready_at = 0;
};

BigFloor build() {
  BigFloor f{std::make_unique<Acd>(queues(), 1, 0), 0};
  Acd& acd = *f.acd;
  for (AgentId id = 1; id <= kAgents; ++id) {
    AgentProfile p{id, {}, {}};
    for (int k = 0; k < 3; ++k) {
      const int q = static_cast<int>((id + static_cast<AgentId>(k) * 3) % kQueues);
      p.queues.push_back(name("q", q));
      p.skills.push_back({name("s", q), 1 + static_cast<int>(id % 10)});
    }
    REQUIRE_FALSE(acd.add_agent(p, 0));
    REQUIRE_FALSE(acd.agent_ready(id, 0));
    REQUIRE_FALSE(acd.enqueue(100'000 + id, p.queues[0], 0, 0));
  }
  for (const auto& d : acd.drain()) {
    REQUIRE(d.kind == DecisionKind::Offer);
    REQUIRE_FALSE(acd.answered(d.call, d.agent, 1000));
  }
  for (AgentId id = 1; id <= kAgents; ++id) {
    REQUIRE_FALSE(acd.call_ended(id, 2000));
    REQUIRE_FALSE(acd.agent_ready(id, 2000));
  }
  for (CallId c = 1; c <= kWaiting; ++c)
    REQUIRE_FALSE(
        acd.enqueue(c, name("q", static_cast<long>(c % kQueues)), static_cast<int>(c % 3), 3000));
  REQUIRE(acd.drain().empty());
  f.ready_at = 2000 + kWrap;
  return f;
}

}  // namespace

TEST_CASE("1,000 agents and 500 waiting calls: one dispatch offers each call once", "[acd][size]") {
  auto f = build();
  REQUIRE(f.acd->next_deadline() == f.ready_at);
  f.acd->on_timer(f.ready_at);
  const auto ds = f.acd->drain();
  std::set<CallId> calls;
  std::set<AgentId> agents;
  for (const auto& d : ds) {
    REQUIRE(d.kind == DecisionKind::Offer);
    calls.insert(d.call);
    agents.insert(d.agent);
  }
  CHECK(ds.size() == kWaiting);
  CHECK(calls.size() == kWaiting);
  CHECK(agents.size() == kWaiting);
}

TEST_CASE("bench: dispatch at 1,000 agents and 500 waiting calls", "[.bench]") {
  using Clock = std::chrono::steady_clock;
  std::vector<double> big_ms, one_us;
  for (int rep = 0; rep < 7; ++rep) {
    auto f = build();
    const auto t0 = Clock::now();
    f.acd->on_timer(f.ready_at);
    big_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    // Steady state: 500 calls wait, every agent busy; one agent frees up and takes one call.
    auto g = build();
    Acd& acd = *g.acd;
    for (AgentId id = 1; id <= kAgents; ++id) REQUIRE_FALSE(acd.agent_unavailable(id, 3000));
    std::vector<double> each;
    for (AgentId id = 1; id <= 200; ++id) {
      const auto t1 = Clock::now();
      REQUIRE_FALSE(acd.agent_ready(id, g.ready_at + id));
      each.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t1).count());
      const auto ds = acd.drain();
      REQUIRE(ds.size() == 1);
      REQUIRE_FALSE(acd.answered(ds[0].call, id, g.ready_at + id));
      REQUIRE_FALSE(acd.enqueue(1'000'000 + id, ds[0].queue, 0, g.ready_at + id));  // keep 500
    }
    std::sort(each.begin(), each.end());
    one_us.push_back(each[each.size() / 2]);
  }
  std::sort(big_ms.begin(), big_ms.end());
  std::sort(one_us.begin(), one_us.end());
  std::printf("acd dispatch, %d agents, %d waiting calls, %d queues (median of 7):\n", kAgents,
              kWaiting, kQueues);
  std::printf("  all ready at once, 500 offers in one dispatch: %.2f ms\n", big_ms[3]);
  std::printf("  one agent ready, one offer (median of 200):    %.1f us\n", one_us[3]);
  SUCCEED();
}
