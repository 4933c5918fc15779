#include <catch2/catch.hpp>

#include <vector>

#include "dialler/abandon_ledger.hpp"

using namespace dialcore::dialler;

namespace {
// 2026-03-15 00:00:00 UTC
constexpr double kMid = 1773532800.0;
constexpr double kHour = 3600, kDay = 86400;
}  // namespace

TEST_CASE("ledger rolling 24 h drops what is older than a day") {
  AbandonLedger l;
  l.record_live_answer(kMid + 1 * kHour);
  l.record_abandon(kMid + 1 * kHour);
  for (int i = 0; i < 9; ++i) l.record_live_answer(kMid + 20 * kHour);
  auto c = l.counts(LedgerWindow::Rolling24h, kMid + 24 * kHour);
  CHECK(c.live == 10);
  CHECK(c.abandoned == 1);
  c = l.counts(LedgerWindow::Rolling24h, kMid + 25.5 * kHour);
  CHECK(c.live == 9);
  CHECK(c.abandoned == 0);
}

TEST_CASE("ledger calendar day resets at local midnight of the campaign's zone") {
  // UTC-5 campaign: local midnight is 05:00 UTC.
  AbandonLedger l([](std::int64_t) { return std::int64_t{-5 * 3600}; });
  l.record_live_answer(kMid + 4 * kHour);  // 23:00 local, previous day
  l.record_abandon(kMid + 4 * kHour);
  l.record_live_answer(kMid + 6 * kHour);  // 01:00 local
  const auto c = l.counts(LedgerWindow::CalendarDay, kMid + 7 * kHour);
  CHECK(c.live == 1);
  CHECK(c.abandoned == 0);
  CHECK(l.counts(LedgerWindow::Rolling24h, kMid + 7 * kHour).abandoned == 1);
}

TEST_CASE("ledger rolling 30 days and calendar month") {
  AbandonLedger l;
  l.record_live_answer(kMid - 20 * kDay);  // 2026-02-23: inside 30 days, outside March
  l.record_abandon(kMid - 20 * kDay);
  l.record_live_answer(kMid - 31 * kDay);  // outside both (and soon pruned)
  for (int i = 0; i < 3; ++i) l.record_live_answer(kMid + kHour);
  const double now = kMid + 2 * kHour;
  const auto d30 = l.counts(LedgerWindow::Rolling30d, now);
  CHECK(d30.live == 4);
  CHECK(d30.abandoned == 1);
  CHECK(d30.us_rate() == Approx(0.25).margin(1e-12));
  const auto month = l.counts(LedgerWindow::CalendarMonth, now);
  CHECK(month.live == 3);
  CHECK(month.abandoned == 0);
}

TEST_CASE("ledger UK formula counts estimated AMD false positives on both sides") {
  AbandonLedger l;
  for (int i = 0; i < 97; ++i) l.record_live_answer(kMid + i);
  l.record_abandon(kMid + 100);
  l.record_live_answer(kMid + 100);
  for (int i = 0; i < 20; ++i) l.record_amd_false_positive_estimate(kMid + 200 + i, 0.1);
  const auto c = l.counts(LedgerWindow::Rolling24h, kMid + 3600);
  CHECK(c.us_rate() == Approx(1.0 / 98).margin(1e-12));
  CHECK(c.uk_rate() == Approx((1.0 + 2.0) / (98 + 2.0)).margin(1e-9));
}

TEST_CASE("ledger headroom is the abandons left before the cap, tightest window wins") {
  AbandonLedger l;
  for (int i = 0; i < 100; ++i) l.record_live_answer(kMid + i);
  l.record_abandon(kMid + 50);  // 1 % so far (the abandon is one of the 100 live answers)
  // (1 + x) / (100 + x) <= 0.03  ->  x <= 2 / 0.97
  CHECK(l.headroom(LedgerWindow::CalendarDay, kMid + 3600, 0.03, false) ==
        Approx(2.0 / 0.97).margin(1e-9));
  // Yesterday's abandons make the rolling 24 h tighter than the fresh calendar day.
  AbandonLedger m;
  for (int i = 0; i < 3; ++i) {
    m.record_live_answer(kMid - kHour);
    m.record_abandon(kMid - kHour);
  }
  for (int i = 0; i < 100; ++i) m.record_live_answer(kMid + kHour);
  CHECK(m.headroom(LedgerWindow::CalendarDay, kMid + 2 * kHour, 0.03, false) > 3);
  CHECK(m.min_headroom(kMid + 2 * kHour, 0.03, false) < 0.1);
}

TEST_CASE("ledger replay counts facts as the record calls do, AMD estimates in UK mode only") {
  const std::vector<LedgerFact> facts{{kMid + 10, LedgerFactKind::LiveAnswer},
                                      {kMid + 70, LedgerFactKind::Abandon},
                                      {kMid + 75, LedgerFactKind::AmdMachine},
                                      {kMid + 2 * kDay, LedgerFactKind::LiveAnswer}};
  AbandonLedger recorded;
  recorded.record_live_answer(kMid + 10);
  recorded.record_live_answer(kMid + 70);
  recorded.record_abandon(kMid + 70);
  recorded.record_amd_false_positive_estimate(kMid + 75, 0.05);
  recorded.record_live_answer(kMid + 2 * kDay);
  AbandonLedger uk;
  uk.replay(facts, true, 0.05);
  CHECK(uk == recorded);
  AbandonLedger us;
  us.replay(facts, false, 0.05);
  CHECK_FALSE(us == recorded);
  const auto c = us.counts(LedgerWindow::Rolling30d, kMid + 3 * kDay);
  CHECK(c.live == 3);
  CHECK(c.abandoned == 1);
  CHECK(c.amd_false_positive_est == 0);
  CHECK(uk.counts(LedgerWindow::Rolling30d, kMid + 3 * kDay).amd_false_positive_est ==
        Approx(0.05));
}
