#pragma once
// The abandonment ledger of a campaign rebuilt from the store (issue 9's compliance after a
// restart): the runner's ledger lives in memory, so a dialcored that restarts would otherwise
// start every drop-rate window empty. CampaignSet seeds each runner it builds with these facts
// (CampaignRunner::seed_ledger), so a restarted campaign paces on with the same ratio.
//
// Read from the campaign's attempts started in the last 32 days (the ledger keeps 32 days:
// enough for the rolling 30 days and the calendar month) that were answered; each counts at
// its answer time, as the runner counts it:
//   outcome "abandoned"                            → Abandon (a live answer and an abandon)
//   an agent on the attempt (it was bridged)        → LiveAnswer
//   AMD said "machine" (not bridged, not abandoned)  → AmdMachine (UK: the false-positive share)
//   outcome "interrupted" (closed by recovery after a crash), not a machine
//                                                  → Abandon: the person answered and the crash
//                                                    dropped them before any agent (the runner
//                                                    counted it already if its deadline had
//                                                    passed; counted either way: the safe side)
//   anything else (hung up while waiting, within the deadline) → nothing, as in the runner
// Known difference: a call whose first AMD verdict was human, corrected to machine later and
// never bridged nor abandoned, counts an AmdMachine here but not in the runner (it acts on the
// first verdict only).
//
// Indexed reads (attempts_campaign), 10,000 rows a page. Store errors are returned.

#include <cstdint>
#include <vector>

#include "control/store/store.hpp"
#include "dialler/abandon_ledger.hpp"

namespace dialcore::control::campaign {

struct LedgerRebuild {
  std::vector<dialler::LedgerFact> facts;  // oldest answer first
  std::size_t attempts_read = 0;           // answered attempts looked at
  std::size_t interrupted = 0;             // counted as abandons after a crash
};

store::Result<LedgerRebuild> rebuild_ledger(store::Store& store, std::int64_t campaign_id,
                                            std::int64_t now_ms);

}  // namespace dialcore::control::campaign
