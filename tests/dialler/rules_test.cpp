#include <catch2/catch.hpp>

#include <date/tz.h>

#include <chrono>

#include "dialler/dial_rules.hpp"

using namespace dialcore::dialler;

namespace {

// The real tz database (Debian's libhowardhinnant-date over /usr/share/zoneinfo).
std::int64_t tz_offset(const std::string& zone, std::int64_t utc_s) {
  const auto info =
      date::locate_zone(zone)->get_info(date::sys_seconds{std::chrono::seconds{utc_s}});
  return info.offset.count();
}

std::int64_t utc(int y, unsigned m, unsigned d, int hh, int mm) {
  return (civil::days_from_civil({y, m, d}) * 86400) + hh * 3600 + mm * 60;
}

PhoneNumber ny(std::vector<Attempt> attempts = {}) {
  return PhoneNumber{"+12125550100", "America/New_York", "", std::move(attempts), false};
}

const DncList kNoDnc;

}  // namespace

TEST_CASE("calling window follows the lead's local time across the US spring-forward change") {
  DialRules r;
  // 2026-03-08 is the DST change in New York: 12:30 UTC is 08:30 EDT that day...
  CHECK(check_number(r, kNoDnc, ny(), utc(2026, 3, 8, 12, 30), tz_offset, false) == Verdict::Ok);
  // ...while the day before 12:30 UTC is 07:30 EST.
  CHECK(check_number(r, kNoDnc, ny(), utc(2026, 3, 7, 12, 30), tz_offset, false) ==
        Verdict::OutsideWindow);
  // The end of the window: 20:59 local allowed, 21:00 not (EDT: UTC-4).
  CHECK(check_number(r, kNoDnc, ny(), utc(2026, 3, 9, 0, 59), tz_offset, false) == Verdict::Ok);
  CHECK(check_number(r, kNoDnc, ny(), utc(2026, 3, 9, 1, 0), tz_offset, false) ==
        Verdict::OutsideWindow);
}

TEST_CASE("calling window across the autumn change and per-region rules") {
  DialRules r;
  r.by_region["UK"] = CallingWindow{9 * 60, 20 * 60};
  PhoneNumber uk{"+447700900123", "Europe/London", "UK", {}, false};
  // 2026-10-25: BST ends. 08:30 UTC is 09:30 BST on the 24th, 08:30 GMT on the 25th.
  CHECK(check_number(r, kNoDnc, uk, utc(2026, 10, 24, 8, 30), tz_offset, false) == Verdict::Ok);
  CHECK(check_number(r, kNoDnc, uk, utc(2026, 10, 25, 8, 30), tz_offset, false) ==
        Verdict::OutsideWindow);
  // The same instant in the US default window (04:30 in New York) is outside too; 13:00 UTC in
  // New York (09:00 EDT) is inside the default window but 08:00 would not be.
  CHECK(local_minute(ny(), utc(2026, 10, 24, 13, 0), tz_offset) == 9 * 60);
}

TEST_CASE("DNC, completion and max attempts") {
  DialRules r;
  r.max_attempts = 2;
  DncList dnc;
  dnc.add("+12125550100");
  const auto t = utc(2026, 6, 1, 16, 0);
  CHECK(check_number(r, dnc, ny(), t, tz_offset, false) == Verdict::Dnc);
  PhoneNumber done = ny();
  done.complete = true;
  CHECK(check_number(r, kNoDnc, done, t, tz_offset, false) == Verdict::Complete);
  const auto many = ny({{t - 90000, Disposition::NoAnswer}, {t - 86400, Disposition::NoAnswer}});
  CHECK(check_number(r, kNoDnc, many, t, tz_offset, false) == Verdict::MaxAttempts);
}

TEST_CASE("retry delays per outcome and invalid numbers never retried") {
  DialRules r;
  const auto t = utc(2026, 6, 1, 16, 0);
  CHECK(check_number(r, kNoDnc, ny({{t - 599, Disposition::Busy}}), t, tz_offset, false) ==
        Verdict::RetryDelay);
  CHECK(check_number(r, kNoDnc, ny({{t - 600, Disposition::Busy}}), t, tz_offset, false) ==
        Verdict::Ok);
  CHECK(check_number(r, kNoDnc, ny({{t - 1800, Disposition::NoAnswer}}), t, tz_offset, false) ==
        Verdict::RetryDelay);
  CHECK(check_number(r, kNoDnc, ny({{t - 3600, Disposition::NoAnswer}}), t, tz_offset, false) ==
        Verdict::Ok);
  CHECK(check_number(r, kNoDnc, ny({{t - 99 * 86400, Disposition::Invalid}}), t, tz_offset,
                     false) == Verdict::NeverRetry);
}

TEST_CASE("no redial within 72 h of an abandoned call, even after a later attempt") {
  DialRules r;
  const auto t = utc(2026, 6, 4, 16, 0);
  const auto ab = t - 72 * 3600 + 60;
  CHECK(check_number(r, kNoDnc, ny({{ab, Disposition::Abandoned}}), t, tz_offset, false) ==
        Verdict::AbandonLockout);
  CHECK(check_number(r, kNoDnc, ny({{ab, Disposition::Abandoned}}), t + 60, tz_offset, false) ==
        Verdict::Ok);
  // A manual attempt after the abandon does not reset the lockout.
  r.retry_delay_s[Disposition::NoAnswer] = 0;
  CHECK(check_number(r, kNoDnc,
                     ny({{ab, Disposition::Abandoned}, {t - 3600, Disposition::NoAnswer}}), t,
                     tz_offset, true) == Verdict::AbandonLockout);
}

TEST_CASE("AMD-flagged numbers are re-called within 24 h only with an agent reserved") {
  DialRules r;
  r.retry_delay_s[Disposition::Machine] = 3600;
  const auto t = utc(2026, 6, 1, 18, 0);
  const auto n = ny({{t - 2 * 3600, Disposition::Machine}});
  CHECK(check_number(r, kNoDnc, n, t, tz_offset, false) == Verdict::AmdNeedsAgent);
  CHECK(check_number(r, kNoDnc, n, t, tz_offset, true) == Verdict::Ok);
  const auto old = ny({{t - 25 * 3600, Disposition::Machine}});
  CHECK(check_number(r, kNoDnc, old, t, tz_offset, false) == Verdict::Ok);
}

TEST_CASE("caller ID: agent over campaign over organisation") {
  CHECK(choose_cli("+441", "+442", "+443") == "+441");
  CHECK(choose_cli(std::nullopt, "+442", "+443") == "+442");
  CHECK(choose_cli(std::string{}, std::nullopt, "+443") == "+443");
}
