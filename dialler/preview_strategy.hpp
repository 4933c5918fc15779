#pragma once
// Preview pacing: the hopper presents a lead to an idle agent (PreviewShown), who dials it
// (PreviewDial) or, with an auto-preview timeout, has it dialled when the timeout runs out.
// Progressive is preview with a zero timeout. One call per presented lead, never more, so a
// preview call cannot be abandoned: its agent is reserved for it.

#include <cstdint>
#include <map>
#include <vector>

#include "dialler/pacing_strategy.hpp"

namespace dialcore::dialler {

class PreviewStrategy final : public PacingStrategy {
 public:
  // timeout_s < 0: manual preview only (the agent must press dial).
  PreviewStrategy(const CampaignPacing& c, double timeout_s)
      : PacingStrategy(c), timeout_s_(timeout_s) {}
  // Calls due now: one per agent who pressed dial or whose preview timed out; each is counted
  // once. due_agents() says which agents they belong to (the daemon ties each call to its agent).
  int calls_to_launch(double now_s) override;
  const std::vector<std::uint32_t>& due_agents() const { return due_; }
  std::string name() const override;
  std::size_t previews_open() const { return shown_.size(); }

 private:
  void observe(const Event& e) override;

  struct Shown {
    double at_s;
    bool dial_pressed;
  };
  double timeout_s_;
  std::map<std::uint32_t, Shown> shown_;  // agent -> lead presented, not yet dialled
  std::vector<std::uint32_t> due_;
};

}  // namespace dialcore::dialler
