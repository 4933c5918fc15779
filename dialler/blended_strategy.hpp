#pragma once
// Blended pacing: inbound and outbound share the agents and inbound has priority. Outbound runs
// (through any inner strategy) only while the idle agents, less inbound calls waiting, exceed
// the queue's min_idle_agents_inbound; the inner strategy sees that many idle agents fewer.

#include <memory>

#include "dialler/pacing_strategy.hpp"

namespace dialcore::dialler {

class BlendedStrategy final : public PacingStrategy {
 public:
  BlendedStrategy(const CampaignPacing& c, int min_idle_agents_inbound,
                  std::unique_ptr<PacingStrategy> outbound);
  int calls_to_launch(double now_s) override;
  std::string name() const override;
  std::string describe() const override { return outbound_->describe(); }
  void restore_ledger(std::span<const LedgerFact> facts) override {
    outbound_->restore_ledger(facts);
  }

 private:
  void observe(const Event& e) override { outbound_->on_event(e); }

  int min_idle_;
  std::unique_ptr<PacingStrategy> outbound_;
};

}  // namespace dialcore::dialler
