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

HopperQuery query(std::int64_t now_s, std::size_t max, std::optional<std::uint32_t> agent,
                  bool reserved) {
  HopperQuery q;
  q.now_s = now_s;
  q.max = max;
  q.agent_id = agent;
  q.agent_reserved = reserved;
  return q;
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
  HopperQuery q = query(kNow, 10, std::nullopt, false);
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
  HopperQuery other = query(kNow, 5, 7u, false);
  auto s = select_leads(leads, r, dnc, utc_zone, other);
  REQUIRE(ids(s) == std::vector<std::uint64_t>{2});
  CHECK(s[0].number_index == 1);
  HopperQuery mine = query(kNow, 5, 42u, false);
  CHECK(ids(select_leads(leads, r, dnc, utc_zone, mine)) == std::vector<std::uint64_t>{1, 2});
  HopperQuery one = query(kNow, 1, 42u, false);
  CHECK(select_leads(leads, r, dnc, utc_zone, one).size() == 1);
}

TEST_CASE("per-number completion: a completed number is skipped, the lead goes on to its next") {
  DialRules r;
  DncList dnc;
  auto l = lead(1, 0, 0);
  l.numbers.push_back({"+1200", "UTC", "", {}, false});  // home
  l.numbers.push_back({"+1300", "UTC", "", {}, false});  // work
  std::vector<LeadCandidate> leads{l};
  HopperQuery q = query(kNow, 5, std::nullopt, false);
  REQUIRE(select_leads(leads, r, dnc, utc_zone, q).at(0).number_index == 0);
  // "Complete phone number" on the mobile: the home number is next, at once (no retry delay
  // applies to another number).
  CHECK(record_call(leads[0], 0, {kNow, Disposition::Answered}, AfterCall::CompleteNumber));
  REQUIRE(select_leads(leads, r, dnc, utc_zone, q).at(0).number_index == 1);
  CHECK_FALSE(lead_complete(leads[0]));
  // A no answer keeps the home number in rotation but behind its retry delay: work is next.
  CHECK(record_call(leads[0], 1, {kNow, Disposition::NoAnswer}, AfterCall::KeepNumber));
  REQUIRE(select_leads(leads, r, dnc, utc_zone, q).at(0).number_index == 2);
  CHECK(leads[0].numbers[1].attempts.size() == 1);
  CHECK_FALSE(leads[0].numbers[1].complete);
  // An hour later the home number is dialable again and comes first again.
  HopperQuery later = query(kNow + 3600, 5, std::nullopt, false);
  CHECK(select_leads(leads, r, dnc, utc_zone, later).at(0).number_index == 1);
  // Completing the lead completes every number: nothing is selected any more.
  CHECK(record_call(leads[0], 2, {kNow, Disposition::Answered}, AfterCall::CompleteLead));
  CHECK(lead_complete(leads[0]));
  CHECK(select_leads(leads, r, dnc, utc_zone, later).empty());
  // A number the lead does not have is refused and changes nothing.
  CHECK_FALSE(record_call(leads[0], 3, {kNow, Disposition::Answered}, AfterCall::KeepNumber));
}

TEST_CASE("wrap and continue with lead: the agent's lead comes first with its next number") {
  DialRules r;
  DncList dnc;
  std::vector<LeadCandidate> leads;
  leads.push_back(lead(1, 9, 0));  // high priority: first otherwise
  auto mine = lead(2, 0, 1);
  mine.numbers.push_back({"+1222", "UTC", "", {}, false});
  mine.numbers.push_back({"+1333", "UTC", "", {}, false});
  leads.push_back(mine);
  HopperQuery q = query(kNow, 2, 5u, false);
  q.continue_lead_id = 2;
  q.continue_after_number = 0;
  auto s = select_leads(leads, r, dnc, utc_zone, q);
  REQUIRE(ids(s) == std::vector<std::uint64_t>{2, 1});
  CHECK(s[0].number_index == 1);
  CHECK(s[0].preview);  // the agent stays with the lead: presented in preview
  // After the work number the search wraps round to the first dialable: the mobile.
  q.continue_after_number = 2;
  s = select_leads(leads, r, dnc, utc_zone, q);
  CHECK(s.at(0).number_index == 0);
  // Nothing left to dial on the lead: it is not offered at all, the queue goes on.
  for (auto& n : leads[1].numbers) n.complete = true;
  CHECK(ids(select_leads(leads, r, dnc, utc_zone, q)) == std::vector<std::uint64_t>{1});
}
