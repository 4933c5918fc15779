#pragma once
// Start-up recovery: what a crash (kill -9, power loss) left open is closed before the daemon
// takes calls, in ONE transaction, by a rule a restart can apply any number of times:
//
//   1. every CDR with ended NULL is closed at its last known time (the newest of started,
//      answered and its events' times) with hangup cause "interrupted" and an
//      {"type":"interrupted"} event;
//   2. every attempt with ended NULL is closed at its last known time (started or answered)
//      with outcome "interrupted" when it had none;
//   3. every lead still in_progress gets the state its newest attempt's outcome implies
//      (lead_rules.hpp, the attempt already counted when it started): an interrupted call is
//      due again at once (RetryPolicy::interrupted_ms), an answered one whose disposition never
//      committed after answered_ms, an abandoned one after 72 h; max attempts reached or an
//      invalid number: done. A lead in_progress without any attempt goes back to new as it was.
//
// Nothing already committed is changed: dispositions, closed CDRs and settled leads stay.

#include <cstdint>

#include "control/history/lead_rules.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::history {

struct RecoveryReport {
  std::int64_t cdrs_closed = 0;
  std::int64_t attempts_closed = 0;
  std::int64_t leads_released = 0;
};

store::Result<RecoveryReport> recover(store::Store& store, std::int64_t now_ms,
                                      const RetryPolicy& policy = {});

}  // namespace dialcore::control::history
