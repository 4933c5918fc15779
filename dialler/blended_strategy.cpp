#include "dialler/blended_strategy.hpp"

namespace dialcore::dialler {

BlendedStrategy::BlendedStrategy(const CampaignPacing& c, int min_idle_agents_inbound,
                                 std::unique_ptr<PacingStrategy> outbound)
    : PacingStrategy(c),
      min_idle_(min_idle_agents_inbound > 0 ? min_idle_agents_inbound : 0),
      outbound_(std::move(outbound)) {
  outbound_->reserve_idle_agents(min_idle_);
}

int BlendedStrategy::calls_to_launch(double now_s) {
  // free_agents() here is idle minus inbound waiting: outbound only above the minimum.
  if (free_agents() <= min_idle_) return 0;
  return outbound_->calls_to_launch(now_s);
}

std::string BlendedStrategy::name() const {
  return "blended:" + std::to_string(min_idle_) + ":" + outbound_->name();
}

}  // namespace dialcore::dialler
