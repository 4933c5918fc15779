// What the disk and other processes can do to us: full disk, a writer holding the lock, a
// file that is not a database, a database from a newer build.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>
#include <string>

#include "tests/control/store/store_fixture.hpp"

using namespace dialcore::control::store;
using dialcore::test::kAdmin;
using dialcore::test::open_store;
using dialcore::test::TempDir;

namespace {

// A second connection the test drives directly, as another process would.
struct RawDb {
  explicit RawDb(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
  ~RawDb() { sqlite3_close(db); }
  int exec(const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }
  sqlite3* db = nullptr;
};

Cdr big_cdr(int i) {
  Cdr c;
  c.call_id = "call-" + std::to_string(i);
  c.events_json = "[\"" + std::string(3000, 'x') + "\"]";
  return c;
}

}  // namespace

TEST_CASE("a full database refuses the write, keeps every committed row and stays consistent") {
  TempDir dir;
  const auto path = dir.file("dialcore.db");
  { open_store(path); }  // create the schema without a limit
  SqliteOptions limited;
  limited.max_page_count = 120;  // 120 pages of 4 KiB: ~480 KiB, schema included
  int stored = 0;
  Errc last = Errc::Invalid;
  {
    auto store = open_store(path, limited);
    for (int i = 0; i < 1000; ++i) {
      Cdr c = big_cdr(i);
      auto r = store->cdrs().create(c, kAdmin);
      if (!r) {
        last = r.code();
        break;
      }
      ++stored;
    }
    CHECK(last == Errc::Full);
    CHECK(stored > 10);
    CHECK(stored < 1000);
    // Still usable for reads, still consistent, and a failed write left nothing behind.
    CHECK(*store->cdrs().count({}) == stored);
    CHECK(store->check_integrity().ok());
    Team t;
    t.name = "After full";
    auto r = store->teams().create(t, kAdmin);
    if (!r) CHECK(r.code() == Errc::Full);
  }
  auto store = open_store(path);  // no limit: space again
  CHECK(store->check_integrity().ok());
  CHECK(*store->cdrs().count({}) == stored);
  Cdr more = big_cdr(5000);
  CHECK(store->cdrs().create(more, kAdmin).ok());
}

TEST_CASE("another writer holding the lock past the busy timeout gives Busy, then it works") {
  TempDir dir;
  const auto path = dir.file("dialcore.db");
  SqliteOptions quick;
  quick.busy_timeout_ms = 50;
  auto store = open_store(path, quick);
  RawDb other(path);
  REQUIRE(other.exec("BEGIN IMMEDIATE") == SQLITE_OK);
  Team t;
  t.name = "Waiting";
  CHECK(store->teams().create(t, kAdmin).code() == Errc::Busy);
  CHECK(store->teams().count({}).ok());  // WAL: reads go on while another connection writes
  REQUIRE(other.exec("COMMIT") == SQLITE_OK);
  CHECK(store->teams().create(t, kAdmin).ok());
}

TEST_CASE("a file that is not a database is Corrupt - an unwritable path is Io") {
  TempDir dir;
  const auto path = dir.file("garbage.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is not an sqlite database ";
  }
  SqliteOptions options;
  options.path = path;
  auto opened = open_sqlite_store(options);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.code() == Errc::Corrupt);

  options.path = dir.file("no/such/dir/dialcore.db");
  auto missing = open_sqlite_store(options);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.code() == Errc::Io);
}

TEST_CASE("a database from a newer schema version is refused and left untouched") {
  TempDir dir;
  const auto path = dir.file("dialcore.db");
  { open_store(path); }
  {
    RawDb other(path);
    REQUIRE(
        other.exec("INSERT INTO schema_migrations (version, description) VALUES (99, 'future')") ==
        SQLITE_OK);
  }
  SqliteOptions options;
  options.path = path;
  auto opened = open_sqlite_store(options);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.code() == Errc::TooNew);
  RawDb check(path);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(check.db, "SELECT MAX(version) FROM schema_migrations", -1, &stmt,
                             nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(stmt, 0) == 99);
  sqlite3_finalize(stmt);
}

TEST_CASE("the audit log is append-only even for a raw connection") {
  TempDir dir;
  const auto path = dir.file("dialcore.db");
  auto store = open_store(path);
  Team t;
  t.name = "Audited";
  REQUIRE(store->teams().create(t, kAdmin).ok());
  RawDb other(path);
  CHECK(other.exec("UPDATE audit_log SET actor = 'nobody'") != SQLITE_OK);
  CHECK(other.exec("DELETE FROM audit_log") != SQLITE_OK);
  CHECK(store->audit().list({})->at(0).actor == kAdmin.name);
}
