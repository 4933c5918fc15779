// select_agent and skill_score on hand-made agent sets: each strategy's choice and its
// documented tie-break (longest idle, then lowest id).
#include <catch2/catch.hpp>

#include "control/acd/agent_selection.hpp"

#include <map>
#include <vector>

using namespace dialcore::control::acd;

namespace {

// ids 10, 20, 30, 40: idle since 500, 100, 100, 900; answered 5, 2, 2, 0; skill 3, 7, 7, 1.
std::vector<Candidate> team() {
  return {{10, 500, 5, 3}, {20, 100, 2, 7}, {30, 100, 2, 7}, {40, 900, 0, 1}};
}

AgentId pick(Strategy s, const std::vector<Candidate>& c, std::optional<AgentId> rr = {},
             std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  return c[select_agent(s, c, rr, rng)].id;
}

}  // namespace

TEST_CASE("longest idle, tie to the lowest id", "[acd][selection]") {
  CHECK(pick(Strategy::LongestIdle, team()) == 20);  // 20 and 30 idle since 100
  auto c = team();
  c[1].idle_since_ms = 101;
  CHECK(pick(Strategy::LongestIdle, c) == 30);
  CHECK(pick(Strategy::RingAll, team()) == 20);  // the caller rings all; the pick is longest idle
}

TEST_CASE("fewest calls, tie to longest idle then lowest id", "[acd][selection]") {
  CHECK(pick(Strategy::FewestCalls, team()) == 40);
  auto c = team();
  c[3].calls_answered = 2;  // 20, 30, 40 on 2 calls: 20 and 30 idle longer, 20 lower
  CHECK(pick(Strategy::FewestCalls, c) == 20);
}

TEST_CASE("skill weighted: highest score, ties to longest idle", "[acd][selection]") {
  CHECK(pick(Strategy::SkillWeighted, team()) == 20);
  auto c = team();
  c[2].skill_score = 8;
  CHECK(pick(Strategy::SkillWeighted, c) == 30);
}

TEST_CASE("round robin continues after the last agent and wraps", "[acd][selection]") {
  const auto c = team();
  CHECK(pick(Strategy::RoundRobin, c) == 10);
  CHECK(pick(Strategy::RoundRobin, c, 10) == 20);
  CHECK(pick(Strategy::RoundRobin, c, 20) == 30);
  CHECK(pick(Strategy::RoundRobin, c, 30) == 40);
  CHECK(pick(Strategy::RoundRobin, c, 40) == 10);
  CHECK(pick(Strategy::RoundRobin, c, 25) == 30);  // the last one left: the next id after it
}

TEST_CASE("random is reproducible from the seed and reaches everyone", "[acd][selection]") {
  const auto c = team();
  std::mt19937_64 a(42), b(42);
  std::map<AgentId, int> hits;
  for (int i = 0; i < 4000; ++i) {
    const auto x = select_agent(Strategy::Random, c, {}, a);
    CHECK(x == select_agent(Strategy::Random, c, {}, b));
    ++hits[c[x].id];
  }
  REQUIRE(hits.size() == 4);
  for (const auto& [id, n] : hits) CHECK((n > 850 && n < 1150));  // 1000 ± ~5 sigma
}

TEST_CASE("skill score: weights times levels, min levels filter", "[acd][selection]") {
  const std::vector<SkillRequirement> req{{"french", 3, 2}, {"billing", 0, 1}};
  const std::vector<AgentSkill> fluent{{"french", 8}, {"billing", 4}};
  const std::vector<AgentSkill> basic{{"french", 2}, {"billing", 10}};
  const std::vector<AgentSkill> none{};
  CHECK(skill_score(req, fluent) == 20);
  CHECK_FALSE(skill_score(req, basic));
  CHECK_FALSE(skill_score(req, none));
  CHECK(skill_score({}, none) == 0);
}
