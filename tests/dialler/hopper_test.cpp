#include <catch2/catch.hpp>

#include "dialler/hopper.hpp"

using namespace dialcore::dialler;

namespace {

// Everyone in UTC; 2026-06-01 12:00 UTC is inside the default window.
constexpr std::int64_t kNow = 1780315200;
std::int64_t utc_zone(const std::string&, std::int64_t) { return 0; }

LeadCandidate lead(std::uint64_t id, int priority, std::uint64_t seq,
                   std::vector<Attempt> attempts = {}) {
  LeadCandidate l;
  l.lead_id = id;
  l.priority = priority;
  l.load_seq = seq;
  l.numbers.push_back({"+1" + std::to_string(id), "UTC", "", std::move(attempts), false});
  return l;
}

std::vector<std::uint64_t> ids(const std::vector<Selection>& s) {
  std::vector<std::uint64_t> out;
  for (const auto& x : s) out.push_back(x.lead_id);
  return out;
}

}  // namespace

TEST_CASE(
    "hopper order: due callbacks, then priority, fewer attempts, oldest attempt, load order") {
  DialRules r;
  DncList dnc;
  std::vector<LeadCandidate> leads;
  leads.push_back(lead(1, 0, 1));
  leads.push_back(lead(2, 5, 2));
  leads.push_back(lead(3, 0, 0));
  leads.push_back(lead(4, 0, 3, {{kNow - 7200, Disposition::NoAnswer}}));
  leads.push_back(lead(5, 0, 4, {{kNow - 9000, Disposition::NoAnswer}}));
  auto cb_late = lead(6, 0, 5);
  cb_late.callback = Callback{kNow - 60, std::nullopt};
  leads.push_back(cb_late);
  auto cb_early = lead(7, 0, 6);
  cb_early.callback = Callback{kNow - 600, std::nullopt};
  leads.push_back(cb_early);
  auto cb_future = lead(8, 9, 7);
  cb_future.callback = Callback{kNow + 600, std::nullopt};
  leads.push_back(cb_future);
  HopperQuery q{kNow, 10, std::nullopt, false};
  const auto s = select_leads(leads, r, dnc, utc_zone, q);
  CHECK(ids(s) == std::vector<std::uint64_t>{7, 6, 2, 3, 1, 5, 4});
  CHECK(s[0].preview);
  CHECK_FALSE(s[2].preview);
}

TEST_CASE("hopper offers personal callbacks only to their agent and skips undialable numbers") {
  DialRules r;
  DncList dnc;
  std::vector<LeadCandidate> leads;
  auto personal = lead(1, 0, 0);
  personal.callback = Callback{kNow - 10, 42u};
  leads.push_back(personal);
  auto multi = lead(2, 0, 1);
  dnc.add(multi.numbers[0].e164);
  multi.numbers.push_back({"+1999", "UTC", "", {}, false});  // second number (home)
  leads.push_back(multi);
  HopperQuery other{kNow, 5, 7u, false};
  auto s = select_leads(leads, r, dnc, utc_zone, other);
  REQUIRE(ids(s) == std::vector<std::uint64_t>{2});
  CHECK(s[0].number_index == 1);
  HopperQuery mine{kNow, 5, 42u, false};
  CHECK(ids(select_leads(leads, r, dnc, utc_zone, mine)) == std::vector<std::uint64_t>{1, 2});
  HopperQuery one{kNow, 1, 42u, false};
  CHECK(select_leads(leads, r, dnc, utc_zone, one).size() == 1);
}
