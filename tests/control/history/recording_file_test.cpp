// The recording index rows through the call history (issue 5 deliverable 5): recording_file()
// writes one durable row per file, keyed by its path (a file reported again updates its row),
// with no CDR needed; what can never be a row is refused at once; the recording() observer hears
// every accepted report (label control).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/control/history/history_fixture.hpp"

using namespace dialcore::test;

namespace {

constexpr std::int64_t T0 = 1'800'000'000'000;

store::Recording row(const std::string& call, const std::string& path) {
  store::Recording r;
  r.call_id = call;
  r.leg = "a";
  r.campaign = "spring";
  r.agent = "7";
  r.path = path;
  r.format = "wav";
  r.started_at_ms = T0;
  r.ended_at_ms = T0 + 61'500;
  r.duration_ms = 61'500;
  r.size_bytes = 44 + 61'500 * 32;
  r.state = "complete";
  r.tags = "vip";
  r.markers_json = R"([{"kind":"pause","offset_ms":2000,"text":""}])";
  return r;
}

std::vector<store::Recording> rows_of(store::Store& s, const std::string& call) {
  store::Query q;
  q.all.push_back({"call_id", store::Match::Equals, call});
  auto rows = s.recordings().list(q);
  REQUIRE(rows.ok());
  return *rows;
}

}  // namespace

TEST_CASE("recording files become durable index rows, one per path", "[history][recording]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  {
    auto s = open_store(path);
    RejectLog rejects;
    history::CallHistory h(*s, {}, rejects.options());
    // No CDR for these calls: a file repaired at start may predate anything the store knows.
    REQUIRE(h.recording_file(row("c1", "/rec/2027-01-15/spring/c1.wav")).ok());
    store::Recording cut = row("c2", "/rec/2027-01-15/spring/c2.wav");
    cut.state = "truncated_disk_full";
    cut.duration_ms = 4'000;
    REQUIRE(h.recording_file(cut).ok());
    REQUIRE(h.flush());
    CHECK(rejects.all().empty());
    CHECK(h.stats().written == 2);
  }
  // Durable: a new connection on the same file reads them back.
  auto s = open_store(path);
  auto c1 = rows_of(*s, "c1");
  REQUIRE(c1.size() == 1);
  store::Recording want = row("c1", "/rec/2027-01-15/spring/c1.wav");
  want.id = c1[0].id;
  want.version = c1[0].version;
  CHECK(c1[0] == want);
  auto c2 = rows_of(*s, "c2");
  REQUIRE(c2.size() == 1);
  CHECK(c2[0].state == "truncated_disk_full");
  CHECK(c2[0].duration_ms == 4'000);

  // Reported again (a re-index at start-up, a repair): the same row, updated, never a second.
  RejectLog rejects;
  history::CallHistory h(*s, {}, rejects.options());
  store::Recording again = row("c1", "/rec/2027-01-15/spring/c1.wav");
  again.state = "repaired";
  again.duration_ms = 60'000;
  REQUIRE(h.recording_file(again).ok());
  REQUIRE(h.recording_file(again).ok());  // unchanged: nothing to write
  // A path differing only in case is another file.
  REQUIRE(h.recording_file(row("c1", "/rec/2027-01-15/spring/C1.wav")).ok());
  REQUIRE(h.flush());
  CHECK(rejects.all().empty());
  c1 = rows_of(*s, "c1");
  REQUIRE(c1.size() == 2);
  CHECK(c1[0].id == want.id);
  CHECK(c1[0].state == "repaired");
  CHECK(c1[0].duration_ms == 60'000);
  CHECK(c1[0].version == want.version + 1);
  CHECK(c1[1].path == "/rec/2027-01-15/spring/C1.wav");
  h.stop();
}

TEST_CASE("recording rows that can never be written are refused at once", "[history][recording]") {
  TempDir dir;
  auto s = open_store(dir.file("store.db"));
  history::CallHistory h(*s);
  CHECK(h.recording_file(row("", "/rec/x.wav")).code() == store::Errc::Invalid);
  CHECK(h.recording_file(row("c1", "")).code() == store::Errc::Invalid);
  store::Recording bad = row("c1", "/rec/x.wav");
  bad.state = "lost";
  CHECK(h.recording_file(bad).code() == store::Errc::Invalid);
  REQUIRE(h.flush());
  CHECK(*s->recordings().count({}) == 0);
  h.stop();
}

TEST_CASE("the recording observer hears each accepted recording report", "[history][recording]") {
  TempDir dir;
  auto s = open_store(dir.file("store.db"));
  const HistoryWorld w = seed_world(*s, 1);
  history::CallHistory h(*s);
  std::vector<std::string> heard;
  h.set_recording_observer([&](std::string_view call, std::string_view leg, std::int64_t at) {
    heard.push_back(std::string(call) + "/" + std::string(leg) + "@" + std::to_string(at - T0));
  });
  REQUIRE(h.leg_started(outbound("c1", w, w.leads[0]), T0).ok());
  REQUIRE(h.recording("c1", "a", "c1", T0 + 5).ok());
  CHECK_FALSE(h.recording("", "a", "c1", T0 + 6).ok());  // refused: not heard
  CHECK(heard == std::vector<std::string>{"c1/a@5"});
  h.stop();
}
