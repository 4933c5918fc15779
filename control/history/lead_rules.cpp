#include "control/history/lead_rules.hpp"

namespace dialcore::control::history {

std::int64_t RetryPolicy::delay_ms(std::string_view outcome) const {
  if (outcome == "busy") return busy_ms;
  if (outcome == "no_answer") return no_answer_ms;
  if (outcome == "machine" || outcome == "message_left") return machine_ms;
  if (outcome == "abandoned") return abandoned_ms;
  if (outcome == "answered") return answered_ms;
  if (outcome == "interrupted") return interrupted_ms;
  return failed_ms;  // failed, rejected, anything the SIP layer adds later
}

LeadFate lead_after_attempt(std::string_view outcome, std::int64_t attempts,
                            std::int64_t max_attempts, std::int64_t base_ms,
                            const RetryPolicy& policy) {
  if (outcome == "invalid" || attempts >= max_attempts) return {"done", std::nullopt};
  return {"new", base_ms + policy.delay_ms(outcome)};
}

}  // namespace dialcore::control::history
