// Agent profiles through AgentService: validation, uniqueness, security state kept out of
// profile edits, search and filters, bulk delete, audit with the actor.
#include <catch2/catch.hpp>

#include "tests/control/agents/agent_fixture.hpp"

using namespace dialcore::control;
using dialcore::test::AgentWorld;
using dialcore::test::kAdmin;

namespace {

std::vector<std::string> fields_of(const agents::AgentError& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields) out.push_back(f.field);
  return out;
}

std::vector<std::string> names(const agents::AgentPage& page) {
  std::vector<std::string> out;
  for (const auto& a : page.agents) out.push_back(a.username);
  return out;
}

}  // namespace

TEST_CASE("create validates, hashes the password, forces a change and audits the actor") {
  AgentWorld w;
  auto bad = w.draft("bad name");
  bad.email = "nope";
  auto refused = w.service.create(bad, std::string("short"), kAdmin);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == store::Errc::Invalid);
  CHECK(fields_of(refused.error()) == std::vector<std::string>{"username", "email", "password",
                                                               "password", "password", "password"});
  CHECK(*w.db->agents().count({}) == 0);

  const auto a = w.created("mary.smith");
  CHECK(a.id > 0);
  CHECK(a.must_change_password);
  CHECK(a.password_hash.starts_with("$argon2id$"));
  CHECK(a.created_at_ms == kAdmin.at_ms);
  auto dup = w.service.create(w.draft("MARY.SMITH"), std::nullopt, kAdmin);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.code() == store::Errc::Duplicate);
  CHECK(fields_of(dup.error()) == std::vector<std::string>{"username"});

  auto ghost_team = w.draft("ghost");
  ghost_team.teams = {w.team.id, 777};
  auto missing = w.service.create(ghost_team, std::nullopt, kAdmin);
  CHECK(missing.code() == store::Errc::Constraint);
  CHECK(fields_of(missing.error()) == std::vector<std::string>{"teams"});

  store::Query q;
  q.all.push_back({"entity", store::Match::Equals, std::string("agent")});
  auto audit = w.db->audit().list(q);
  REQUIRE(audit->size() == 1);
  CHECK(audit->front().actor == kAdmin.name);
  CHECK(audit->front().entity_id == a.id);
}

TEST_CASE("profile updates cannot touch security state - stale versions conflict") {
  AgentWorld w;
  auto a = w.created("edith");
  auto edit = a;
  edit.alias = "Edie";
  edit.password_hash = "$argon2id$forged";
  edit.locked = true;
  edit.mfa_enabled = true;
  edit.failed_attempts = 99;
  auto updated = w.service.update(edit, {"admin:bob", 5});
  REQUIRE(updated.ok());
  CHECK(updated->alias == "Edie");
  const auto stored = *w.service.get(a.id);
  CHECK(stored.password_hash == a.password_hash);
  CHECK_FALSE(stored.locked);
  CHECK_FALSE(stored.mfa_enabled);
  CHECK(stored.failed_attempts == 0);
  CHECK(stored.version == 2);
  auto stale = a;  // version 1
  stale.alias = "Late";
  CHECK(w.service.update(stale, kAdmin).code() == store::Errc::Conflict);
  auto invalid = stored;
  invalid.timezone = "Atlantis/Capital";
  CHECK(fields_of(w.service.update(invalid, kAdmin).error()) ==
        std::vector<std::string>{"timezone"});

  // Disabling records why; enabling again restarts the inactivity clock.
  auto off = stored;
  off.login_enabled = false;
  auto disabled = w.service.update(off, {"admin:bob", 10});
  REQUIRE(disabled.ok());
  CHECK(disabled->disabled_reason == "admin");
  auto on = *disabled;
  on.login_enabled = true;
  auto enabled = w.service.update(on, {"admin:bob", 20});
  REQUIRE(enabled.ok());
  CHECK(enabled->disabled_reason.empty());
  CHECK(enabled->enabled_at_ms == 20);
}

TEST_CASE("quick search by id digits or username part - advanced filters - bulk delete") {
  AgentWorld w;
  std::vector<std::int64_t> ids;
  const char* users[] = {"alice", "alan", "bob", "carol", "mal%lory", "dave_x"};
  for (const char* u : users) ids.push_back(w.created(u).id);
  auto edit = *w.service.get(ids[2]);
  edit.first_name = "Robert";
  edit.cli = "442000000001";
  edit.login_enabled = false;
  REQUIRE(w.service.update(edit, kAdmin).ok());

  CHECK(names(*w.service.quick_search("al", 100, 0)) ==
        std::vector<std::string>{"alice", "alan", "mal%lory"});
  CHECK(names(*w.service.quick_search("AL", 100, 0)).size() == 3);
  CHECK(names(*w.service.quick_search("%", 100, 0)) == std::vector<std::string>{"mal%lory"});
  CHECK(names(*w.service.quick_search(std::to_string(ids[3]), 100, 0)).front() == "carol");
  CHECK(w.service.quick_search("", 2, 0)->total == 6);
  CHECK(w.service.quick_search("' OR 1=1 --", 100, 0)->total == 0);

  agents::AgentFilter f;
  f.first_name = "rob";
  CHECK(names(*w.service.search(f)) == std::vector<std::string>{"bob"});
  f = {};
  f.cli = "442000000001";
  CHECK(names(*w.service.search(f)) == std::vector<std::string>{"bob"});
  f = {};
  f.status = agents::AgentStatus::Inactive;
  CHECK(names(*w.service.search(f)) == std::vector<std::string>{"bob"});
  f.status = agents::AgentStatus::Active;
  CHECK(w.service.search(f)->total == 5);
  f = {};
  f.last_name = "o'neil";
  f.order_by = "username";
  f.descending = true;
  f.limit = 2;
  auto page = w.service.search(f);
  CHECK(names(*page) == std::vector<std::string>{"mal%lory", "dave_x"});
  CHECK(page->total == 6);
  f = {};
  f.id_prefix = "1 OR 1";
  CHECK(w.service.search(f).code() == store::Errc::Invalid);
  f = {};
  f.order_by = "password_hash";
  CHECK(w.service.search(f).code() == store::Errc::Invalid);

  std::vector<std::int64_t> doomed = {ids[0], ids[1]};
  auto removed = w.service.remove_many(doomed, kAdmin);
  REQUIRE(removed.ok());
  CHECK(*removed == 2);
  CHECK(w.service.get(ids[0]).code() == store::Errc::NotFound);
  std::vector<std::int64_t> partly_gone = {ids[2], ids[0]};
  CHECK(w.service.remove_many(partly_gone, kAdmin).code() == store::Errc::NotFound);
  CHECK(w.service.get(ids[2]).ok());  // nothing removed when one id is missing
}

TEST_CASE("redacted agents carry no secrets") {
  AgentWorld w;
  auto a = w.created("zed.k");
  a.sip_password = "handset-pass";
  a.totp_secret = "JBSWY3DPEHPK3PXP";
  const auto r = agents::redacted(a);
  CHECK(r.password_hash.empty());
  CHECK(r.sip_password.empty());
  CHECK(r.totp_secret.empty());
  CHECK(r.username == "zed.k");
}
