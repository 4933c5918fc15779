#pragma once
// The handle control uses to name a leg on a worker: a slot index in the worker's leg table plus
// the generation of the leg that held the slot when the handle was issued. A worker bumps the
// slot's generation when it frees the leg, so a handle kept past DestroyLeg no longer matches and
// gets a StaleLeg reply instead of touching whichever leg reuses the slot.

#include <compare>
#include <cstdint>
#include <type_traits>

namespace dialcore::dataplane {

struct LegId {
  std::uint32_t index = UINT32_MAX;  // slot in the worker's leg table
  std::uint32_t generation = 0;      // 0 never names a live leg: workers start slots at 1

  static constexpr LegId invalid() { return LegId{}; }
  constexpr bool valid() const { return generation != 0; }

  // One 64-bit key (generation high, index low) for hash maps and logs on the control side.
  constexpr std::uint64_t packed() const {
    return std::uint64_t{generation} << 32 | std::uint64_t{index};
  }
  static constexpr LegId unpack(std::uint64_t key) {
    return LegId{static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32)};
  }

  friend constexpr bool operator==(const LegId&, const LegId&) = default;
  friend constexpr auto operator<=>(const LegId&, const LegId&) = default;
};

static_assert(std::is_trivially_copyable_v<LegId>);
static_assert(sizeof(LegId) == 8);

}  // namespace dialcore::dataplane
