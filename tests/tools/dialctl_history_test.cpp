// dialctl's cdrs and leads commands against a real dialcored (label control): lead import from
// a file with its report and exit codes, export to a file and to stdout, CDR export with
// filters, a supervisor's read-only rights, usage errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "control/history/call_history.hpp"
#include "control/store/sqlite_store.hpp"
#include "tests/control/api/recording_rows.hpp"
#include "tests/tools/dialctl_runner.hpp"

using namespace dialcore::test;
namespace store = dialcore::control::store;
namespace history = dialcore::control::history;

namespace {

constexpr const char* kSupervisorToken = "dialctl-supervisor-token-0123456789";
constexpr std::int64_t T0 = 1'800'000'000'000;  // 2027-01-15T08:00:00Z

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("dialctl imports and exports leads and exports CDRs", "[dialctl]") {
  setenv("DIALCORE_SUPERVISOR_TOKEN", kSupervisorToken, 1);
  ApiFixture f;
  unsetenv("DIALCORE_SUPERVISOR_TOKEN");
  REQUIRE(f.started);
  const std::string dir = f.daemon.dir().string();
  REQUIRE(dialctl(f, "campaigns add name=Spring max_attempts=3").status == 0);

  // leads import: a report line per invalid row, exit 1 when some rows were invalid.
  write_file(dir + "/leads.csv",
             "first_name,phone,home\r\n"
             "Ada,07700 900001,0161 496 0000\r\n"
             "Bob,07700 900002,\r\n"
             "Cy,not a number,\r\n"
             "Ed,07700900001,\r\n");
  Run imp = dialctl(f, "leads import Spring " + dir + "/leads.csv --country-code 44");
  CHECK(imp.status == 1);
  CHECK(imp.out.find("4 rows: 2 imported, 0 dnc, 1 duplicate, 1 invalid") != std::string::npos);
  CHECK(imp.out.find("line 4: phone1") != std::string::npos);
  // A clean file: exit 0; --json gives the counts; the campaign by id works too.
  write_file(dir + "/more.csv", "phone\n07700900003\n");
  Run more = dialctl(f, "--json leads import 1 " + dir + "/more.csv --country-code 44");
  CHECK(more.status == 0);
  CHECK(json_of(more).at("imported").to_number<int>() == 1);
  CHECK(dialctl(f, "leads import Spring " + dir + "/no-such.csv").status == 1);
  CHECK(dialctl(f, "leads import Nowhere " + dir + "/more.csv").status == 1);
  CHECK(dialctl(f, "leads import Spring").status == 2);
  CHECK(dialctl(f, "leads import Spring " + dir + "/more.csv --bogus").status == 2);
  // Supervisors read but do not import.
  CHECK(dialctl(f, "leads import Spring " + dir + "/more.csv", kSupervisorToken).status == 4);

  // leads export to a file and to stdout; leads list.
  REQUIRE(dialctl(f, "leads export Spring " + dir + "/out.csv").status == 0);
  const std::string exported = slurp(dir + "/out.csv");
  CHECK(count_lines(exported) == 4);  // header + 3 leads
  CHECK(exported.find("+447700900001") != std::string::npos);
  CHECK(exported.find("+441614960000") != std::string::npos);
  Run to_stdout = dialctl(f, "leads export Spring", kSupervisorToken);
  CHECK(to_stdout.status == 0);
  CHECK(to_stdout.out == exported);
  Run list = dialctl(f, "leads list Spring --status new");
  CHECK(list.status == 0);
  CHECK(list.out.find("(3 of 3)") != std::string::npos);

  // CDRs written by the call history writer into the daemon's database.
  {
    store::SqliteOptions o;
    o.path = dir + "/data/dialcore.sqlite";
    auto s = store::open_sqlite_store(o);
    REQUIRE(s.ok());
    history::CallHistory h(**s);
    for (int i = 0; i < 3; ++i) {
      history::LegStart leg;
      leg.call_id = std::string("cli-").append(std::to_string(i));
      leg.direction = "inbound";
      leg.from_number = "+447700900009";
      leg.campaign_id = i < 2 ? std::optional<std::int64_t>(1) : std::nullopt;
      REQUIRE(h.leg_started(leg, T0 + i * 86'400'000).ok());
      REQUIRE(
          h.ended(leg.call_id, "a", history::EndCause::NoAnswer, T0 + i * 86'400'000 + 30000).ok());
    }
  }
  Run all = dialctl(f, "cdrs export", kSupervisorToken);
  CHECK(all.status == 0);
  CHECK(all.out.starts_with("id,call_id,leg"));
  CHECK(count_lines(all.out) == 4);
  REQUIRE(
      dialctl(f, "cdrs export --campaign 1 --from 2027-01-15 --to 2027-01-16 " + dir + "/cdrs.csv")
          .status == 0);
  const std::string one = slurp(dir + "/cdrs.csv");
  CHECK(count_lines(one) == 2);
  CHECK(one.find("cli-0") != std::string::npos);
  Run page = dialctl(f, "cdrs list --limit 2");
  CHECK(page.status == 0);
  CHECK(page.out.find("next: --cursor") != std::string::npos);
  Run json_page = dialctl(f, "--json cdrs list --call-id cli-2");
  CHECK(json_of(json_page).at("total").to_number<int>() == 1);
  CHECK(dialctl(f, "cdrs export --from yesterday").status == 1);
  CHECK(dialctl(f, "cdrs export --from").status == 2);
  CHECK(dialctl(f, "cdrs delete").status == 2);
  CHECK(dialctl(f, "cdrs export", "wrong-token").status == 4);
  CHECK(dialctl(f, "cdrs --help").out.find("usage: dialctl") != std::string::npos);
}

TEST_CASE("dialctl lists the recording index by campaign and state", "[dialctl][recordings]") {
  ApiFixture f;
  REQUIRE(f.started);
  {
    store::SqliteOptions o;
    o.path = f.daemon.dir().string() + "/data/dialcore.sqlite";
    auto s = store::open_sqlite_store(o);
    REQUIRE(s.ok());
    history::CallHistory h(**s);
    write_recording_rows(h, T0, "rec");
    REQUIRE(h.stop());
  }
  const Run table = dialctl(f, "recordings list --campaign spring");
  CHECK(table.status == 0);
  CHECK(table.out.find("STATE") != std::string::npos);
  CHECK(table.out.find("/rec/rec-0.wav") != std::string::npos);
  CHECK(table.out.find("/rec/rec-2.wav") == std::string::npos);
  CHECK(table.out.find("(2 of 2)") != std::string::npos);
  const Run truncated = dialctl(f, "--json recordings list --state truncated_disk_full");
  CHECK(truncated.status == 0);
  CHECK(json_of(truncated).at("total").to_number<int>() == 1);
  CHECK(dialctl(f, "recordings list --from yesterday").status == 1);  // the API's 400
  CHECK(dialctl(f, "recordings delete").status == 2);
  CHECK(dialctl(f, "recordings list --bogus x").status == 2);
}
