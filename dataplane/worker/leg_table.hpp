#pragma once
// LegTable: the worker's legs in a fixed-capacity, index-addressed pool (VPP's pool): a LegId
// is a slot index plus the slot's generation, so a handle kept after DestroyLeg no longer
// matches once the slot is reused, and is answered StaleLeg instead of touching another call.
// Packets find their leg by the PortId they arrived on. All memory is allocated at
// construction; create/destroy and lookups never allocate.

#include <cstdint>
#include <vector>

#include "dataplane/api/leg_id.hpp"
#include "dataplane/io/packet.hpp"
#include "dataplane/worker/leg.hpp"

namespace dialcore::dataplane {

class LegTable {
 public:
  LegTable(std::uint32_t max_legs, std::uint32_t max_ports);

  Leg* create(PortId port);  // nullptr when full or the port index is out of range
  void destroy(Leg& leg);    // resets the slot, bumps its generation, frees the port mapping
  Leg* find(LegId id);       // nullptr when stale or free
  Leg* by_port(PortId port) {
    if (port.index >= leg_of_port_.size()) return nullptr;
    const std::uint32_t i = leg_of_port_[port.index];
    if (i == kNone || !(legs_[i].port == port)) return nullptr;
    return &legs_[i];
  }
  std::uint32_t size() const { return used_; }
  std::uint32_t capacity() const { return static_cast<std::uint32_t>(legs_.size()); }
  template <typename Fn>
  void for_each(Fn&& fn) {
    for (auto& leg : legs_) {
      if (leg.id.valid() && in_use_[leg.id.index]) fn(leg);
    }
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::vector<Leg> legs_;
  std::vector<std::uint32_t> generation_;
  std::vector<std::uint8_t> in_use_;
  std::vector<std::uint32_t> free_;        // stack of free slot indices
  std::vector<std::uint32_t> leg_of_port_;  // PortId.index -> slot
  std::uint32_t used_ = 0;
};

}  // namespace dialcore::dataplane
