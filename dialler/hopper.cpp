#include "dialler/hopper.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace dialcore::dialler {

namespace {

std::int64_t last_attempt_s(const LeadCandidate& l) {
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  for (const auto& n : l.numbers)
    for (const auto& a : n.attempts) last = std::max(last, a.at_s);
  return last;
}

std::size_t attempts(const LeadCandidate& l) {
  std::size_t k = 0;
  for (const auto& n : l.numbers) k += n.attempts.size();
  return k;
}

// The first dialable number of the lead, starting at `first` and wrapping round.
std::optional<std::size_t> dialable_number(const LeadCandidate& l, std::size_t first,
                                           const DialRules& rules, const DncList& dnc,
                                           const ZoneOffsetFn& zone_offset, std::int64_t now_s,
                                           bool agent_reserved) {
  const std::size_t n = l.numbers.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (first + k) % n;
    if (check_number(rules, dnc, l.numbers[i], now_s, zone_offset, agent_reserved) == Verdict::Ok)
      return i;
  }
  return std::nullopt;
}

}  // namespace

bool record_call(LeadCandidate& lead, std::size_t number, const Attempt& attempt, AfterCall after) {
  if (number >= lead.numbers.size()) return false;
  lead.numbers[number].attempts.push_back(attempt);
  if (after == AfterCall::CompleteNumber) lead.numbers[number].complete = true;
  if (after == AfterCall::CompleteLead)
    for (auto& n : lead.numbers) n.complete = true;
  return true;
}

bool lead_complete(const LeadCandidate& lead) {
  return std::all_of(lead.numbers.begin(), lead.numbers.end(),
                     [](const PhoneNumber& n) { return n.complete; });
}

std::vector<Selection> select_leads(const std::vector<LeadCandidate>& leads, const DialRules& rules,
                                    const DncList& dnc, const ZoneOffsetFn& zone_offset,
                                    const HopperQuery& q) {
  struct Key {
    bool not_callback;
    std::int64_t due;
    int neg_priority;
    std::size_t attempts;
    std::int64_t last;
    std::uint64_t seq;
    const LeadCandidate* lead;
  };
  std::vector<Selection> out;
  std::vector<Key> keys;
  for (const auto& l : leads) {
    if (q.continue_lead_id && l.lead_id == *q.continue_lead_id) {
      // Wrap and continue with lead: the agent stays with it, so it is previewed first.
      if (q.max > 0)
        if (auto i = dialable_number(l, q.continue_after_number + 1, rules, dnc, zone_offset,
                                     q.now_s, true))
          out.push_back({l.lead_id, *i, true});
      continue;
    }
    bool callback = false;
    if (l.callback) {
      if (l.callback->due_s > q.now_s) continue;  // not due yet: not before its time
      if (l.callback->agent_id && l.callback->agent_id != q.agent_id) continue;
      callback = true;
    }
    keys.push_back({!callback, callback ? l.callback->due_s : 0, -l.priority, attempts(l),
                    last_attempt_s(l), l.load_seq, &l});
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.not_callback, a.due, a.neg_priority, a.attempts, a.last, a.seq) <
           std::tie(b.not_callback, b.due, b.neg_priority, b.attempts, b.last, b.seq);
  });
  for (const Key& k : keys) {
    if (out.size() >= q.max) break;
    const bool preview = !k.not_callback;
    // A callback is presented to an agent, so an agent is reserved for it.
    if (auto i = dialable_number(*k.lead, 0, rules, dnc, zone_offset, q.now_s,
                                 q.agent_reserved || preview))
      out.push_back({k.lead->lead_id, *i, preview});
  }
  return out;
}

}  // namespace dialcore::dialler
