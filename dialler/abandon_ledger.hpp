#pragma once
// Abandonment ledgers of one campaign or drop-rate group: live answers, abandoned calls and
// estimated AMD false positives, counted per minute and summed over the four windows the rules
// use. Abandoned = a live answer not bridged to an agent within abandon_after_s of the end of
// the greeting (it then hears the information message). Times are Unix seconds.
//   US (FCC, 47 CFR 64.1200(a)(7)): abandoned / live answers over 30 days per campaign.
//   UK (Ofcom persistent-misuse policy): (abandoned + estimated AMD false positives) /
//   (live answers + estimated AMD false positives) over 24 h per campaign.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <span>
#include <string>

#include "dialler/civil_time.hpp"

namespace dialcore::dialler {

enum class LedgerWindow : std::uint8_t { Rolling24h, CalendarDay, Rolling30d, CalendarMonth };

struct LedgerCounts {
  double live = 0;  // live answers (bridged or abandoned)
  double abandoned = 0;
  double amd_false_positive_est = 0;
  bool operator==(const LedgerCounts&) const = default;
  double us_rate() const { return live > 0 ? abandoned / live : 0.0; }
  double uk_rate() const {
    const double d = live + amd_false_positive_est;
    return d > 0 ? (abandoned + amd_false_positive_est) / d : 0.0;
  }
};

// What a ledger is rebuilt from after a restart (control/campaign reads them from the store's
// attempts, ledger_rebuild.hpp): each fact at the time it is counted.
enum class LedgerFactKind : std::uint8_t {
  LiveAnswer,  // a live answer bridged to an agent
  Abandon,     // a live answer abandoned (counts as a live answer too)
  AmdMachine,  // an AMD machine verdict (UK mode: adds the false-positive estimate)
};
struct LedgerFact {
  double t_s = 0;
  LedgerFactKind kind = LedgerFactKind::LiveAnswer;
  bool operator==(const LedgerFact&) const = default;
};

class AbandonLedger {
 public:
  // Calendar windows follow the campaign's zone; offset_of(utc_s) gives its UTC offset.
  explicit AbandonLedger(std::function<std::int64_t(std::int64_t)> offset_of = nullptr);

  void record_live_answer(double t_s) { at(t_s).live += 1; }
  void record_abandon(double t_s) { at(t_s).abandoned += 1; }
  // UK mode: an AMD "machine" verdict adds its chance of having been a person.
  void record_amd_false_positive_estimate(double t_s, double expected) {
    at(t_s).amd_false_positive_est += expected;
  }

  // Counts the facts as they happened: each as the record_* call for it (AmdMachine only when
  // `uk`, adding `amd_false_positive` each). For a ledger that starts after a restart.
  void replay(std::span<const LedgerFact> facts, bool uk, double amd_false_positive);

  LedgerCounts counts(LedgerWindow w, double now_s) const;
  // Abandons still allowed in window w before its rate passes cap (negative: over the cap).
  double headroom(LedgerWindow w, double now_s, double cap, bool uk) const;
  // The tightest headroom over all four windows.
  double min_headroom(double now_s, double cap, bool uk) const;
  // Same minutes with the same counts (the zone function is not compared).
  bool operator==(const AbandonLedger& other) const { return minutes_ == other.minutes_; }

 private:
  struct Minute {
    std::int64_t minute;
    LedgerCounts c;
    bool operator==(const Minute&) const = default;
  };
  LedgerCounts& at(double t_s);
  std::int64_t window_start_s(LedgerWindow w, std::int64_t now_s) const;

  std::function<std::int64_t(std::int64_t)> offset_of_;
  std::deque<Minute> minutes_;  // ascending; older than 32 days pruned
};

// Ledgers by campaign or drop-rate group name.
class LedgerBook {
 public:
  AbandonLedger& group(const std::string& name) { return groups_[name]; }
  const std::map<std::string, AbandonLedger>& groups() const { return groups_; }

 private:
  std::map<std::string, AbandonLedger> groups_;
};

}  // namespace dialcore::dialler
