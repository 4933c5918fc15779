// dialctl against a real dialcored (label control): every resource's verbs, human tables and
// --json, CSV export and import with its report, and the exit codes scripts rely on
// (0 ok, 1 API error, 2 usage, 3 cannot connect, 4 authentication).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/tools/dialctl_runner.hpp"

using namespace dialcore::test;

TEST_CASE("dialctl manages every resource over the API, as tables and as JSON", "[dialctl]") {
  ApiFixture f;
  REQUIRE(f.started);
  struct Case {
    std::string resource, add, edit, search;
  };
  const Case cases[] = {
      {"teams", "name='Night Crew' description=late", "description=later", "night"},
      {"queues", "name=Billing strategy=ring_all", "ring_timeout_s=25", "bill"},
      {"campaigns", "name='Spring Push' dial_mode=power", "active=false", "spring"},
      {"pause-reasons", "name=Meeting code=meet", "paid=false", "meet"},
      {"wrap-codes", "name=Voicemail code=vm", "completes_number=true", "voice"},
      {"agents",
       "username=cli.agent first_name=Cli last_name=Agent connection_mode=call_in teams=[1]",
       "alias=CA", "cli.ag"},
  };
  for (const auto& c : cases) {
    INFO(c.resource);
    const Run add = dialctl(f, "--json " + c.resource + " add " + c.add);
    REQUIRE(add.status == 0);
    const auto id = json_of(add).at("id").to_number<std::int64_t>();
    const std::string ids = std::to_string(id);
    const Run table = dialctl(f, c.resource + " list");
    CHECK(table.status == 0);
    CHECK(table.out.find("ID") == 0);  // a header row
    const Run search = dialctl(f, "--json " + c.resource + " search " + c.search);
    CHECK(search.status == 0);
    CHECK(json_of(search).at("total").to_number<int>() == 1);
    const Run edit = dialctl(f, c.resource + " edit " + ids + " " + c.edit);
    CHECK(edit.status == 0);
    CHECK(edit.out.find("version") != std::string::npos);
    const Run show = dialctl(f, "--json " + c.resource + " show " + ids);
    CHECK(json_of(show).at("version").to_number<int>() == 2);
    CHECK(dialctl(f, c.resource + " delete " + ids).status == 0);
    const Run gone = dialctl(f, c.resource + " show " + ids);
    CHECK(gone.status == 1);
    CHECK(gone.err.find("not_found") != std::string::npos);
  }
  const Run status = dialctl(f, "--json status");
  CHECK(status.status == 0);
  CHECK(json_of(status).at("counts").as_object().at("teams").to_number<int>() == 1);
  CHECK(dialctl(f, "status").out.find("schema version") != std::string::npos);
}

TEST_CASE("dialctl export and import round trip with a per-row report", "[dialctl]") {
  ApiFixture f;
  REQUIRE(f.started);
  const std::string csv = f.daemon.dir().string() + "/teams.csv";
  std::ofstream(csv)
      << "name,description\nAlpha,a\n\"Beta, Two\",\"multi\nline\"\nAlpha,dup\nGamma,c\n";
  const Run imported = dialctl(f, "--json teams import " + csv);
  CHECK(imported.status == 1);  // one row rejected
  const auto report = json_of(imported);
  CHECK(report.at("created").to_number<int>() == 3);
  REQUIRE(report.at("rejected").as_array().size() == 1);
  CHECK(report.at("rejected").as_array()[0].at("line").to_number<int>() == 5);  // file line
  const std::string out = f.daemon.dir().string() + "/out.csv";
  CHECK(dialctl(f, "teams export " + out).status == 0);
  const std::string exported = slurp(out);
  CHECK(exported.find("\"Beta, Two\"") != std::string::npos);
  CHECK(exported.find("Gamma") != std::string::npos);
  const Run dry = dialctl(f, "teams import " + csv + " --dry-run");
  CHECK(dry.out.find("would be created") != std::string::npos);
  CHECK(json_of(dialctl(f, "--json teams list")).at("total").to_number<int>() == 4);  // Sales + 3
}

TEST_CASE("dialctl exit codes: usage 2, API error 1, cannot connect 3, auth 4", "[dialctl]") {
  ApiFixture f;
  REQUIRE(f.started);
  CHECK(dialctl(f, "teams").status == 2);
  CHECK(dialctl(f, "teams show abc").status == 2);
  CHECK(dialctl(f, "teams frobnicate").status == 2);
  CHECK(dialctl(f, "teams add nonsense").status == 2);
  CHECK(dialctl(f, "teams --help").status == 0);
  CHECK(dialctl(f, "teams --help").out.find("usage: dialctl") != std::string::npos);
  CHECK(dialctl(f, "agents --help").out.find("unlock") != std::string::npos);
  const Run bad = dialctl(f, "teams add name=42");
  CHECK(bad.status == 1);
  CHECK(bad.err.find("wrong_type") != std::string::npos);
  CHECK(dialctl(f, "agents add username=x").status == 1);
  CHECK(dialctl(f, "teams list", "wrong-token").status == 4);
  CHECK(dialctl(f, "teams list", "").status == 4);
  // A port nobody listens on: stop the daemon and reuse its address.
  const std::string url = f.daemon.url();
  f.daemon.stop();
  CHECK(dialctl(f, "teams list").status == 3);
  CHECK(dialctl(f, "--api not-a-url teams list").status == 2);
}

TEST_CASE("dialctl config reload reports applied and restart keys, and a refused file", "[dialctl]") {
  ApiFixture f;
  REQUIRE(f.started);
  f.daemon.write_config(api_test_yaml("dataplane:\n  rtp_port_first: 30000\n  rtp_port_last: 39999\n",
                                      "  max_body_bytes: 65536\n"));
  const Run table = dialctl(f, "config reload");
  CHECK(table.status == 0);
  CHECK(table.out.find("api.max_body_bytes") != std::string::npos);
  CHECK(table.out.find("needs restart  dataplane.rtp_port_first") != std::string::npos);
  // Again: nothing more to apply, and the restart key still waits for its restart.
  const Run again = dialctl(f, "--json config reload");
  CHECK(again.status == 0);
  const auto body = json_of(again);
  CHECK(body.at("applied").as_array().empty());
  CHECK(body.at("needs_restart").as_array().size() >= 1);
  f.daemon.write_config("wrap_codes: {oops\n");
  const Run bad = dialctl(f, "config reload");
  CHECK(bad.status == 1);
  CHECK(bad.err.find("invalid_config") != std::string::npos);
  CHECK(bad.err.find("dialcore.yaml:") != std::string::npos);
}

TEST_CASE("dialctl deletes several records in one transaction, all or nothing", "[dialctl]") {
  ApiFixture f;
  REQUIRE(f.started);
  std::string ids;
  for (const char* name : {"Bulk A", "Bulk B", "Bulk C"}) {
    const Run add = dialctl(f, std::string("--json teams add name='") + name + "'");
    REQUIRE(add.status == 0);
    ids += ' ';
    ids += std::to_string(json_of(add).at("id").to_number<std::int64_t>());
  }
  // One unknown id: nothing is deleted (exit 1, not_found), the three are still there.
  const std::string del = "teams delete" + ids;
  const Run partial = dialctl(f, del + " 999999");
  CHECK(partial.status == 1);
  CHECK(partial.err.find("not_found") != std::string::npos);
  CHECK(json_of(dialctl(f, "--json teams search bulk")).at("total").to_number<int>() == 3);
  const Run all = dialctl(f, "--json " + del);
  REQUIRE(all.status == 0);
  CHECK(json_of(all).at("deleted").to_number<int>() == 3);
  CHECK(json_of(dialctl(f, "--json teams search bulk")).at("total").to_number<int>() == 0);
  // The audit log has one delete per record.
  HttpClient admin = f.admin();
  const auto audit = admin.get("/api/v1/audit?entity=team&action=delete");
  CHECK(audit.status == 200);
  CHECK(parse_json(audit.body).at("total").to_number<int>() == 3);
  CHECK(dialctl(f, "teams delete 1 x").status == 2);  // usage
  // The route itself refuses a malformed body.
  CHECK(admin.post("/api/v1/teams/bulk-delete", R"({"ids":[]})").status == 400);
  CHECK(admin.post("/api/v1/teams/bulk-delete", R"({"ids":[1,-2]})").status == 400);
  CHECK(admin.post("/api/v1/teams/bulk-delete", R"({"ids":[1],"all":true})").status == 400);
  CHECK(admin.get("/api/v1/teams/bulk-delete").status == 405);
}
