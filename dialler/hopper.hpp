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
  // "Wrap and continue with lead": this agent's last lead comes first, in preview, with its next
  // dialable number (after continue_after_number, wrapping round).
  std::optional<std::uint64_t> continue_lead_id;
  std::size_t continue_after_number = 0;
};

// What the agent (or the dialler) decided for the number just called.
enum class AfterCall : std::uint8_t {
  KeepNumber,      // the number stays in rotation (retry rules apply)
  CompleteNumber,  // "complete phone number": never this number again, the lead goes on
  CompleteLead,    // the lead is done: all its numbers
};

// Records an attempt on number `number` of the lead and applies the disposition. Returns false
// (and changes nothing) for a number the lead does not have.
bool record_call(LeadCandidate& lead, std::size_t number, const Attempt& attempt, AfterCall after);
// A lead is complete when every one of its numbers is.
bool lead_complete(const LeadCandidate& lead);

std::vector<Selection> select_leads(const std::vector<LeadCandidate>& leads, const DialRules& rules,
                                    const DncList& dnc, const ZoneOffsetFn& zone_offset,
                                    const HopperQuery& q);

}  // namespace dialcore::dialler
