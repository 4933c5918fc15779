// CDRs, recordings and lead lists over the API against a real dialcored (label control): calls
// and recording rows written by the call history writer into the daemon's own database file,
// read back as JSON pages and CSV;
// lead import with every kind of row (and bad files), export, the DNC list; the start-up
// recovery after a kill -9 of the daemon.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "control/history/call_history.hpp"
#include "control/store/sqlite_store.hpp"
#include "tests/control/api/api_fixture.hpp"
#include "tests/control/api/recording_rows.hpp"

using namespace dialcore::test;
namespace store = dialcore::control::store;
namespace history = dialcore::control::history;

namespace {

constexpr const char* kSupervisorToken = "test-supervisor-token-0123456789";
constexpr std::int64_t T0 = 1'800'000'000'000;  // 2027-01-15T08:00:00Z

// The daemon's database, opened by the test as a second process would (WAL).
std::unique_ptr<store::Store> daemon_store(const ApiFixture& f) {
  store::SqliteOptions o;
  o.path = (f.daemon.dir() / "data" / "dialcore.sqlite").string();
  auto s = store::open_sqlite_store(o);
  REQUIRE(s.ok());
  return std::move(s.value());
}

struct SupervisorEnv {
  SupervisorEnv() { setenv("DIALCORE_SUPERVISOR_TOKEN", kSupervisorToken, 1); }
  ~SupervisorEnv() { unsetenv("DIALCORE_SUPERVISOR_TOKEN"); }
};

HttpClient with_token(const ApiFixture& f, const std::string& token) {
  HttpClient c(f.daemon.host(), f.daemon.port());
  c.set_token(token);
  return c;
}

std::int64_t make_campaign(HttpClient& admin, const std::string& name) {
  auto r = admin.post("/api/v1/campaigns", R"({"name":")" + name + R"(","max_attempts":3})");
  REQUIRE(r.status == 201);
  return json_id(r);
}

boost::json::object obj(const HttpReply& r) {
  auto v = parse_json(r.body);
  return v.is_object() ? v.as_object() : boost::json::object{};
}

std::int64_t num(const boost::json::object& o, const char* key) {
  return o.contains(key) ? o.at(key).to_number<std::int64_t>() : -1;
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

HttpReply import(HttpClient& c, std::int64_t campaign, const std::string& csv,
                 const std::string& query = "") {
  return c.request("POST",
                   "/api/v1/campaigns/" + std::to_string(campaign) + "/leads/import" + query, csv,
                   "text/csv");
}

}  // namespace

TEST_CASE("CDRs are listed with filters and cursor pages and exported as CSV", "[api][cdr]") {
  SupervisorEnv env;
  ApiFixture f;
  REQUIRE(f.started);
  auto admin = f.admin();
  const std::int64_t campaign = make_campaign(admin, "Spring");
  {
    auto s = daemon_store(f);
    store::Lead lead;
    lead.campaign_id = campaign;
    lead.phone1 = "+447700900001";
    REQUIRE(s->leads().create(lead, {"test", T0}).ok());
    history::CallHistory h(*s);
    for (int i = 0; i < 5; ++i) {
      history::LegStart leg;
      leg.call_id = std::string("call-").append(std::to_string(i));
      leg.direction = i < 3 ? "outbound" : "inbound";
      leg.from_number = i == 4 ? "=HYPERLINK(\"http://evil\")" : "+442071234567";
      leg.to_number = "+447700900001";
      leg.campaign_id = i < 3 ? std::optional<std::int64_t>(campaign) : std::nullopt;
      leg.lead_id = i == 0 ? std::optional<std::int64_t>(lead.id) : std::nullopt;
      const std::int64_t at = T0 + i * 3'600'000;  // an hour apart
      REQUIRE(h.leg_started(leg, at).ok());
      REQUIRE(h.answered(leg.call_id, "a", at + 2000).ok());
      REQUIRE(h.bridged(leg.call_id, "a", i % 2 ? 8 : 7, at + 3000).ok());
      REQUIRE(h.ended(leg.call_id, "a", history::EndCause::Normal, at + 60000).ok());
    }
    REQUIRE(h.disposition({"call-0", 7, "sale", "", {}}, T0 + 70000).ok());
  }
  auto sup = with_token(f, kSupervisorToken);

  SECTION("tokens") {
    CHECK(f.anonymous().get("/api/v1/cdrs").status == 401);
    CHECK(with_token(f, "wrong").get("/api/v1/cdrs").status == 401);
    CHECK(with_token(f, "wrong").get("/api/v1/cdrs.csv").status == 401);
    CHECK(sup.get("/api/v1/cdrs").status == 200);
    CHECK(sup.get("/api/v1/cdrs.csv").status == 200);
    CHECK(sup.post("/api/v1/cdrs", "{}").status == 403);
    CHECK(admin.post("/api/v1/cdrs", "{}").status == 405);
    CHECK(admin.del("/api/v1/cdrs.csv").status == 405);
  }
  SECTION("filters") {
    auto all = obj(sup.get("/api/v1/cdrs"));
    CHECK(num(all, "total") == 5);
    auto& first = all.at("items").as_array().front().as_object();
    CHECK(first.at("call_id").as_string() == "call-0");
    CHECK(first.at("wrap_code").as_string() == "sale");
    CHECK(first.at("events").as_array().size() == 5);  // start answer bridge end wrap
    CHECK(num(obj(sup.get("/api/v1/cdrs?campaign=" + std::to_string(campaign))), "total") == 3);
    CHECK(num(obj(sup.get("/api/v1/cdrs?agent=8")), "total") == 2);
    CHECK(num(obj(sup.get("/api/v1/cdrs?call_id=CALL-3")), "total") == 1);
    // from inclusive, to exclusive, as ms or UTC dates.
    CHECK(num(obj(sup.get("/api/v1/cdrs?from=" + std::to_string(T0 + 3'600'000))), "total") == 4);
    CHECK(num(obj(sup.get("/api/v1/cdrs?to=" + std::to_string(T0 + 3'600'000))), "total") == 1);
    CHECK(num(obj(sup.get("/api/v1/cdrs?from=2027-01-15T09:00:00Z&to=2027-01-15T11:00:00Z")),
              "total") == 2);
    CHECK(num(obj(sup.get("/api/v1/cdrs?from=2027-01-16")), "total") == 0);
    CHECK(error_code(sup.get("/api/v1/cdrs?from=yesterday")) == "bad_query");
    CHECK(error_code(sup.get("/api/v1/cdrs?agent=-1")) == "bad_query");
    CHECK(error_code(sup.get("/api/v1/cdrs?colour=red")) == "unknown_parameter");
    CHECK(error_code(sup.get("/api/v1/cdrs?limit=0")) == "bad_query");
  }
  SECTION("cursor pages") {
    auto p1 = obj(sup.get("/api/v1/cdrs?limit=2"));
    REQUIRE(p1.at("items").as_array().size() == 2);
    CHECK(num(p1, "total") == 5);
    REQUIRE(p1.at("next_cursor").is_string());
    std::string cursor(p1.at("next_cursor").as_string());
    auto p2 = obj(sup.get("/api/v1/cdrs?limit=2&cursor=" + cursor));
    REQUIRE(p2.at("items").as_array().size() == 2);
    CHECK(p2.at("items").as_array().front().as_object().at("call_id").as_string() == "call-2");
    cursor = std::string(p2.at("next_cursor").as_string());
    auto p3 = obj(sup.get("/api/v1/cdrs?limit=2&cursor=" + cursor));
    CHECK(p3.at("items").as_array().size() == 1);
    CHECK(p3.at("next_cursor").is_null());
    CHECK(error_code(sup.get("/api/v1/cdrs?cursor=abc")) == "bad_query");
  }
  SECTION("CSV") {
    auto r = sup.get("/api/v1/cdrs.csv?campaign=" + std::to_string(campaign));
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type").starts_with("text/csv"));
    CHECK(r.body.starts_with("id,call_id,leg,direction,from_number,to_number,agent_id"));
    CHECK(count_lines(r.body) == 4);                             // header + 3
    CHECK(r.body.find(",+442071234567,") != std::string::npos);  // numbers are not "formulas"
    auto all = sup.get("/api/v1/cdrs.csv");
    CHECK(count_lines(all.body) == 6);
    CHECK(all.body.find("\"'=HYPERLINK(\"\"http://evil\"\")\"") != std::string::npos);
    CHECK(all.body.find(",=HYPERLINK") == std::string::npos);
    CHECK(error_code(sup.get("/api/v1/cdrs.csv?cursor=1")) == "unknown_parameter");
  }
}

TEST_CASE("recordings are listed by call, campaign and state", "[api][recordings]") {
  SupervisorEnv env;
  ApiFixture f;
  REQUIRE(f.started);
  {
    auto s = daemon_store(f);
    history::CallHistory h(*s);
    write_recording_rows(h, T0, "call");
    REQUIRE(h.stop());
  }
  auto sup = with_token(f, kSupervisorToken);
  CHECK(f.anonymous().get("/api/v1/recordings").status == 401);
  CHECK(f.admin().post("/api/v1/recordings", "{}").status == 405);
  auto all = obj(sup.get("/api/v1/recordings"));
  CHECK(num(all, "total") == 3);
  const auto& first = all.at("items").as_array().front().as_object();
  CHECK(first.at("path").as_string() == "/rec/call-0.wav");
  CHECK(first.at("markers").as_array().front().as_object().at("kind").as_string() == "pause");
  CHECK_FALSE(first.contains("markers_json"));
  auto one = obj(sup.get("/api/v1/recordings?call=call-1"));
  REQUIRE(num(one, "total") == 1);
  CHECK(one.at("items").as_array().front().as_object().at("state").as_string() ==
        "truncated_disk_full");
  CHECK(num(obj(sup.get("/api/v1/recordings?campaign=spring")), "total") == 2);
  CHECK(num(obj(sup.get("/api/v1/recordings?campaign=spring&state=complete")), "total") == 1);
  CHECK(num(obj(sup.get("/api/v1/recordings?from=" + std::to_string(T0 + 60'000))), "total") == 2);
  auto page = obj(sup.get("/api/v1/recordings?limit=2"));
  REQUIRE(page.at("next_cursor").is_string());
  auto rest = obj(sup.get("/api/v1/recordings?limit=2&cursor=" +
                          std::string(page.at("next_cursor").as_string())));
  CHECK(rest.at("items").as_array().size() == 1);
  CHECK(error_code(sup.get("/api/v1/recordings?colour=red")) == "unknown_parameter");
  CHECK(error_code(sup.get("/api/v1/recordings?from=yesterday")) == "bad_query");
}

TEST_CASE("lead import reports every row and keeps the good ones", "[api][leads]") {
  SupervisorEnv env;
  ApiFixture f;
  REQUIRE(f.started);
  auto admin = f.admin();
  const std::int64_t campaign = make_campaign(admin, "Import");
  const std::string base = "/api/v1/campaigns/" + std::to_string(campaign);
  REQUIRE(admin.post("/api/v1/dnc", R"({"phone":"+447700900666","note":"asked"})").status == 201);

  SECTION("a file with every kind of row") {
    // BOM, CRLF, a quoted newline, a custom column, a ragged row, a bad number, a duplicate
    // in the file, a DNC number, a national number made E.164 with the country code.
    const std::string csv =
        "\xEF\xBB\xBF"
        "First_Name,last_name,Phone,work,Region\r\n"
        "Ada,\"Love\nlace\",07700 900001,,North\r\n"
        "Bob,Builder,+44 7700 900002,020 7946 0000,South\r\n"
        "Cy,Ragged,07700900003\r\n"
        "Di,Bad,call me maybe,,East\r\n"
        "Ed,Dup,(07700) 900-001,,West\r\n"
        "Flo,Blocked,07700900666,,North\r\n"
        "=cmd,Inject,0044 7700 900007,,\r\n";
    auto r = import(admin, campaign, csv, "?country_code=44");
    REQUIRE(r.status == 200);
    auto rep = obj(r);
    CHECK(num(rep, "rows") == 7);
    CHECK(num(rep, "imported") == 3);
    CHECK(num(rep, "dnc") == 1);
    CHECK(num(rep, "duplicate") == 1);
    CHECK(num(rep, "invalid") == 2);
    const auto& errors = rep.at("errors").as_array();
    REQUIRE(errors.size() == 2);
    CHECK(num(errors[0].as_object(), "line") == 5);  // the quoted newline took a line
    CHECK(num(errors[0].as_object(), "row") == 3);
    CHECK(std::string(errors[0].as_object().at("reason").as_string()).find("cells") !=
          std::string::npos);
    CHECK(num(errors[1].as_object(), "row") == 4);
    CHECK(std::string(errors[1].as_object().at("reason").as_string()).starts_with("phone1"));

    auto list = obj(admin.get(base + "/leads?limit=100"));
    CHECK(num(list, "total") == 4);
    auto ada = obj(admin.get(base + "/leads?phone1=%2B447700900001")).at("items").as_array();
    REQUIRE(ada.size() == 1);
    CHECK(ada[0].as_object().at("last_name").as_string() == "Love\nlace");
    CHECK(ada[0].as_object().at("data_json").as_string() == R"({"Region":"North"})");
    auto bob = obj(admin.get(base + "/leads?phone1=%2B447700900002")).at("items").as_array();
    REQUIRE(bob.size() == 1);
    CHECK(bob[0].as_object().at("phone3").as_string() == "+442079460000");
    CHECK(num(obj(admin.get(base + "/leads?status=dnc")), "total") == 1);

    // Importing the same file again: every number is now a duplicate in the campaign.
    auto again = obj(import(admin, campaign, csv, "?country_code=44"));
    CHECK(num(again, "imported") == 0);
    CHECK(num(again, "duplicate") == 5);

    // Export: a header row, the rows, the formula cell neutralised, numbers as they are.
    auto out = admin.get(base + "/leads.csv");
    REQUIRE(out.status == 200);
    CHECK(out.body.starts_with("id,campaign_id,external_id,first_name,last_name,phone1"));
    CHECK(out.body.find(",'=cmd,") != std::string::npos);
    CHECK(out.body.find(",+447700900007,") != std::string::npos);
    CHECK(with_token(f, kSupervisorToken).get(base + "/leads.csv").status == 200);
  }
  SECTION("without a country code numbers stay digits") {
    auto rep = obj(import(admin, campaign, "phone\n07700 900123\n+1 (555) 010-0199\n"));
    CHECK(num(rep, "imported") == 2);
    CHECK(num(obj(admin.get(base + "/leads?phone1=07700900123")), "total") == 1);
    CHECK(num(obj(admin.get(base + "/leads?phone1=%2B15550100199")), "total") == 1);
  }
  SECTION("dry run writes nothing") {
    auto rep = obj(import(admin, campaign, "phone\n07700900123\n", "?dry_run=true"));
    CHECK(num(rep, "imported") == 1);
    CHECK(num(obj(admin.get(base + "/leads")), "total") == 0);
  }
  SECTION("bad files are refused as a whole") {
    CHECK(error_code(import(admin, campaign, std::string("phone\n\x00\x01\x02\xff", 10))) ==
          "bad_csv");
    auto open_quote = import(admin, campaign, "phone,name\n0770090001,\"Ada\n");
    CHECK(error_code(open_quote) == "bad_csv");
    CHECK(open_quote.body.find("line 2") != std::string::npos);
    CHECK(error_code(import(admin, campaign, "name,email\nAda,a@x\n")) == "bad_csv");  // no phone
    CHECK(error_code(import(admin, campaign, "")) == "bad_csv");
    CHECK(error_code(import(admin, campaign, "phone,Phone1\n1,2\n")) == "bad_csv");  // twice
    CHECK(
        admin.request("POST", base + "/leads/import", "phone\n123\n", "application/json").status ==
        415);
    CHECK(error_code(import(admin, campaign, "phone\n123\n", "?country_code=0x")) == "bad_query");
    CHECK(error_code(import(admin, campaign, "phone\n123\n", "?colour=red")) ==
          "unknown_parameter");
    CHECK(import(admin, 999999, "phone\n123\n").status == 404);
    CHECK(num(obj(admin.get(base + "/leads")), "total") == 0);
  }
  SECTION("tokens") {
    auto anon = f.anonymous();
    CHECK(import(anon, campaign, "phone\n123\n").status == 401);
    auto sup = with_token(f, kSupervisorToken);
    CHECK(import(sup, campaign, "phone\n123\n").status == 403);
    CHECK(sup.get(base + "/leads").status == 200);
    CHECK(f.anonymous().get(base + "/leads.csv").status == 401);
    CHECK(admin.get(base + "/leads/import").status == 405);
    CHECK(admin.get(base + "/nothing").status == 404);
  }
  SECTION("the DNC list") {
    auto sup = with_token(f, kSupervisorToken);
    CHECK(num(obj(sup.get("/api/v1/dnc")), "total") == 1);
    CHECK(sup.post("/api/v1/dnc", R"({"phone":"+15550001"})").status == 403);
    CHECK(error_code(admin.post("/api/v1/dnc", R"({"phone":"0770 090"})")) == "constraint");
    CHECK(error_code(admin.post("/api/v1/dnc", R"({"phone":"+447700900666"})")) == "duplicate");
    auto id = json_id(admin.post("/api/v1/dnc", R"({"phone":"07700900777"})"));
    REQUIRE(id > 0);
    CHECK(admin.del("/api/v1/dnc/" + std::to_string(id)).status == 204);
  }
}

TEST_CASE("oversized lead files are 413 and 10,000 rows import in one request", "[api][leads]") {
  ApiFixture f(api_test_yaml("", "  max_body_bytes: 1048576\n"));
  REQUIRE(f.started);
  auto admin = f.admin();
  const std::int64_t campaign = make_campaign(admin, "Big");
  std::string big = "phone,first_name\n";
  while (big.size() <= 1048576) big += "07700900123,Someone with a long enough name\n";
  CHECK(import(admin, campaign, big).status == 413);
  std::string csv = "external_id,first_name,last_name,phone,home,work,tier\n";
  for (int i = 0; i < 10000; ++i) {
    const std::string n = std::to_string(100000 + i);
    csv += "ext-" + n + ",First" + n + ",Last" + n + ",07700 9" + n + ",0161 49" + n + ",,gold\n";
  }
  csv += "0,Dup,Row,07700 9100000,,,\n";
  REQUIRE(csv.size() < 1048576);
  const auto start = std::chrono::steady_clock::now();
  auto r = import(admin, campaign, csv, "?country_code=44");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(r.status == 200);
  auto rep = obj(r);
  CHECK(num(rep, "imported") == 10000);
  CHECK(num(rep, "duplicate") == 1);
  CHECK(num(rep, "invalid") == 0);
  CHECK(num(obj(admin.get("/api/v1/campaigns/" + std::to_string(campaign) + "/leads?limit=1")),
            "total") == 10000);
  auto out = admin.get("/api/v1/campaigns/" + std::to_string(campaign) + "/leads.csv");
  CHECK(count_lines(out.body) == 10001);
  std::printf("lead import: 10,000 rows (%zu bytes) in %.3f s\n", csv.size(), seconds);
}

TEST_CASE("after a kill -9 of the daemon, the restart closes open calls and frees leads",
          "[api][cdr][crash]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto admin = f.admin();
  const std::int64_t campaign = make_campaign(admin, "Crash");
  REQUIRE(admin
              .post("/api/v1/wrap-codes",
                    R"({"name":"Number done","code":"num-done","completes_number":true})")
              .status == 201);
  REQUIRE(import(admin, campaign, "phone\n+447700900001\n+447700900002\n").status == 200);
  auto leads = obj(admin.get("/api/v1/campaigns/" + std::to_string(campaign) + "/leads"));
  const auto lead_a = num(leads.at("items").as_array()[0].as_object(), "id");
  const auto lead_b = num(leads.at("items").as_array()[1].as_object(), "id");
  {
    auto s = daemon_store(f);
    history::CallHistory h(*s);
    history::LegStart leg;
    leg.call_id = "open-call";
    leg.direction = "outbound";
    leg.to_number = "+447700900001";
    leg.campaign_id = campaign;
    leg.lead_id = lead_a;
    REQUIRE(h.leg_started(leg, T0).ok());
    REQUIRE(h.answered("open-call", "a", T0 + 3000).ok());
    leg.call_id = "wrapped-call";
    leg.lead_id = lead_b;
    REQUIRE(h.leg_started(leg, T0).ok());
    REQUIRE(h.answered("wrapped-call", "a", T0 + 1000).ok());
    REQUIRE(h.bridged("wrapped-call", "a", 1, T0 + 1500).ok());
    REQUIRE(h.ended("wrapped-call", "a", history::EndCause::Normal, T0 + 9000).ok());
    REQUIRE(h.disposition({"wrapped-call", 1, "num-done", "", {}}, T0 + 9500).ok());
  }
  f.daemon.stop(9);
  REQUIRE(f.daemon.start());
  admin = f.admin();  // a new kernel-chosen port
  CHECK(f.daemon.stderr_text().find("1 CDRs closed") != std::string::npos);
  auto a =
      obj(admin.get("/api/v1/campaigns/" + std::to_string(campaign) + "/leads?status=in_progress"));
  CHECK(num(a, "total") == 0);
  auto open = obj(admin.get("/api/v1/cdrs?call_id=open-call")).at("items").as_array();
  REQUIRE(open.size() == 1);
  CHECK(open[0].as_object().at("hangup_cause").as_string() == "interrupted");
  CHECK(num(open[0].as_object(), "ended_at_ms") == T0 + 3000);
  auto wrapped = obj(admin.get("/api/v1/cdrs?call_id=wrapped-call")).at("items").as_array();
  REQUIRE(wrapped.size() == 1);
  CHECK(wrapped[0].as_object().at("wrap_code").as_string() == "num-done");
  CHECK(num(obj(admin.get("/api/v1/campaigns/" + std::to_string(campaign) + "/leads?status=done")),
            "total") == 1);
}
