#pragma once
// The hopper's selection order over in-memory candidates (the store-backed part that feeds it
// from indexed queries comes with the store): callbacks that are due come first (earliest due
// first; a personal callback only for its agent, presented in preview), then leads by priority
// (higher first), fewer attempts first, longest since last attempt (never tried = oldest), then
// load order. For each lead the first dialable of its (up to 3) numbers is taken.

#include <cstdint>
#include <optional>
#include <vector>

#include "dialler/dial_rules.hpp"

namespace dialcore::dialler {

struct Callback {
  std::int64_t due_s = 0;
  std::optional<std::uint32_t> agent_id;  // personal callback; none = queue callback
};

struct LeadCandidate {
  std::uint64_t lead_id = 0;
  int priority = 0;
  std::uint64_t load_seq = 0;
  std::vector<PhoneNumber> numbers;  // mobile, home, work
  std::optional<Callback> callback;
};

struct Selection {
  std::uint64_t lead_id;
  std::size_t number_index;
  bool preview;  // a callback: presented to an agent in preview at its time
};

struct HopperQuery {
  std::int64_t now_s = 0;
  std::size_t max = 1;
  std::optional<std::uint32_t> agent_id;  // the agent asking (personal callbacks), if any
  bool agent_reserved = false;
};

std::vector<Selection> select_leads(const std::vector<LeadCandidate>& leads, const DialRules& rules,
                                    const DncList& dnc, const ZoneOffsetFn& zone_offset,
                                    const HopperQuery& q);

}  // namespace dialcore::dialler
