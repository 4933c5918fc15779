#pragma once
// The floor as a strategy sees it, kept from events alone: agents with the time they entered
// their state, outbound calls in flight with their placement time, calls and inbound waiting.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "dialler/pacing_event.hpp"

namespace dialcore::dialler {

enum class AgentPhase : std::uint8_t { Idle, Busy, Wrap, Out };

struct AgentView {
  AgentPhase phase = AgentPhase::Out;
  double since_s = 0;
  AnswerKind call = AnswerKind::Unknown;  // what the agent is handling (disposition at wrap)
};

struct CallView {
  double placed_s = 0;
  bool needs_agent = false;  // answered (AMD off) or judged human, not yet bridged
  double demand_s = 0;       // when it started needing an agent
};

class FloorState {
 public:
  // With AMD on, a call needs an agent on AmdHuman; with it off, on CallAnswered.
  explicit FloorState(bool amd_enabled = false) : amd_enabled_(amd_enabled) {}
  bool amd_enabled() const { return amd_enabled_; }

  // Applies one event; returns false for an event that does not fit (unknown call or agent),
  // which is counted and otherwise ignored.
  bool apply(const Event& e);

  int idle_agents() const { return idle_; }
  int logged_in_agents() const { return logged_in_; }
  int ringing_calls() const { return static_cast<int>(calls_.size()) - waiting_calls_; }
  int waiting_calls() const { return waiting_calls_; }
  int calls_in_flight() const { return static_cast<int>(calls_.size()); }
  int inbound_waiting() const { return inbound_waiting_; }
  std::uint64_t rejected_events() const { return rejected_; }

  const std::vector<AgentView>& agents() const { return agents_; }
  const std::unordered_map<std::uint64_t, CallView>& calls() const { return calls_; }

 private:
  void set_agent(std::uint32_t id, AgentPhase phase, double t, AnswerKind kind);

  bool amd_enabled_;
  std::vector<AgentView> agents_;
  std::unordered_map<std::uint64_t, CallView> calls_;
  int idle_ = 0;
  int logged_in_ = 0;
  int waiting_calls_ = 0;
  int inbound_waiting_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace dialcore::dialler
