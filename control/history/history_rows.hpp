#pragma once
// Internal to control/history: the row look-ups and edits the writer and the recovery share.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "control/history/lead_rules.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::history::rows {

// The newest CDR of (call_id, leg); NotFound when there is none.
store::Result<store::Cdr> leg_cdr(store::Store& s, std::string_view call_id, std::string_view leg);
// The newest attempt of a call (for one lead); nullopt when the call made none.
store::Result<std::optional<store::Attempt>> call_attempt(store::Store& s, std::string_view call_id,
                                                          std::int64_t lead_id);
// The newest attempt of a lead; nullopt when it has none.
store::Result<std::optional<store::Attempt>> last_attempt(store::Store& s, std::int64_t lead_id);

// Appends {"at_ms", "type", ...extra} to the CDR's events_json.
void append_event(store::Cdr& cdr, std::int64_t at_ms, std::string_view type,
                  const boost::json::object& extra = {});
// The last time the CDR knows of: started, answered or its newest event.
std::int64_t last_known_ms(const store::Cdr& cdr);

// Sets the lead's next state after `outcome` (lead_rules.hpp) when it is still in_progress.
store::Result<void> settle_lead(store::Store& s, std::int64_t lead_id, std::string_view outcome,
                                std::int64_t base_ms, const RetryPolicy& policy,
                                const store::Actor& actor);

}  // namespace dialcore::control::history::rows
