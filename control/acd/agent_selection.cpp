#include "control/acd/agent_selection.hpp"

#include <algorithm>
#include <tuple>

namespace dialcore::control::acd {

namespace {

// a before b: longest idle, then lowest id (candidates come sorted by id, so index order).
bool idler(const Candidate& a, const Candidate& b) {
  return std::tie(a.idle_since_ms, a.id) < std::tie(b.idle_since_ms, b.id);
}

template <typename Better>
std::size_t best(std::span<const Candidate> c, Better better) {
  std::size_t pick = 0;
  for (std::size_t i = 1; i < c.size(); ++i)
    if (better(c[i], c[pick])) pick = i;
  return pick;
}

}  // namespace

std::size_t select_agent(Strategy s, std::span<const Candidate> c, std::optional<AgentId> rr_last,
                         std::mt19937_64& rng) {
  switch (s) {
    case Strategy::FewestCalls:
      return best(c, [](const Candidate& a, const Candidate& b) {
        if (a.calls_answered != b.calls_answered) return a.calls_answered < b.calls_answered;
        return idler(a, b);
      });
    case Strategy::SkillWeighted:
      return best(c, [](const Candidate& a, const Candidate& b) {
        if (a.skill_score != b.skill_score) return a.skill_score > b.skill_score;
        return idler(a, b);
      });
    case Strategy::RoundRobin: {
      if (!rr_last) return 0;
      auto it = std::upper_bound(c.begin(), c.end(), *rr_last,
                                 [](AgentId id, const Candidate& x) { return id < x.id; });
      return it == c.end() ? 0 : static_cast<std::size_t>(it - c.begin());
    }
    case Strategy::Random:
      // Modulo bias is below 1e-16 for any realistic team size: negligible, and portable
      // (std::uniform_int_distribution's output differs between standard libraries).
      return static_cast<std::size_t>(rng() % c.size());
    case Strategy::RingAll:
    case Strategy::LongestIdle: break;
  }
  return best(c, idler);
}

std::optional<int> skill_score(std::span<const SkillRequirement> required,
                               std::span<const AgentSkill> has) {
  int score = 0;
  for (const auto& r : required) {
    int level = 0;
    for (const auto& s : has)
      if (s.skill == r.skill) level = s.level;
    if (level < r.min_level) return std::nullopt;
    score += r.weight * level;
  }
  return score;
}

}  // namespace dialcore::control::acd
