// The store-backed hopper on a real SQLite file (issue 9 deliverable 3, label dialler): which
// leads are due, in what order, what the dialling rules keep back (DNC, retry delay after the
// attempts in the store, calling window in the lead's zone, max attempts, status), and that a
// lead handed out is not handed out again until released.
#include <catch2/catch.hpp>

#include <set>

#include "control/campaign/campaign_settings.hpp"
#include "control/campaign/store_lead_source.hpp"
#include "tests/control/store/store_fixture.hpp"
#include "tests/control/temp_dir.hpp"

using namespace dialcore::test;
namespace campaign = dialcore::control::campaign;
namespace config = dialcore::config;

namespace {

// 2027-01-15 12:00:00 UTC: noon in London, 07:00 in New York (before the 08:00 window),
// 21:00 in Tokyo (after the window's end).
constexpr std::int64_t kNoonMs = 1'800'014'400'000;

struct World {
  std::unique_ptr<store::Store> s;
  std::int64_t campaign = 0;
  std::int64_t other = 0;
};

std::int64_t add_lead(store::Store& s, std::int64_t campaign, const std::string& phone,
                      std::int64_t attempts = 0, const std::string& zone = "Europe/London") {
  store::Lead l;
  l.campaign_id = campaign;
  l.phone1 = phone;
  l.attempts = attempts;
  l.timezone = zone;
  REQUIRE(s.leads().create(l, kAdmin).ok());
  return l.id;
}

World make_world(const TempDir& dir) {
  World w;
  w.s = open_store(dir.file("store.db"));
  store::Campaign c;
  c.name = "Spring";
  c.max_attempts = 3;
  REQUIRE(w.s->campaigns().create(c, kAdmin).ok());
  w.campaign = c.id;
  store::Campaign o;
  o.name = "Other";
  REQUIRE(w.s->campaigns().create(o, kAdmin).ok());
  w.other = o.id;
  return w;
}

campaign::HopperSettings settings(std::int64_t id) {
  config::Campaign c;
  c.max_attempts = 3;
  return campaign::hopper_settings_of(c, id, "Europe/London");
}

std::vector<std::string> drain(campaign::StoreLeadSource& src, std::int64_t now_ms) {
  std::vector<std::string> out;
  while (auto p = src.next(now_ms)) out.push_back(p->number);
  return out;
}

}  // namespace

TEST_CASE("the hopper hands out due leads, fewest attempts first, each once", "[hopper]") {
  TempDir dir;
  World w = make_world(dir);
  add_lead(*w.s, w.campaign, "+447700900002", 2);
  const auto first = add_lead(*w.s, w.campaign, "+447700900000", 0);
  add_lead(*w.s, w.campaign, "+447700900001", 1);
  add_lead(*w.s, w.other, "+447700900099", 0);  // another campaign's
  campaign::StoreLeadSource src(*w.s, settings(w.campaign), campaign::tz_database_offsets());
  const auto got = drain(src, kNoonMs);
  CHECK(got == std::vector<std::string>{"+447700900000", "+447700900001", "+447700900002"});
  CHECK(src.out() == 3);
  // Nothing is handed out twice while out, even after a refill.
  CHECK(drain(src, kNoonMs + 60'000).empty());
  src.release(first);
  CHECK(drain(src, kNoonMs + 120'000) == std::vector<std::string>{"+447700900000"});
}

TEST_CASE("the hopper keeps back what the dialling rules forbid", "[hopper]") {
  TempDir dir;
  World w = make_world(dir);
  const auto ok = add_lead(*w.s, w.campaign, "+447700900010");
  add_lead(*w.s, w.campaign, "+12125550100", 0, "America/New_York");  // 07:00 local
  add_lead(*w.s, w.campaign, "+81355550100", 0, "Asia/Tokyo");        // 21:00 local
  add_lead(*w.s, w.campaign, "+447700900011", 3);                      // max attempts
  add_lead(*w.s, w.campaign, "+447700900666");                          // DNC
  store::DncEntry dnc;
  dnc.phone = "+447700900666";
  REQUIRE(w.s->dnc().create(dnc, kAdmin).ok());
  // Busy 5 minutes ago (retry after 10), no answer 2 hours ago (retry after 1 h).
  const auto busy = add_lead(*w.s, w.campaign, "+447700900012", 1);
  const auto noans = add_lead(*w.s, w.campaign, "+447700900013", 1);
  for (auto [lead, phone, outcome, ago_ms] :
       {std::tuple{busy, "+447700900012", "busy", 5 * 60'000},
        std::tuple{noans, "+447700900013", "no_answer", 2 * 3600'000}}) {
    store::Attempt a;
    a.lead_id = lead;
    a.campaign_id = w.campaign;
    a.phone = phone;
    a.started_at_ms = kNoonMs - ago_ms;
    a.outcome = outcome;
    REQUIRE(w.s->attempts().create(a, kAdmin).ok());
  }
  // Not due yet by the lead's own next_call_at_ms; done.
  auto later = add_lead(*w.s, w.campaign, "+447700900014");
  auto l = *w.s->leads().get(later);
  l.next_call_at_ms = kNoonMs + 3600'000;
  REQUIRE(w.s->leads().update(l, kAdmin).ok());
  auto done = *w.s->leads().get(add_lead(*w.s, w.campaign, "+447700900015"));
  done.status = "done";
  REQUIRE(w.s->leads().update(done, kAdmin).ok());

  campaign::StoreLeadSource src(*w.s, settings(w.campaign), campaign::tz_database_offsets());
  const auto got = drain(src, kNoonMs);
  const std::set<std::string> set(got.begin(), got.end());
  CHECK(set == std::set<std::string>{"+447700900010", "+447700900013"});
  CHECK(got.size() == set.size());
  (void)ok;
  // Two hours later New York is in its window and the busy retry delay has passed.
  src.release(ok);
  const auto later_got = drain(src, kNoonMs + 2 * 3600'000);
  const std::set<std::string> later_set(later_got.begin(), later_got.end());
  CHECK(later_set.count("+12125550100") == 1);
  CHECK(later_set.count("+447700900012") == 1);
  CHECK(later_set.count("+447700900014") == 1);  // its next_call_at_ms has come
  CHECK(later_set.count("+81355550100") == 0);    // 23:00 in Tokyo
  CHECK(later_set.count("+447700900666") == 0);
  CHECK(later_set.count("+447700900011") == 0);
  CHECK(later_set.count("+447700900015") == 0);
}

TEST_CASE("an empty hopper asks the store at most once per refill interval", "[hopper]") {
  TempDir dir;
  World w = make_world(dir);
  campaign::StoreLeadSource src(*w.s, settings(w.campaign), campaign::tz_database_offsets());
  CHECK(!src.next(kNoonMs));
  CHECK(!src.next(kNoonMs + 10));
  CHECK(!src.next(kNoonMs + 999));
  CHECK(src.counters().refills == 1);
  add_lead(*w.s, w.campaign, "+447700900020");
  CHECK(src.next(kNoonMs + 1000));
  CHECK(src.counters().refills == 2);
}
