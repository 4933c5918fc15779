#pragma once
// Agent selection per strategy: a pure function over the eligible agents of one call. Ties are
// broken deterministically (README "Strategies"): longest idle first, then the lowest agent id.

#include "control/acd/acd_types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <span>

namespace dialcore::control::acd {

struct Candidate {
  AgentId id = 0;
  std::int64_t idle_since_ms = 0;    // Ready since
  std::uint64_t calls_answered = 0;  // since the ACD started (FewestCalls)
  int skill_score = 0;               // Σ weight × level (SkillWeighted)
};

// The index in `candidates` (sorted by id ascending, non-empty) of the agent to ring. RingAll is
// the caller's business (it rings them all); here it returns the LongestIdle choice.
// RoundRobin: the first id after `rr_last`, wrapping round. Random: uniform from `rng`.
std::size_t select_agent(Strategy s, std::span<const Candidate> candidates,
                         std::optional<AgentId> rr_last, std::mt19937_64& rng);

// Σ weight × level over the queue's requirements, or nullopt when a min_level is not met.
std::optional<int> skill_score(std::span<const SkillRequirement> required,
                               std::span<const AgentSkill> has);

}  // namespace dialcore::control::acd
