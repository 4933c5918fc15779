// The call history writer when the database cannot take a write: a full database and another
// writer holding the lock. The report fails with a clear error and nothing of it is written
// (one SQLite transaction) (label control).
#include <catch2/catch.hpp>

#include "tests/control/history/history_fixture.hpp"

using namespace dialcore::test;
using history::EndCause;

namespace {
constexpr std::int64_t T0 = 1'800'000'000'000;

void wrapped_call_ready(history::CallHistory& h, const HistoryWorld& w) {
  REQUIRE(h.leg_started(outbound("f1", w, w.leads[0]), T0).ok());
  REQUIRE(h.answered("f1", "a", T0 + 1000).ok());
  REQUIRE(h.bridged("f1", "a", 5, T0 + 1200).ok());
  REQUIRE(h.ended("f1", "a", EndCause::Normal, T0 + 9000).ok());
}

void nothing_of_the_wrap(store::Store& s, const HistoryWorld& w) {
  CHECK(*s.dispositions().count({}) == 0);
  CHECK(s.leads().get(w.leads[0])->status == "in_progress");
  CHECK(s.cdrs().list(where("call_id", std::string("f1")))->front().wrap_code.empty());
}
}  // namespace

TEST_CASE("a full database fails the disposition with Full and writes none of it", "[history]") {
  TempDir dir;
  store::SqliteOptions o;
  o.max_page_count = 60;
  auto s = open_store(dir.file("store.db"), o);
  auto w = seed_world(*s, 2);
  history::CallHistory h(*s);
  wrapped_call_ready(h, w);
  // Fill the database to its page limit with leads.
  int added = 0;
  for (;;) {
    store::Lead filler;
    filler.campaign_id = w.campaign;
    filler.phone1 = "+1555" + std::to_string(added);
    filler.data_json = "{\"pad\":\"" + std::string(300, 'x') + "\"}";
    auto r = s->leads().create(filler, kAdmin);
    if (!r) {
      REQUIRE(r.code() == store::Errc::Full);
      break;
    }
    REQUIRE(++added < 100000);
  }
  // Notes big enough to need pages the database no longer has.
  auto d = h.disposition({"f1", 5, "sale", std::string(20000, 'n'), {}}, T0 + 10000);
  REQUIRE_FALSE(d.ok());
  CHECK(d.code() == store::Errc::Full);
  CHECK_FALSE(d.error().message.empty());
  nothing_of_the_wrap(*s, w);
  CHECK(s->check_integrity().ok());
}

TEST_CASE("another writer holding the database fails the report with Busy", "[history]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  store::SqliteOptions o;
  o.busy_timeout_ms = 50;
  auto s = open_store(path, o);
  auto w = seed_world(*s, 1);
  history::CallHistory h(*s);
  wrapped_call_ready(h, w);
  auto other = open_store(path);
  auto held = other->transaction([&]() -> store::Result<void> {
    store::DncEntry e;
    e.phone = "+15550001";
    if (auto r = other->dnc().create(e, kAdmin); !r) return r;  // takes the write lock
    auto d = h.disposition({"f1", 5, "sale", "", {}}, T0 + 10000);
    CHECK(d.code() == store::Errc::Busy);
    return {};
  });
  REQUIRE(held.ok());
  nothing_of_the_wrap(*s, w);
  // Once the other writer is done, the same report goes through.
  REQUIRE(h.disposition({"f1", 5, "sale", "", {}}, T0 + 11000).ok());
  CHECK(s->leads().get(w.leads[0])->status == "done");
}
