#include "dataplane/worker/leg_table.hpp"

namespace dialcore::dataplane {

LegTable::LegTable(std::uint32_t max_legs, std::uint32_t max_ports)
    : legs_(max_legs), generation_(max_legs, 0), in_use_(max_legs, 0), free_(max_legs),
      leg_of_port_(max_ports, kNone) {
  // Lowest index first, so a lightly loaded worker keeps its legs in few cache lines.
  for (std::uint32_t i = 0; i < max_legs; ++i) free_[i] = max_legs - 1 - i;
}

Leg* LegTable::create(PortId port) {
  if (free_.empty() || port.index >= leg_of_port_.size()) return nullptr;
  const std::uint32_t i = free_.back();
  free_.pop_back();  // no allocation: only shrinks
  ++generation_[i];
  if (generation_[i] == 0) generation_[i] = 1;  // 0 means invalid
  in_use_[i] = 1;
  ++used_;
  legs_[i] = Leg{};
  legs_[i].id = LegId{i, generation_[i]};
  legs_[i].port = port;
  leg_of_port_[port.index] = i;
  return &legs_[i];
}

void LegTable::destroy(Leg& leg) {
  const std::uint32_t i = leg.id.index;
  if (leg.port.index < leg_of_port_.size() && leg_of_port_[leg.port.index] == i) {
    leg_of_port_[leg.port.index] = kNone;
  }
  legs_[i] = Leg{};  // releases SRTP contexts and transcoder (setup-time memory)
  in_use_[i] = 0;
  --used_;
  free_.push_back(i);  // capacity reserved at construction: never reallocates
}

Leg* LegTable::find(LegId id) {
  if (id.index >= legs_.size() || !in_use_[id.index]) return nullptr;
  Leg& leg = legs_[id.index];
  return leg.id == id ? &leg : nullptr;
}

}  // namespace dialcore::dataplane
