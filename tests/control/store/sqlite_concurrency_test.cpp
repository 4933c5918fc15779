// WAL: a reader on its own connection, in another thread, reads while a writer commits, never
// gets Busy, and never sees a count go backwards or a half-written transaction.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>

#include "tests/control/store/store_fixture.hpp"

using namespace dialcore::control::store;
using dialcore::test::kAdmin;
using dialcore::test::open_store;
using dialcore::test::TempDir;

TEST_CASE("a reader thread reads consistently while a writer thread commits") {
  TempDir dir;
  const auto path = dir.file("dialcore.db");
  auto writer_store = open_store(path);
  auto reader_store = open_store(path);  // opened before the writer starts: no schema race
  constexpr int kTeams = 300;
  std::atomic<bool> done{false};
  int reads = 0;
  int errors = 0;
  int backwards = 0;
  int torn = 0;
  std::thread reader([&] {
    std::int64_t last = 0;
    while (!done.load(std::memory_order_acquire)) {  // Acquire: pairs with the writer's release.
      // Each team's create writes the team and its audit row in one transaction; one list of
      // audit rows is one snapshot, so it must name only teams that exist in that snapshot.
      auto teams = reader_store->teams().count({});
      auto audit = reader_store->audit().count({});
      if (!teams || !audit) {
        ++errors;
        continue;
      }
      if (*teams < last) ++backwards;
      if (*audit < *teams) ++torn;  // an audit row is committed with its team, never after
      last = *teams;
      ++reads;
    }
  });
  int written = 0;
  for (int i = 0; i < kTeams; ++i) {
    Team t;
    t.name = "team-" + std::to_string(i);
    if (writer_store->teams().create(t, kAdmin).ok()) ++written;
  }
  done.store(true, std::memory_order_release);
  reader.join();
  CHECK(written == kTeams);
  CHECK(errors == 0);
  CHECK(backwards == 0);
  CHECK(torn == 0);
  CHECK(reads > 0);
  CHECK(*reader_store->teams().count({}) == kTeams);
}
