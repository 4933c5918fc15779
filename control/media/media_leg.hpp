#pragma once
// MediaLeg: how control names a leg: the worker that owns it and its LegId there. Both legs of
// a bridged call must have the same worker; MediaService places a leg beside another on request.

#include <cstddef>
#include <cstdint>
#include <functional>

#include "dataplane/api/leg_id.hpp"

namespace dialcore::control::media {

struct MediaLeg {
  std::uint32_t worker = UINT32_MAX;
  dataplane::LegId id;

  constexpr bool valid() const { return worker != UINT32_MAX && id.valid(); }
  friend constexpr bool operator==(const MediaLeg&, const MediaLeg&) = default;
};

struct MediaLegHash {
  std::size_t operator()(const MediaLeg& leg) const noexcept {
    return std::hash<std::uint64_t>{}(leg.id.packed() * 31u + leg.worker);
  }
};

// Where allocate_leg puts a new leg: beside an existing leg (same worker: it will be bridged to
// it), on a given worker, or (neither) on the worker with the fewest legs.
struct LegPlacement {
  MediaLeg beside;                    // valid: this leg's worker
  std::uint32_t worker = UINT32_MAX;  // else, when set: this worker
  std::size_t address = 0;            // index into MediaSettings::addresses

  static LegPlacement any() { return {}; }
  static LegPlacement next_to(const MediaLeg& leg) {
    LegPlacement p;
    p.beside = leg;
    return p;
  }
  static LegPlacement on_worker(std::uint32_t w) {
    LegPlacement p;
    p.worker = w;
    return p;
  }
};

}  // namespace dialcore::control::media
