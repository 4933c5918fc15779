// A database written at schema version 1 is upgraded at open with its rows intact.
#include <catch2/catch.hpp>

#include <string>

#include "control/store/sip_ha1.hpp"
#include "control/store/sqlite_db.hpp"
#include "control/store/sqlite_migrations.hpp"
#include "tests/control/store/store_fixture.hpp"

using namespace dialcore::control::store;
using dialcore::test::kAdmin;
using dialcore::test::open_store;
using dialcore::test::TempDir;

TEST_CASE("schema version 1 with data migrates to the latest at open") {
  TempDir dir;
  const auto path = dir.file("dialcore.db");
  {
    // What a version-1 build wrote: its schema, and rows in its columns.
    auto db = sqlite::Db::open({path});
    REQUIRE(db.ok());
    auto version = sqlite::migrate(**db, 1);
    REQUIRE(version.ok());
    CHECK(*version == 1);
    REQUIRE((*db)->exec("INSERT INTO teams (id, name) VALUES (7, 'Legacy')").ok());
    REQUIRE(
        (*db)
            ->exec("INSERT INTO agents (id, username, first_name, last_name, connection_mode, "
                   "connection_persistent, perm_manual_call, perm_agent_call, perm_pause_reasons, "
                   "perm_callbacks, perm_transfers_when_paused, perm_lead_manager, login_in_pause, "
                   "mask_sensitive_data, auto_answer, dnd_in_pause, ring_in_use, login_enabled, "
                   "must_change_password, created_at_ms) "
                   "VALUES (3, 'old.timer', 'Old', 'Timer', 'call_in', 1, 1, 0, 1, 0, 1, 0, 1, 0, "
                   "1, 0, 1, 1, 0, 99)")
            .ok());
    REQUIRE((*db)->exec("INSERT INTO agent_teams (agent_id, team_id) VALUES (3, 7)").ok());
  }
  auto store = open_store(path);
  CHECK(store->schema_version() == sqlite::latest_schema_version());
  CHECK(store->schema_version() >= 2);
  auto agent = store->agents().get(3);
  REQUIRE(agent.ok());
  CHECK(agent->username == "old.timer");
  CHECK(agent->connection_mode == ConnectionMode::CallIn);
  CHECK(agent->perm_transfers_when_paused);
  CHECK_FALSE(agent->perm_agent_call);
  CHECK(agent->teams == std::vector<std::int64_t>{7});
  CHECK(agent->created_at_ms == 99);
  CHECK_FALSE(agent->mfa_enabled);  // columns added by version 2 take their defaults
  CHECK(agent->totp_secret.empty());
  CHECK_FALSE(agent->enabled_at_ms.has_value());
  // Version 2's tables are there and work.
  Campaign c;
  c.name = "New";
  REQUIRE(store->campaigns().create(c, kAdmin).ok());
  Lead l;
  l.campaign_id = c.id;
  CHECK(store->leads().create(l, kAdmin).ok());
  // And the upgraded agent can be updated with the new columns.
  agent->mfa_enabled = true;
  CHECK(store->agents().update(*agent, kAdmin).ok());
  CHECK(store->check_integrity().ok());
}

TEST_CASE("migrations are numbered 1..N without gaps and reopening applies nothing new") {
  const auto all = sqlite::migrations();
  for (std::size_t i = 0; i < all.size(); ++i)
    CHECK(all[i].version == static_cast<std::int64_t>(i + 1));
  TempDir dir;
  const auto path = dir.file("dialcore.db");
  { open_store(path); }
  auto db = sqlite::Db::open({path});
  REQUIRE(db.ok());
  auto version = sqlite::migrate(**db);
  REQUIRE(version.ok());
  CHECK(*version == sqlite::latest_schema_version());
  auto rows = (*db)->prepare("SELECT COUNT(*) FROM schema_migrations");
  REQUIRE(rows.ok());
  REQUIRE(rows->step() == 100);  // SQLITE_ROW
  CHECK(rows->column_int(0) == static_cast<std::int64_t>(all.size()));
}

TEST_CASE("version 4 turns plain SIP passwords into HA1 with the configured realm") {
  TempDir dir;
  const auto path = dir.file("dialcore.db");
  const std::string insert =
      "INSERT INTO agents (id, username, first_name, last_name, connection_mode, "
      "connection_persistent, perm_manual_call, perm_agent_call, perm_pause_reasons, "
      "perm_callbacks, perm_transfers_when_paused, perm_lead_manager, login_in_pause, "
      "mask_sensitive_data, auto_answer, dnd_in_pause, ring_in_use, login_enabled, "
      "must_change_password, created_at_ms, sip_username, sip_password) VALUES ";
  const std::string flags = "'call_in', 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 99, ";
  {
    auto db = sqlite::Db::open({path});
    REQUIRE(db.ok());
    REQUIRE(sqlite::migrate(**db, 3).ok());
    REQUIRE((*db)->exec(insert + "(1, 'a1', 'A', 'One', " + flags + "'ext101', 'pw one')").ok());
    REQUIRE((*db)->exec(insert + "(2, 'a2', 'A', 'Two', " + flags + "'', '')").ok());
  }
  SqliteOptions options;
  options.sip_realm = "pbx.example";
  auto store = open_store(path, options);
  CHECK(store->schema_version() >= 4);
  auto one = store->agents().get(1);
  REQUIRE(one.ok());
  CHECK(one->sip_password.empty());
  CHECK(one->sip_ha1 == sip_ha1("ext101", "pbx.example", "pw one"));
  auto two = store->agents().get(2);
  REQUIRE(two.ok());
  CHECK(two->sip_ha1.empty());
  // From now on the store refuses a plain password, on update and on create.
  auto plain = *one;
  plain.sip_password = "again";
  CHECK_FALSE(store->agents().update(plain, kAdmin).ok());
  plain.id = 0;
  plain.username = "a3";
  CHECK_FALSE(store->agents().create(plain, kAdmin).ok());
  // The function the migration used is gone after it: fixed SQL cannot call it later.
  auto db = sqlite::Db::open({path});
  REQUIRE(db.ok());
  CHECK_FALSE((*db)->exec("SELECT dialcore_sip_ha1('a', 'b')").ok());
}
