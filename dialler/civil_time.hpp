#pragma once
// Calendar arithmetic on Unix seconds (proleptic Gregorian, Howard Hinnant's days_from_civil
// algorithm) and the injected time-zone lookup the dialler uses for local time. The dialler
// never reads the tz database itself: the caller supplies the UTC offset of a zone at an instant
// (control/ and the tests use Debian's libhowardhinnant-date tz over /usr/share/zoneinfo).

#include <cstdint>
#include <functional>
#include <string>

namespace dialcore::dialler {

// UTC offset in seconds of `zone` at UTC instant `utc_s` (DST included).
using ZoneOffsetFn = std::function<std::int64_t(const std::string& zone, std::int64_t utc_s)>;

struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

namespace civil {
std::int64_t days_from_civil(CivilDate d);
CivilDate civil_from_days(std::int64_t days);
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
}  // namespace civil

}  // namespace dialcore::dialler
