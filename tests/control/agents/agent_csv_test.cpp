// CSV export and import of agents: round trip, per-row error report, file-level errors.
#include <catch2/catch.hpp>

#include <set>

#include "control/agents/agent_csv.hpp"
#include "tests/control/agents/agent_fixture.hpp"

using namespace dialcore::control;
using dialcore::test::AgentWorld;
using dialcore::test::kAdmin;

TEST_CASE("export then import into an empty store gives the same agents") {
  AgentWorld source;
  store::Campaign c;
  c.name = "Spring, \"Sale\"";
  REQUIRE(source.db->campaigns().create(c, kAdmin).ok());
  auto a = source.draft("csv.one");
  a.alias = "Comma, \"Quote\"";
  a.campaigns = {{c.id, store::Priority::High}};
  a.perm_lead_manager = true;
  a.connection_mode = store::ConnectionMode::Web;
  REQUIRE(source.service.create(a, std::string("Secr3t!pass"), kAdmin).ok());
  auto b = source.draft("csv.two");
  b.first_name = "Zoë";
  b.login_enabled = false;
  REQUIRE(source.service.create(b, std::nullopt, kAdmin).ok());

  auto text = agents::export_agents_csv(*source.db);
  REQUIRE(text.ok());
  CHECK(text->find("argon2") == std::string::npos);
  CHECK(text->find("\"Comma, \"\"Quote\"\"\"") != std::string::npos);

  AgentWorld target;  // has its own team "Sales"
  store::Campaign c2;
  c2.name = c.name;
  REQUIRE(target.db->campaigns().create(c2, kAdmin).ok());
  auto report = agents::import_agents_csv(target.service, *target.db, *text, kAdmin);
  REQUIRE(report.ok());
  CHECK(report->rows == 2);
  CHECK(report->created == 2);
  CHECK(report->rejected.empty());
  auto copies = target.service.quick_search("csv.", 10, 0);
  REQUIRE(copies->agents.size() == 2);
  const auto& one = copies->agents[0];
  CHECK(one.alias == a.alias);
  CHECK(one.connection_mode == store::ConnectionMode::Web);
  CHECK(one.perm_lead_manager);
  CHECK(one.campaigns == std::vector<store::CampaignAssignment>{{c2.id, store::Priority::High}});
  CHECK(one.teams == std::vector<std::int64_t>{target.team.id});
  CHECK(copies->agents[1].first_name == "Zoë");
  CHECK_FALSE(copies->agents[1].login_enabled);
}

TEST_CASE("import reports each bad row with its line and imports the rest") {
  AgentWorld w;
  w.created("taken");
  const std::string text =
      "username,first_name,last_name,email,timezone,teams,default_phone,login_enabled,password\r\n"
      "good.one,Ann,Lee,ann@example.com,Europe/Paris,Sales,+33100000000,yes,Go0d!Passw\r\n"
      "bad user,Ann,Lee,,,Sales,+33100000000,,\r\n"              // line 3: username
      "taken,Ann,Lee,,,Sales,+33100000000,,\r\n"                 // line 4: duplicate in store
      "good.two,\"Multi\nLine\",Lee,,,Sales,+33100000000,,\r\n"  // line 5-6: name with a newline
      "good.three,Bo,Ek,,Mars/Base,Nope,+33100000000,maybe,weak\r\n"  // line 7: all reported
      "good.four,Cy,Ek,,,sales,+33100000000,no,\r\n"  // line 8: fine (team case-insensitive)
      "good.four,Cy,Ek,,,Sales,+33100000000,no,\r\n"  // line 9: twice in the file
      "short,row\r\n";                                // line 10: field count
  auto dry = agents::import_agents_csv(w.service, *w.db, text, kAdmin, true);
  REQUIRE(dry.ok());
  CHECK(dry->created == 2);
  CHECK(*w.db->agents().count({}) == 1);  // a dry run writes nothing

  auto report = agents::import_agents_csv(w.service, *w.db, text, kAdmin);
  REQUIRE(report.ok());
  CHECK(report->rows == 8);
  CHECK(report->created == 2);
  std::vector<std::size_t> lines;
  for (const auto& r : report->rejected) lines.push_back(r.line);
  CHECK(lines == std::vector<std::size_t>{3, 4, 5, 7, 9, 10});
  const auto& multi = report->rejected[2];
  CHECK(multi.username == "good.two");
  REQUIRE(multi.errors.size() == 1);
  CHECK(multi.errors[0].field == "first_name");
  std::set<std::string> fields;
  for (const auto& e : report->rejected[3].errors) fields.insert(e.field);
  CHECK(fields == std::set<std::string>{"teams", "login_enabled", "timezone", "password"});
  CHECK(report->rejected[1].errors[0].field == "username");
  CHECK(*w.db->agents().count({}) == 3);
  auto four = w.service.quick_search("good.four", 10, 0);
  REQUIRE(four->agents.size() == 1);
  CHECK_FALSE(four->agents[0].login_enabled);
  CHECK(w.service.login("good.one", "Go0d!Passw", std::nullopt, kAdmin.at_ms)->status ==
        agents::LoginStatus::PasswordChangeRequired);
}

TEST_CASE("file-level problems are one error naming the line or column") {
  AgentWorld w;
  auto error = [&](const std::string& text) {
    auto r = agents::import_agents_csv(w.service, *w.db, text, kAdmin);
    REQUIRE_FALSE(r.ok());
    return r.error();
  };
  CHECK(error("username,first_name,last_name\nok,\"unterminated,x\n").message.find("line 2") !=
        std::string::npos);
  CHECK(error("username,first_name\nx,y\n").fields.front().message == "missing column: last_name");
  CHECK(error("username,first_name,last_name,password_hash\n").fields.front().message ==
        "unknown column: password_hash");
  CHECK(error("").fields.front().field == "file");
}
