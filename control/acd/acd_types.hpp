#pragma once
// The vocabulary of the inbound queues (Acd): queue settings, agents' skills, the decisions the
// owner carries out and the per-queue statistics. Plain data, std only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::control::acd {

using CallId = std::uint64_t;   // the owner's interaction id; 0 is never a call
using AgentId = std::uint32_t;  // the owner's agent id

// config::QueueStrategy, one to one.
enum class Strategy : std::uint8_t {
  RingAll,
  LongestIdle,
  FewestCalls,
  RoundRobin,
  Random,
  SkillWeighted
};
// config::OverflowAction, one to one.
enum class OverflowAction : std::uint8_t { Hangup, Queue, Voicemail };

// Skill/priority weighting. An agent has skills with levels 1-10 (absent: 0). A queue lists
// requirements: an agent below any min_level is not offered the queue's calls; among the others
// the score Σ weight × level picks the agent (highest first).
struct SkillRequirement {
  std::string skill;
  int min_level = 0;  // 0: nice to have, not required
  int weight = 1;
};
struct AgentSkill {
  std::string skill;
  int level = 1;  // 1 (basic) - 10 (expert)
};

struct QueueConfig {
  std::string id;
  std::vector<std::string> dids;  // inbound numbers routed here (unique across queues)
  Strategy strategy = Strategy::LongestIdle;
  std::int64_t ring_timeout_ms = 20'000;  // then the agent is auto-paused; 0 none
  std::int64_t wrap_ms = 10'000;          // after a call, the agent is not offered before
  std::int64_t max_wait_ms = 600'000;     // then overflow; 0 none
  OverflowAction overflow = OverflowAction::Hangup;
  std::string overflow_queue;              // OverflowAction::Queue: the target queue id
  std::int64_t service_level_ms = 20'000;  // "answered within T"
  std::int64_t announce_interval_ms = 0;   // position/wait announcements; 0 none
  std::vector<SkillRequirement> skills;    // SkillWeighted (others ignore it)
};

struct AgentProfile {
  AgentId id = 0;
  std::vector<std::string> queues;  // queue ids the agent serves
  std::vector<AgentSkill> skills;
};

// What the owner must do. Offers and withdrawals drive the agent state machine (offer/withdraw),
// AutoPause its ring timeout, Overflow and Announce the media side.
enum class DecisionKind : std::uint8_t {
  Offer,      // ring `agent` with `call` until `deadline_ms` (0: no ring timeout)
  Withdraw,   // stop ringing `agent` (another answered, or the caller left)
  AutoPause,  // `agent` did not answer `call` in time: auto-pause it (ring timeout)
  Overflow,   // `call` left `queue` after its maximum wait: `overflow` (to `target` queue)
  Announce,   // play `call` its position (1 = next) and estimated wait (-1: unknown)
};

struct Decision {
  DecisionKind kind = DecisionKind::Offer;
  CallId call = 0;
  AgentId agent = 0;
  std::string queue;
  std::int64_t at_ms = 0;
  std::int64_t deadline_ms = 0;                      // Offer
  OverflowAction overflow = OverflowAction::Hangup;  // Overflow
  std::string target;                                // Overflow to a queue
  std::uint32_t position = 0;                        // Announce
  std::int64_t wait_estimate_ms = -1;                // Announce
  friend bool operator==(const Decision&, const Decision&) = default;
};

// Per queue, since construction or reset_stats(). Service level (README "Service level"):
//   answered_within_sl / (answered + abandoned_after_sl + overflowed_after_sl) × 100.
struct QueueStats {
  std::uint32_t waiting = 0;         // now, ringing included
  std::int64_t longest_wait_ms = 0;  // of the calls waiting now
  std::uint64_t entered = 0;
  std::uint64_t answered = 0;
  std::uint64_t answered_within_sl = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t abandoned_within_sl = 0;  // short abandons: excluded from the service level
  std::uint64_t overflowed = 0;
  std::uint64_t overflowed_within_sl = 0;
  std::optional<double> service_level_percent;  // nullopt: no call counted yet
  std::int64_t average_handle_ms = -1;          // talk + wrap of completed calls; -1 none
};

enum class Errc : std::uint8_t {
  TimeWentBackwards,
  UnknownQueue,
  UnknownAgent,
  UnknownCall,
  DuplicateCall,
  DuplicateAgent,
  AgentBusy,   // the agent is ringing or on a call (ready/unavailable/remove refused)
  NotOffered,  // answered/rejected by an agent the call is not ringing
  NotOnCall,   // call_ended for an agent without a call
};
using Status = std::optional<Errc>;  // nullopt: accepted
std::string_view to_string(Errc e);

// The agent as the ACD sees it.
enum class AgentMode : std::uint8_t { Unavailable, Ready, Offered, Busy, AfterCall };

}  // namespace dialcore::control::acd
