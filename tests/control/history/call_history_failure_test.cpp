// The call history writer when the database cannot take a write: a full database (SQLITE_FULL)
// and another writer holding the lock (SQLITE_BUSY). The report is accepted, the writer counts
// the error and retries; nothing of it is written meanwhile (one transaction); it is written as
// soon as the database takes it, and a stop whose timeout runs out says what it gave up
// (label control).
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "tests/control/history/history_fixture.hpp"

using namespace dialcore::test;
using history::EndCause;

namespace {
constexpr std::int64_t T0 = 1'800'000'000'000;

history::WriterOptions fast_retries() {
  history::WriterOptions o;
  o.retry_first = std::chrono::milliseconds(2);
  o.retry_max = std::chrono::milliseconds(20);
  return o;
}

void wrapped_call_ready(history::CallHistory& h, const HistoryWorld& w) {
  REQUIRE(h.leg_started(outbound("f1", w, w.leads[0]), T0).ok());
  REQUIRE(h.answered("f1", "a", T0 + 1000).ok());
  REQUIRE(h.bridged("f1", "a", 5, T0 + 1200).ok());
  REQUIRE(h.ended("f1", "a", EndCause::Normal, T0 + 9000).ok());
  REQUIRE(h.flush());
}

void nothing_of_the_wrap(store::Store& s, const HistoryWorld& w) {
  CHECK(*s.dispositions().count({}) == 0);
  CHECK(s.leads().get(w.leads[0])->status == "in_progress");
  CHECK(s.cdrs().list(where("call_id", std::string("f1")))->front().wrap_code.empty());
}

// Waits (bounded, 5 s) until the writer has seen `n` store errors.
bool wait_errors(const history::CallHistory& h, std::uint64_t n) {
  for (int i = 0; i < 500; ++i) {
    if (h.stats().store_errors >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}
}  // namespace

TEST_CASE(
    "a full database: the disposition is retried, none of it written, lost only at a timed-out "
    "stop",
    "[history]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  store::SqliteOptions o;
  o.max_page_count = 70;  // the schema (migrations 1-6) and the seed, then a few pages of leads
  auto s = open_store(path, o);
  auto w = seed_world(*s, 2);
  history::CallHistory h(*s, {}, fast_retries());
  wrapped_call_ready(h, w);
  // Fill the database to its page limit with leads (the writer is idle: flushed).
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
  REQUIRE(h.disposition({"f1", 5, "sale", std::string(20000, 'n'), {}}, T0 + 10000).ok());
  REQUIRE(wait_errors(h, 3));
  CHECK(h.stats().retries >= 2);
  CHECK(h.stats().rejected == 0);
  CHECK(h.stats().queue_depth == 1);
  CHECK_FALSE(h.flush(std::chrono::milliseconds(50)));
  {
    auto reader = open_store(path);  // its own connection: the writer thread owns `s`
    nothing_of_the_wrap(*reader, w);
    CHECK(reader->check_integrity().ok());
  }
  // The process is going away and the disk is still full: the stop gives up after its bound and
  // says what it could not write.
  CHECK_FALSE(h.stop(std::chrono::milliseconds(100)));
  CHECK(h.stats().lost == 1);
  CHECK(h.answered("f1", "a", T0).code() == store::Errc::Invalid);  // stopped: not accepted
}

TEST_CASE("another writer holding the database: Busy is counted and the report goes in after",
          "[history]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  store::SqliteOptions o;
  o.busy_timeout_ms = 20;
  auto s = open_store(path, o);
  auto w = seed_world(*s, 1);
  history::CallHistory h(*s, {}, fast_retries());
  wrapped_call_ready(h, w);
  auto other = open_store(path);
  auto held = other->transaction([&]() -> store::Result<void> {
    store::DncEntry e;
    e.phone = "+15550001";
    if (auto r = other->dnc().create(e, kAdmin); !r) return r;  // takes the write lock
    REQUIRE(h.disposition({"f1", 5, "sale", "", {}}, T0 + 10000).ok());
    CHECK(wait_errors(h, 2));
    nothing_of_the_wrap(*other, w);
    return {};
  });
  REQUIRE(held.ok());
  // Once the other writer is done, the queued report goes through by itself.
  REQUIRE(h.flush());
  CHECK(h.stats().rejected == 0);
  CHECK(h.stats().written == 5);
  CHECK(s->leads().get(w.leads[0])->status == "done");
  CHECK(*s->dispositions().count({}) == 1);
}
