#pragma once
// Where a campaign's next number comes from: the store-backed hopper in production
// (store_lead_source.hpp), a list in tests. Control thread only.

#include <cstdint>
#include <optional>
#include <string>

namespace dialcore::control::campaign {

struct LeadPick {
  std::int64_t lead_id = 0;
  std::size_t number_index = 0;
  std::string number;
};

class LeadSource {
 public:
  virtual ~LeadSource() = default;
  // The next dialable number at now_ms, or none (list exhausted or nothing due). A lead handed
  // out is not handed out again until release(lead_id).
  virtual std::optional<LeadPick> next(std::int64_t now_ms) = 0;
  // The attempt on the lead is over (its fate is in the store): it may be selected again.
  virtual void release(std::int64_t lead_id) = 0;
};

}  // namespace dialcore::control::campaign
