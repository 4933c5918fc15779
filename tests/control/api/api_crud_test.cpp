// The admin API of a real dialcored over HTTP: CRUD, search and CSV on every resource; a
// restart keeps everything; the audit log names who changed what; metrics (label control).
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "tests/control/api/api_fixture.hpp"

using namespace dialcore::test;

namespace {

struct Sample {
  std::string resource;
  std::string body;         // a valid create body
  std::string patch;        // a valid patch body
  std::string patched_key;  // a field the patch changed
  std::string search;       // a quick-search text that matches the created row
};

std::vector<Sample> samples(std::int64_t team_id) {
  return {
      {"teams", R"({"name":"Support Desk","description":"tier 1"})", R"({"description":"tier 2"})",
       "description", "desk"},
      {"queues", R"({"name":"Inbound Sales","strategy":"ring_all","ring_timeout_s":15})",
       R"({"wrap_s":30})", "wrap_s", "inbound"},
      {"campaigns", R"({"name":"Winter Offer","dial_mode":"progressive","max_attempts":4})",
       R"({"active":false})", "active", "winter"},
      {"pause-reasons", R"({"name":"Coaching","code":"coach","paid":true})", R"({"paid":false})",
       "paid", "coach"},
      {"wrap-codes", R"({"name":"Not Interested","code":"ni","completes_number":true})",
       R"({"schedules_callback":true})", "schedules_callback", "interested"},
      {"agents",
       R"({"username":"jane.doe","first_name":"Jane","last_name":"Doe","teams":[)" +
           std::to_string(team_id) + R"(],"cli":"+61299990000","connection_mode":"call_in"})",
       R"({"alias":"JD"})", "alias", "jane"},
  };
}

std::int64_t team_id_of(HttpClient& c, const std::string& name) {
  const auto r = c.get("/api/v1/teams?name=" + name);
  const auto v = parse_json(r.body);
  if (!v.is_object() || v.as_object().at("items").as_array().empty()) return 0;
  return v.as_object().at("items").as_array()[0].as_object().at("id").to_number<std::int64_t>();
}

}  // namespace

TEST_CASE("dialcored serves health and seeds the empty store from its config", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto anon = f.anonymous();
  const auto health = anon.get("/api/v1/health");
  CHECK(health.status == 200);
  CHECK(parse_json(health.body).as_object().at("status").as_string() == "ok");
  auto admin = f.admin();
  CHECK(json_total(admin.get("/api/v1/teams")) == 1);
  CHECK(json_total(admin.get("/api/v1/pause-reasons")) == 2);
  CHECK(json_total(admin.get("/api/v1/wrap-codes")) == 1);
  CHECK(json_total(admin.get("/api/v1/agents?q=seeded")) == 1);
  CHECK(team_id_of(admin, "Sales") > 0);
}

TEST_CASE("every resource: create, get, list, quick search, filter, patch, export, delete",
          "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto c = f.admin();
  const std::int64_t sales = team_id_of(c, "Sales");
  REQUIRE(sales > 0);
  for (const auto& s : samples(sales)) {
    INFO(s.resource);
    const std::string base = "/api/v1/" + s.resource;
    const auto created = c.post(base, s.body);
    REQUIRE(created.status == 201);
    const std::int64_t id = json_id(created);
    REQUIRE(id > 0);
    CHECK(c.get(base + "/" + std::to_string(id)).status == 200);
    const auto found = c.get(base + "?q=" + s.search);
    CHECK(found.status == 200);
    CHECK(json_total(found) == 1);
    CHECK(json_total(c.get(base + "?q=zzz-no-such-thing")) == 0);
    // A duplicate name (or username) is a conflict, not a crash.
    CHECK(c.post(base, s.body).status == 409);
    const auto patched = c.patch(base + "/" + std::to_string(id), s.patch);
    REQUIRE(patched.status == 200);
    const auto after = parse_json(c.get(base + "/" + std::to_string(id)).body).as_object();
    CHECK(after.at(s.patched_key) == parse_json(s.patch).as_object().at(s.patched_key));
    CHECK(after.at("version").to_number<std::int64_t>() == 2);
    // A stale version is a conflict.
    CHECK(c.patch(base + "/" + std::to_string(id), R"({"version":1})").status == 409);
    const auto csv = c.get(base + "/export.csv");
    CHECK(csv.status == 200);
    CHECK(csv.header("content-type") == "text/csv");
    CHECK(csv.body.find(s.search.substr(1)) != std::string::npos);
    CHECK(c.del(base + "/" + std::to_string(id)).status == 204);
    CHECK(c.get(base + "/" + std::to_string(id)).status == 404);
    CHECK(error_code(c.del(base + "/" + std::to_string(id))) == "not_found");
  }
  // Agent filters (seed 000 advanced search).
  CHECK(json_total(c.get("/api/v1/agents?first_name=Se&status=active")) == 1);
  CHECK(json_total(c.get("/api/v1/agents?last_name=Nobody")) == 0);
  // Config record filters on declared fields.
  CHECK(json_total(c.get("/api/v1/pause-reasons?code=auto")) == 1);
  CHECK(json_total(c.get("/api/v1/pause-reasons?paid=false&code=break")) == 1);  // billable: false
  CHECK(json_total(c.get("/api/v1/pause-reasons?paid=true&code=break")) == 0);
}

TEST_CASE("CSV import answers a report per row and imports the good rows", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto c = f.admin();
  const auto r = c.request("POST", "/api/v1/teams/import",
                           "name,description\nNorth,a\nSouth,b\nNorth,duplicate\n", "text/csv");
  REQUIRE(r.status == 200);
  const auto report = parse_json(r.body).as_object();
  CHECK(report.at("rows").to_number<int>() == 3);
  CHECK(report.at("created").to_number<int>() == 2);
  REQUIRE(report.at("rejected").as_array().size() == 1);
  CHECK(report.at("rejected").as_array()[0].as_object().at("line").to_number<int>() == 4);
  CHECK(c.request("POST", "/api/v1/teams/import", "nope\nx\n", "text/csv").status == 400);

  const auto agents = c.request(
      "POST", "/api/v1/agents/import",
      "username,first_name,last_name,connection_mode,teams\nbob.one,Bob,One,call_in,Sales\n"
      "b@d name!,Bad,Row,call_in,Sales\n",
      "text/csv");
  REQUIRE(agents.status == 200);
  const auto ar = parse_json(agents.body).as_object();
  CHECK(ar.at("created").to_number<int>() == 1);
  CHECK(ar.at("rejected").as_array().size() == 1);
  CHECK(json_total(c.get("/api/v1/agents")) == 2);
}

TEST_CASE("a restart keeps everything written through the API", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  std::int64_t team = 0, agent = 0;
  {
    auto c = f.admin();
    team = json_id(c.post("/api/v1/teams", R"({"name":"Night Shift"})"));
    REQUIRE(team > 0);
    agent = json_id(c.post(
        "/api/v1/agents",
        R"({"username":"kept.agent","first_name":"Kept","last_name":"Agent","connection_mode":"call_in","teams":[)" +
            std::to_string(team) + "]}"));
    REQUIRE(agent > 0);
    REQUIRE(c.patch("/api/v1/agents/" + std::to_string(agent), R"({"alias":"K"})").status == 200);
  }
  CHECK(f.daemon.stop() == 0);  // SIGTERM: orderly
  REQUIRE(f.daemon.start());
  auto c = f.admin();
  const auto t = parse_json(c.get("/api/v1/teams/" + std::to_string(team)).body).as_object();
  CHECK(t.at("name").as_string() == "Night Shift");
  const auto a = parse_json(c.get("/api/v1/agents/" + std::to_string(agent)).body).as_object();
  CHECK(a.at("alias").as_string() == "K");
  CHECK(a.at("teams").as_array().size() == 1);
  // Not seeded twice: the store had rows.
  CHECK(json_total(c.get("/api/v1/teams")) == 2);
}

TEST_CASE("the audit log records which token changed what", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto c = f.admin();
  const auto id = json_id(c.post("/api/v1/wrap-codes", R"({"name":"Wrong Number","code":"wn"})"));
  REQUIRE(id > 0);
  REQUIRE(c.patch("/api/v1/wrap-codes/" + std::to_string(id), R"({"name":"Wrong No."})").status ==
          200);
  const auto r = c.get("/api/v1/audit?entity=wrap_code&entity_id=" + std::to_string(id));
  REQUIRE(r.status == 200);
  const auto items = parse_json(r.body).as_object().at("items").as_array();
  REQUIRE(items.size() == 2);
  const auto& update = items[0].as_object();  // newest first
  CHECK(update.at("actor").as_string() == "admin:token");
  CHECK(update.at("action").as_string() == "update");
  CHECK(update.at("before").as_object().at("name").as_string() == "Wrong Number");
  CHECK(update.at("after").as_object().at("name").as_string() == "Wrong No.");
  CHECK(items[1].as_object().at("action").as_string() == "create");
  // Seeded rows name the system.
  const auto seeded = c.get("/api/v1/audit?actor=system:seed&limit=1");
  CHECK(json_total(seeded) >= 5);
}

TEST_CASE("metrics count API requests and agents", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto c = f.admin();
  for (int i = 0; i < 3; ++i) REQUIRE(c.get("/api/v1/teams").status == 200);
  CHECK(c.get("/api/v1/teams/999").status == 404);
  const auto m = f.anonymous().get("/metrics");
  REQUIRE(m.status == 200);
  CHECK(m.body.find(
            R"(dialcore_api_requests_total{method="GET",route="/api/v1/teams",status="200"} 3)") !=
        std::string::npos);
  CHECK(m.body.find(R"(route="/api/v1/teams/{id}",status="404"} 1)") != std::string::npos);
  CHECK(m.body.find("dialcore_api_request_duration_seconds_count 4") != std::string::npos);
  CHECK(m.body.find(R"(dialcore_agents{state="total"} 1)") != std::string::npos);
  CHECK(m.body.find("dialcore_store_errors_total 0") != std::string::npos);
}

TEST_CASE("SIGHUP reloads the admin token and logs what needs a restart", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  // A live key (the token) and a restart key (the RTP port range) change.
  f.daemon.write_config(
      api_test_yaml("dataplane:\n  rtp_port_first: 30000\n  rtp_port_last: 39999\n"),
      "rotated-admin-token-9876543210");
  f.daemon.signal(SIGHUP);
  HttpClient rotated(f.daemon.host(), f.daemon.port());
  rotated.set_token("rotated-admin-token-9876543210");
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = rotated.get("/api/v1/teams").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(status == 200);
  CHECK(f.admin().get("/api/v1/teams").status == 401);
  const std::string log = f.daemon.stderr_text();
  CHECK(log.find("dataplane") != std::string::npos);
  CHECK(log.find("needs a restart") != std::string::npos);
}

TEST_CASE("POST /api/v1/config/reload applies live keys, names restart keys, refuses a bad file",
          "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  CHECK(f.anonymous().post("/api/v1/config/reload", "{}").status == 401);
  CHECK(f.admin().get("/api/v1/config/reload").status == 405);

  auto r = f.admin().post("/api/v1/config/reload", "{}");
  REQUIRE(r.status == 200);
  CHECK(parse_json(r.body).at("changed").as_bool() == false);

  // A live key (the login rate limit) and a restart key (the RTP port range) change.
  f.daemon.write_config(
      api_test_yaml("dataplane:\n  rtp_port_first: 30000\n  rtp_port_last: 39999\n",
                    "  login_rate_limit: {max_attempts: 7, window_s: 60}\n"));
  r = f.admin().post("/api/v1/config/reload", "{}");
  REQUIRE(r.status == 200);
  const auto body = parse_json(r.body);
  auto has = [&](const char* list, const std::string& key) {
    for (const auto& k : body.at(list).as_array()) {
      if (k.as_string() == key) return true;
    }
    return false;
  };
  CHECK(has("applied", "api.login_rate_limit.max_attempts"));
  CHECK(has("needs_restart", "dataplane.rtp_port_first"));
  CHECK_FALSE(has("applied", "dataplane.rtp_port_first"));
  CHECK(body.at("changed").as_bool());
  CHECK(f.daemon.stderr_text().find("reload requested by admin") != std::string::npos);

  // A broken file: 422 with the file's line and key, and nothing changes (the old token works).
  f.daemon.write_config(api_test_yaml("teams: [\n"), "a-token-that-must-not-apply-0123");
  r = f.admin().post("/api/v1/config/reload", "{}");
  CHECK(r.status == 422);
  CHECK(error_code(r) == "invalid_config");
  CHECK(r.body.find("dialcore.yaml:") != std::string::npos);
  CHECK(f.admin().get("/api/v1/teams").status == 200);
}

TEST_CASE("a supervisor token from the config file reads and unlocks, writes nothing, reloads live",
          "[api]") {
  ApiFixture f(api_test_yaml("", "  supervisor_token: supervisor-from-the-file-01\n"));
  REQUIRE(f.started);
  HttpClient sup(f.daemon.host(), f.daemon.port());
  sup.set_token("supervisor-from-the-file-01");
  CHECK(sup.get("/api/v1/agents").status == 200);
  CHECK(sup.get("/api/v1/cdrs").status == 200);
  CHECK(sup.get("/api/v1/audit").status == 403);  // the audit log is the admin's
  CHECK(sup.post("/api/v1/teams", R"({"name":"Not Allowed"})").status == 403);
  // A reload replaces it: the old token is refused, the new one reads.
  f.daemon.write_config(api_test_yaml("", "  supervisor_token: supervisor-rotated-0002\n"));
  const auto r = f.admin().post("/api/v1/config/reload", "{}");
  REQUIRE(r.status == 200);
  CHECK(r.body.find("api.supervisor_token") != std::string::npos);
  CHECK(sup.get("/api/v1/agents").status == 401);
  sup.set_token("supervisor-rotated-0002");
  CHECK(sup.get("/api/v1/agents").status == 200);
}
