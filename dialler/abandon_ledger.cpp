#include "dialler/abandon_ledger.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dialcore::dialler {

namespace {
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kKeepMinutes = 32 * 24 * 60;
}  // namespace

AbandonLedger::AbandonLedger(std::function<std::int64_t(std::int64_t)> offset_of)
    : offset_of_(std::move(offset_of)) {}

LedgerCounts& AbandonLedger::at(double t_s) {
  const auto minute = civil::floor_div(static_cast<std::int64_t>(std::floor(t_s)), 60);
  if (minutes_.empty() || minutes_.back().minute < minute) {
    minutes_.push_back({minute, {}});
    while (minutes_.front().minute < minute - kKeepMinutes) minutes_.pop_front();
    return minutes_.back().c;
  }
  // Late event (clock order is the caller's; tolerate small reordering).
  auto it = std::lower_bound(minutes_.begin(), minutes_.end(), minute,
                             [](const Minute& m, std::int64_t v) { return m.minute < v; });
  if (it == minutes_.end() || it->minute != minute) it = minutes_.insert(it, {minute, {}});
  return it->c;
}

std::int64_t AbandonLedger::window_start_s(LedgerWindow w, std::int64_t now) const {
  const std::int64_t off = offset_of_ ? offset_of_(now) : 0;
  const std::int64_t local_day = civil::floor_div(now + off, kDay);
  switch (w) {
    case LedgerWindow::Rolling24h: return now - kDay;
    case LedgerWindow::Rolling30d: return now - 30 * kDay;
    case LedgerWindow::CalendarDay: {
      // Local midnight in UTC, with the offset in force at that midnight (DST changes at 02:00).
      const std::int64_t guess = local_day * kDay - off;
      return local_day * kDay - (offset_of_ ? offset_of_(guess) : 0);
    }
    case LedgerWindow::CalendarMonth: {
      CivilDate d = civil::civil_from_days(local_day);
      d.day = 1;
      const std::int64_t first = civil::days_from_civil(d) * kDay;
      return first - (offset_of_ ? offset_of_(first - off) : 0);
    }
  }
  return now;
}

void AbandonLedger::replay(std::span<const LedgerFact> facts, bool uk, double amd_false_positive) {
  for (const LedgerFact& f : facts) {
    switch (f.kind) {
      case LedgerFactKind::LiveAnswer: record_live_answer(f.t_s); break;
      case LedgerFactKind::Abandon:
        record_live_answer(f.t_s);
        record_abandon(f.t_s);
        break;
      case LedgerFactKind::AmdMachine:
        if (uk) record_amd_false_positive_estimate(f.t_s, amd_false_positive);
        break;
    }
  }
}

LedgerCounts AbandonLedger::counts(LedgerWindow w, double now_s) const {
  const auto now = static_cast<std::int64_t>(std::floor(now_s));
  const std::int64_t from_minute = civil::floor_div(window_start_s(w, now), 60);
  const std::int64_t to_minute = civil::floor_div(now, 60);
  LedgerCounts sum;
  for (auto it = minutes_.rbegin(); it != minutes_.rend() && it->minute >= from_minute; ++it) {
    if (it->minute > to_minute) continue;
    sum.live += it->c.live;
    sum.abandoned += it->c.abandoned;
    sum.amd_false_positive_est += it->c.amd_false_positive_est;
  }
  return sum;
}

double AbandonLedger::headroom(LedgerWindow w, double now_s, double cap, bool uk) const {
  const LedgerCounts c = counts(w, now_s);
  // Largest extra abandons x with (a + x [+ fp]) / (live + x [+ fp]) <= cap.
  const double fp = uk ? c.amd_false_positive_est : 0.0;
  return (cap * (c.live + fp) - (c.abandoned + fp)) / (1 - cap);
}

double AbandonLedger::min_headroom(double now_s, double cap, bool uk) const {
  double h = std::numeric_limits<double>::infinity();
  for (auto w : {LedgerWindow::Rolling24h, LedgerWindow::CalendarDay, LedgerWindow::Rolling30d,
                 LedgerWindow::CalendarMonth})
    h = std::min(h, headroom(w, now_s, cap, uk));
  return h;
}

}  // namespace dialcore::dialler
