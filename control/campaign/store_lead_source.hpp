#pragma once
// The store-backed hopper (issue 9 deliverable 3): refills an in-memory batch of a campaign's
// due leads from indexed store queries (status new, next_call_at_ms empty or past, fewest
// attempts first), rebuilds each lead's per-number history from its attempts, drops DNC numbers,
// and hands out numbers in the dialler's hopper order (dialler::select_leads: calling windows in
// the lead's zone, max attempts, retry delays per outcome, the 72 h abandon lockout, AMD
// re-calls only with an agent reserved). A lead handed out stays out of every batch until
// release(), so a lead is never dialled twice at once even before its attempt reaches the store.
// Control thread only.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "control/campaign/lead_source.hpp"
#include "control/store/store.hpp"
#include "dialler/civil_time.hpp"
#include "dialler/dial_rules.hpp"
#include "dialler/hopper.hpp"

namespace dialcore::control::campaign {

struct HopperSettings {
  std::int64_t campaign_id = 0;
  dialler::DialRules rules;
  std::string default_zone = "UTC";  // a lead without a timezone: the campaign's
  std::size_t batch = 200;           // leads read per refill
  std::int64_t refill_every_ms = 1000;  // an empty hopper asks the store at most this often
};

struct HopperCounters {
  std::uint64_t refills = 0;
  std::uint64_t leads_read = 0;
  std::uint64_t handed_out = 0;
  std::uint64_t store_errors = 0;
};

class StoreLeadSource final : public LeadSource {
 public:
  StoreLeadSource(store::Store& store, HopperSettings settings, dialler::ZoneOffsetFn zone_offset);

  std::optional<LeadPick> next(std::int64_t now_ms) override;
  void release(std::int64_t lead_id) override;

  const HopperCounters& counters() const { return counters_; }
  std::size_t out() const { return out_.size(); }

 private:
  void refill(std::int64_t now_ms);

  store::Store& store_;
  HopperSettings settings_;
  dialler::ZoneOffsetFn zone_offset_;
  std::vector<dialler::Selection> ready_;  // picked by select_leads, handed out from the back
  std::vector<std::string> ready_numbers_;
  std::set<std::int64_t> out_;  // leads handed out, not yet released
  std::int64_t next_refill_ms_ = 0;
  std::int64_t batch_read_ms_ = 0;
  HopperCounters counters_;
};

// The store's attempt outcome names ("busy", "no_answer", ...) as the dialler's dispositions;
// none for outcomes the rules do not count ("interrupted": the attempt never completed).
std::optional<dialler::Disposition> disposition_of(const std::string& outcome);

}  // namespace dialcore::control::campaign
