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

}  // namespace

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
  std::vector<Key> keys;
  for (const auto& l : leads) {
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
  std::vector<Selection> out;
  for (const Key& k : keys) {
    if (out.size() >= q.max) break;
    const bool preview = !k.not_callback;
    for (std::size_t i = 0; i < k.lead->numbers.size(); ++i) {
      // A callback is presented to an agent, so an agent is reserved for it.
      if (check_number(rules, dnc, k.lead->numbers[i], q.now_s, zone_offset,
                       q.agent_reserved || preview) == Verdict::Ok) {
        out.push_back({k.lead->lead_id, i, preview});
        break;
      }
    }
  }
  return out;
}

}  // namespace dialcore::dialler
