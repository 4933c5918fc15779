// The call history's writer thread (label control): reports leave the caller at once and are
// group-committed in order; a full queue never drops a report; a failing store (injected disk
// full) is counted and retried until it takes the rows; stop() drains everything.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

#include "tests/control/history/faulty_store.hpp"
#include "tests/control/history/history_fixture.hpp"

using namespace dialcore::test;
using history::EndCause;

namespace {
constexpr std::int64_t T0 = 1'800'000'000'000;

std::string call_name(int i) {
  std::string s = "w";
  s += std::to_string(i);
  return s;
}

// Five reports per call: start, answer, bridge, end, wrap.
void queue_call(history::CallHistory& h, const HistoryWorld& w, int i) {
  const std::string call = call_name(i);
  const std::int64_t t = T0 + i * 10'000;
  REQUIRE(h.leg_started(outbound(call, w, w.leads[static_cast<std::size_t>(i)]), t).ok());
  REQUIRE(h.answered(call, "a", t + 1000).ok());
  REQUIRE(h.bridged(call, "a", 4, t + 1500).ok());
  REQUIRE(h.ended(call, "a", EndCause::Normal, t + 5000).ok());
  REQUIRE(h.disposition({call, 4, i % 2 ? "sale" : "later", "", {}}, t + 6000).ok());
}

// Every call's rows are there, in the order they were reported.
void all_calls_written(store::Store& s, int calls) {
  CHECK(*s.cdrs().count({}) == calls);
  CHECK(*s.dispositions().count({}) == calls);
  CHECK(*s.leads().count(where("status", std::string("in_progress"))) == 0);
  for (int i = 0; i < calls; i += 7) {
    auto cdr = s.cdrs().list(where("call_id", call_name(i)));
    REQUIRE(cdr->size() == 1);
    CHECK(event_types(cdr->front()) ==
          std::vector<std::string>{"start", "answer", "bridge", "end", "wrap"});
  }
}

history::WriterOptions fast_retries(history::WriterOptions o = {}) {
  o.retry_first = std::chrono::milliseconds(1);
  o.retry_max = std::chrono::milliseconds(10);
  return o;
}
}  // namespace

TEST_CASE("reports are group-committed in order and stop() drains them all", "[history][writer]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  constexpr int kCalls = 400;
  HistoryWorld w;
  {
    auto real = open_store(path);
    w = seed_world(*real, kCalls);
    FaultyStore slow(*real);
    slow.delay = std::chrono::microseconds(2000);  // each transaction costs 2 ms more
    history::CallHistory h(slow);
    for (int i = 0; i < kCalls; ++i) queue_call(h, w, i);
    // The caller never waited for the disk: most of it is still queued or being written.
    // (A generous bound: 2,000 reports take > 10 s in a loaded ASan build.)
    REQUIRE(h.stop(std::chrono::seconds(120)));
    const auto st = h.stats();
    CHECK(st.accepted == 5 * kCalls);
    CHECK(st.written == 5 * kCalls);
    CHECK(st.rejected == 0);
    CHECK(st.lost == 0);
    CHECK(st.queue_depth == 0);
    CHECK(st.batches < st.written / 4);  // grouped, not one transaction per report
    CHECK(st.max_queue_depth > 256);
    std::printf("writer: %llu reports in %llu transactions, queue depth up to %llu\n",
                static_cast<unsigned long long>(st.written),
                static_cast<unsigned long long>(st.batches),
                static_cast<unsigned long long>(st.max_queue_depth));
  }
  auto s = open_store(path);  // a new connection on the same file
  all_calls_written(*s, kCalls);
}

TEST_CASE("a full queue makes the caller wait a bounded time and drops nothing",
          "[history][writer]") {
  TempDir dir;
  auto real = open_store(dir.file("store.db"));
  constexpr int kCalls = 40;
  auto w = seed_world(*real, kCalls);
  FaultyStore store(*real);
  store.failing = true;  // nothing can be written: the queue fills
  history::WriterOptions o = fast_retries();
  o.queue_capacity = 16;
  o.max_batch = 8;
  o.full_wait = std::chrono::milliseconds(1);
  history::CallHistory h(store, {}, o);
  const auto before = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) queue_call(h, w, i);
  const auto waited = std::chrono::steady_clock::now() - before;
  auto st = h.stats();
  CHECK(st.accepted == 5 * kCalls);
  CHECK(st.full_waits > 0);
  CHECK(st.over_capacity > 0);
  CHECK(st.queue_depth == 5 * kCalls);  // all kept, past the bound
  CHECK(st.written == 0);
  // Each report waited at most full_wait (1 ms): 200 reports, far below a second even loaded.
  CHECK(waited < std::chrono::seconds(5));
  store.failing = false;  // space comes back
  REQUIRE(h.flush());
  st = h.stats();
  CHECK(st.written == 5 * kCalls);
  CHECK(st.store_errors > 0);
  CHECK(st.lost == 0);
  REQUIRE(h.stop());
  all_calls_written(*real, kCalls);
}

TEST_CASE("an injected disk-full is counted and retried until the rows are in",
          "[history][writer]") {
  TempDir dir;
  auto real = open_store(dir.file("store.db"));
  auto w = seed_world(*real, 10);
  FaultyStore store(*real);
  history::CallHistory h(store, {}, fast_retries());
  queue_call(h, w, 0);
  REQUIRE(h.flush());
  store.failing = true;
  for (int i = 1; i < 10; ++i) queue_call(h, w, i);
  for (int n = 0; n < 500 && h.stats().retries < 5; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(h.stats().retries >= 5);
  CHECK(h.stats().store_errors >= 5);
  CHECK_FALSE(h.flush(std::chrono::milliseconds(20)));
  CHECK(h.stats().written == 5);
  store.failing = false;
  REQUIRE(h.flush());
  CHECK(h.stats().written == 50);
  REQUIRE(h.stop());
  all_calls_written(*real, 10);
}

TEST_CASE("a refused report is left out of its batch and the rest is written",
          "[history][writer]") {
  TempDir dir;
  auto s = open_store(dir.file("store.db"));
  auto w = seed_world(*s, 3);
  RejectLog rejects;
  history::WriterOptions o = rejects.options();
  o.max_batch = 64;
  history::CallHistory h(*s, {}, o);
  {
    // Held in one batch: the writer is busy with nothing before it, and all are queued at once.
    queue_call(h, w, 0);
    REQUIRE(h.answered("ghost", "a", T0).ok());  // no such call: NotFound
    queue_call(h, w, 1);
    REQUIRE(h.hold(call_name(0), "a", T0 + 9000).ok());  // after its end: Conflict
    queue_call(h, w, 2);
  }
  REQUIRE(h.flush());
  const auto seen = rejects.all();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].call_id == "ghost");
  CHECK(seen[0].error.code == store::Errc::NotFound);
  CHECK(seen[1].kind == history::ReportKind::Hold);
  CHECK(seen[1].error.code == store::Errc::Conflict);
  CHECK(h.stats().written == 15);
  all_calls_written(*s, 3);
}

// Group commit against one transaction per report, on a synchronous=FULL file as the daemon
// runs it. A measurement, not an assertion: run `history_writer_test "[.bench]" -s`.
TEST_CASE("history writer rows per second, batched against one per report", "[.bench]") {
  constexpr int kCalls = 300;
  double per_s[2] = {0, 0};
  const std::size_t batch[2] = {1, 256};
  for (int k = 0; k < 2; ++k) {
    TempDir dir;
    store::SqliteOptions o;
    o.path = dir.file("store.db");
    o.synchronous_full = true;
    auto opened = store::open_sqlite_store(o);
    REQUIRE(opened.ok());
    auto& s = **opened;
    auto w = seed_world(s, kCalls);
    history::WriterOptions wo;
    wo.max_batch = batch[k];
    history::CallHistory h(s, {}, wo);
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) queue_call(h, w, i);
    REQUIRE(h.stop(std::chrono::seconds(120)));
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    per_s[k] = 5.0 * kCalls / secs;
    std::printf("max_batch %zu: %d reports in %.3f s = %.0f reports/s (%llu transactions)\n",
                batch[k], 5 * kCalls, secs, per_s[k],
                static_cast<unsigned long long>(h.stats().batches));
  }
  std::printf("group commit speed-up: %.1fx\n", per_s[1] / per_s[0]);
}
