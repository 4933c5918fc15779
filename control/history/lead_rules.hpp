#pragma once
// What happens to a lead after an attempt: the one rule the call history writer, the disposition
// and the start-up recovery share, so a crash can never give a lead a different fate than a
// clean run would have.
//
//   outcome "invalid"                        -> done (the number does not exist)
//   attempts (already counted) >= max        -> done
//   otherwise                                -> new, due again at base + delay(outcome)
//
// The attempt is counted when it starts (in the same transaction that sets the lead
// in_progress), so no path, crash included, can dial a lead without counting it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dialcore::control::history {

// Delays before a lead is due again, per attempt outcome (issue 9's dialler may pass its own).
struct RetryPolicy {
  std::int64_t busy_ms = 10 * 60'000;
  std::int64_t no_answer_ms = 60 * 60'000;
  std::int64_t machine_ms = 2 * 60 * 60'000;
  std::int64_t failed_ms = 30 * 60'000;
  std::int64_t abandoned_ms = 72 * 60 * 60'000;  // no redial within 72 h of an abandon (Ofcom)
  std::int64_t answered_ms = 24 * 60 * 60'000;   // talked, not completed by the wrap code
  std::int64_t interrupted_ms = 0;               // the call was cut by a crash: due at once

  std::int64_t delay_ms(std::string_view outcome) const;
};

struct LeadFate {
  std::string status;  // "new" or "done"
  std::optional<std::int64_t> next_call_at_ms;
};

LeadFate lead_after_attempt(std::string_view outcome, std::int64_t attempts,
                            std::int64_t max_attempts, std::int64_t base_ms,
                            const RetryPolicy& policy);

}  // namespace dialcore::control::history
