#pragma once
// An AgentService on a fresh SQLite store with one team, cheap argon2id cost, and a valid draft.

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "control/agents/agent_service.hpp"
#include "tests/control/store/store_fixture.hpp"

namespace dialcore::test {

namespace agents = dialcore::control::agents;

inline agents::SecurityPolicy cheap_policy() {
  agents::SecurityPolicy p;
  p.hash = agents::HashCost::minimum();  // the real default costs 64 MiB and ~0.1 s per hash
  return p;
}

inline store::Team make_team(store::Store& db, const std::string& name) {
  store::Team t;
  t.name = name;
  REQUIRE(db.teams().create(t, kAdmin).ok());
  return t;
}

struct AgentWorld {
  TempDir dir;
  std::unique_ptr<store::Store> db = open_store(dir.file("dialcore.db"));
  store::Team team = make_team(*db, "Sales");
  agents::AgentService service{*db, cheap_policy()};

  store::Agent draft(const std::string& username) const {
    store::Agent a;
    a.username = username;
    a.first_name = "Mary";
    a.last_name = "O'Neil-Smith";
    a.email = username.find('@') == std::string::npos ? username + "@example.com" : "x@example.com";
    a.timezone = "Australia/Sydney";
    a.cli = "61290000000";
    a.default_phone = "+61400000000";
    a.teams = {team.id};
    return a;
  }

  store::Agent created(const std::string& username, const std::string& password = "Secr3t!pass") {
    auto r = service.create(draft(username), password, kAdmin);
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r.ok());
    return *r;
  }
};

}  // namespace dialcore::test
