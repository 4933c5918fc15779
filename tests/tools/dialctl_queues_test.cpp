// dialctl queues stats against a real dialcored whose Appliance runs one configured inbound
// queue (label control): the API's live figures per queue (GET /api/v1/queues/stats and
// /api/v1/queues/{id}/stats) reach the command as JSON and as a table; an unknown queue is the
// API's 404 (exit 1), extra words are usage (exit 2). SIP listens on a kernel-chosen loopback
// port; nobody calls, so every count is zero.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <string>

#include "tests/daemon/daemon_yaml.hpp"
#include "tests/tools/dialctl_runner.hpp"

using namespace dialcore::test;

namespace {

std::string queue_yaml() {
  return dataplane_yaml("[0]") +
         "sip:\n"
         "  interfaces:\n"
         "    - {name: carrier, role: trunk, listen: [\"127.0.0.1:0\"]}\n"
         "  trunks:\n"
         "    - {id: carrier, interface: carrier, proxy: \"sip:127.0.0.1:9\", max_calls: 10}\n"
         "teams:\n"
         "  - {id: support, name: Support}\n"
         "queues:\n"
         "  - {id: help, name: Help, teams: [support], dids: [\"442070000100\"],\n"
         "     strategy: longest-idle, ring_timeout_s: 20}\n";
}

}  // namespace

TEST_CASE("dialctl queues stats shows the running queues' live figures", "[dialctl][queues]") {
  ApiFixture f(queue_yaml());
  REQUIRE(f.started);
  const Run all = dialctl(f, "--json queues stats");
  INFO(all.out << all.err);
  REQUIRE(all.status == 0);
  const auto answer = json_of(all);
  const auto& queues = answer.at("queues").as_array();
  REQUIRE(queues.size() == 1);
  const auto& help = queues[0].as_object();
  CHECK(help.at("id").as_string() == "help");
  CHECK(help.at("name").as_string() == "Help");
  CHECK(help.at("waiting").to_number<std::int64_t>() == 0);
  CHECK(help.at("longest_wait_ms").to_number<std::int64_t>() == 0);
  CHECK(help.at("agents_available").to_number<std::int64_t>() == 0);
  CHECK(help.at("answered_today").to_number<std::int64_t>() == 0);
  CHECK(help.at("abandoned_today").to_number<std::int64_t>() == 0);
  CHECK(help.at("overflowed_today").to_number<std::int64_t>() == 0);

  const Run one = dialctl(f, "--json queues stats help");
  REQUIRE(one.status == 0);
  CHECK(json_of(one).at("id").as_string() == "help");
  const Run table = dialctl(f, "queues stats");  // for people: a table with the queue's row
  CHECK(table.status == 0);
  CHECK(table.out.find("WAITING") != std::string::npos);
  CHECK(table.out.find("Help") != std::string::npos);

  const Run missing = dialctl(f, "queues stats nosuch");
  CHECK(missing.status == 1);
  CHECK(missing.err.find("404") != std::string::npos);
  CHECK(dialctl(f, "queues stats help extra").status == 2);
}
