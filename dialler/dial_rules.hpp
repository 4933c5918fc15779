#pragma once
// Whether a number may be dialled now: DNC, completion, max attempts, retry delay per outcome,
// the 72 h lockout after an abandoned call, AMD-flagged numbers re-called within 24 h only with
// an agent reserved, and calling windows in the lead's local time (zone lookup injected, so DST
// changes are the tz database's). Pure functions over in-memory state; times are Unix seconds.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "dialler/civil_time.hpp"

namespace dialcore::dialler {

enum class Disposition : std::uint8_t { NoAnswer, Busy, Machine, Invalid, Abandoned, Answered };

struct Attempt {
  std::int64_t at_s = 0;
  Disposition outcome = Disposition::NoAnswer;
};

struct PhoneNumber {
  std::string e164;
  std::string zone;    // IANA zone of the number, e.g. "America/New_York"
  std::string region;  // key into the per-region calling windows, e.g. "US-FL"; "" = default
  std::vector<Attempt> attempts;
  bool complete = false;  // "complete phone number" disposition
};

// Local minutes after midnight [start, end).
struct CallingWindow {
  int start_min = 8 * 60;
  int end_min = 21 * 60;
};

struct DialRules {
  CallingWindow default_window;                    // US default 08:00-21:00
  std::map<std::string, CallingWindow> by_region;  // e.g. stricter state rules
  int max_attempts = 6;
  std::map<Disposition, std::int64_t> retry_delay_s = {{Disposition::NoAnswer, 3600},
                                                       {Disposition::Busy, 600},
                                                       {Disposition::Machine, 4 * 3600},
                                                       {Disposition::Abandoned, 72 * 3600},
                                                       {Disposition::Answered, 24 * 3600}};
  // Invalid numbers are never retried (absent from retry_delay_s).
  std::int64_t abandon_lockout_s = 72 * 3600;
  std::int64_t amd_recall_window_s = 24 * 3600;
};

class DncList {
 public:
  void add(const std::string& e164) { numbers_.insert(e164); }
  bool contains(const std::string& e164) const { return numbers_.count(e164) != 0; }

 private:
  std::unordered_set<std::string> numbers_;
};

enum class Verdict : std::uint8_t {
  Ok,
  Dnc,
  Complete,
  MaxAttempts,
  NeverRetry,
  RetryDelay,
  AbandonLockout,
  AmdNeedsAgent,
  OutsideWindow
};
const char* to_string(Verdict v);

// agent_reserved: an agent is held for this call (preview/progressive), as AMD re-calls need.
Verdict check_number(const DialRules& rules, const DncList& dnc, const PhoneNumber& n,
                     std::int64_t now_s, const ZoneOffsetFn& zone_offset, bool agent_reserved);

// Local minutes after midnight of the number at now_s.
int local_minute(const PhoneNumber& n, std::int64_t now_s, const ZoneOffsetFn& zone_offset);

// Caller ID: the agent's if set, else the campaign's, else the organisation's.
std::string choose_cli(const std::optional<std::string>& agent,
                       const std::optional<std::string>& campaign, const std::string& organisation);

}  // namespace dialcore::dialler
