// dialctl campaigns start|pause|stop|stats against a real dialcored whose Appliance runs one
// configured campaign (label control): the verbs reach the running campaign, the state it
// reports changes, and bad ids or a campaign that is not running give the exit codes scripts
// rely on (1 API error, 2 usage). SIP listens on a kernel-chosen loopback port; no lead is
// loaded, so nothing is dialled.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <string>

#include "tests/daemon/daemon_yaml.hpp"
#include "tests/tools/dialctl_runner.hpp"

using namespace dialcore::test;

namespace {

std::string appliance_yaml() {
  // dataplane_yaml() brings the auto-pause reason; the rest is what a campaign needs.
  return dataplane_yaml("[0]") +
         "sip:\n"
         "  interfaces:\n"
         "    - {name: carrier, role: trunk, listen: [\"127.0.0.1:0\"]}\n"
         "  trunks:\n"
         "    - {id: carrier, interface: carrier, proxy: \"sip:127.0.0.1:9\", max_calls: 10}\n"
         "wrap_codes:\n"
         "  - {code: sale, name: Sale, outcome: complete}\n"
         "teams:\n"
         "  - {id: sales, name: Sales}\n"
         "campaigns:\n"
         "  - {id: spring, name: spring, teams: [sales], trunk: carrier,\n"
         "     dialler: {strategy: progressive}, autostart: false}\n";
}

std::string state_of(const Run& r) {
  const auto o = json_of(r);
  const auto* s = o.if_contains("state");
  return s && s->is_string() ? std::string(s->get_string()) : "";
}

}  // namespace

TEST_CASE("dialctl starts, pauses, stops and reads a running campaign", "[dialctl][campaigns]") {
  ApiFixture f(appliance_yaml());
  REQUIRE(f.started);
  const Run list = dialctl(f, "--json campaigns list");
  REQUIRE(list.status == 0);
  const auto page = json_of(list);
  const auto& items = page.at("items").as_array();
  REQUIRE(items.size() == 1);
  const std::string id = std::to_string(items[0].at("id").to_number<std::int64_t>());

  const Run before = dialctl(f, "--json campaigns stats " + id);
  REQUIRE(before.status == 0);
  CHECK(state_of(before) != "running");
  CHECK(json_of(before).contains("dials"));

  const Run start = dialctl(f, "--json campaigns start " + id);
  CHECK(start.status == 0);
  CHECK(state_of(start) == "running");
  CHECK(state_of(dialctl(f, "--json campaigns stats " + id)) == "running");
  const Run pause = dialctl(f, "campaigns pause " + id);  // a table for people
  CHECK(pause.status == 0);
  CHECK(pause.out.find("state") != std::string::npos);
  CHECK(pause.out.find("paused") != std::string::npos);
  CHECK(dialctl(f, "campaigns stop " + id).status == 0);
  CHECK(state_of(dialctl(f, "--json campaigns stats " + id)) == "stopped");

  // Not a configured campaign: the API's error, exit 1. Not an id: usage, exit 2.
  const Run missing = dialctl(f, "campaigns start 999999");
  CHECK(missing.status == 1);
  CHECK(missing.err.find("404") != std::string::npos);
  CHECK(dialctl(f, "campaigns start spring").status == 2);
  CHECK(dialctl(f, "campaigns stats").status == 2);
}

TEST_CASE("dialctl campaigns start says so when no campaign runs in the daemon", "[dialctl][campaigns]") {
  ApiFixture f;  // no SIP: no Appliance
  REQUIRE(f.started);
  const Run r = dialctl(f, "campaigns start 1");
  CHECK(r.status == 1);
  CHECK(r.err.find("campaigns_not_running") != std::string::npos);
}
