// dialcore-agent-sim's API side against the real HTTP API in-process: control/api's Router and
// Beast Server with the agent floor over a recording CallControl double (tests/control/floor's
// fixture). The simulator logs in with the agent's own credentials, starts its floor session
// (call-me, persistent), follows the event stream, answers an offered call, wraps with a code
// from its list after its wrap time, pauses (pause-prob 1) with a reason and comes back, and
// logs out on SIGTERM. Bad credentials and an unreachable API: a clear error and exit 1.
// Label agent.
#include <boost/json.hpp>

#include <fstream>
#include <sstream>

#include "tests/control/floor/floor_fixture.hpp"
#include "tests/support/sim_process.hpp"

using namespace dialcore::test;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<std::string> sim_args(std::uint16_t api_port, const std::string& agents, std::vector<std::string> more) {
  std::vector<std::string> a{DIALCORE_AGENT_SIM, "--api", "http://127.0.0.1:" + std::to_string(api_port), "--agents",
                             agents, "--json", "--verbose"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

// Polls the call-layer log for a line (the sim acts on its own schedule).
bool wait_log(FloorWorld& f, const std::string& line, int timeout_ms = 5000) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    for (const auto& l : f.call_log()) {
      if (l == line) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE("the simulated agent logs in, answers, wraps with its codes, pauses and logs out", "[agents][api]") {
  FloorWorld f;
  f.wrap_code("sale");
  f.wrap_code("no_sale");
  f.wrap_code("callback");
  const auto campaign = f.campaign("Renewals");
  const auto id = f.agent("erin");
  const std::string me = std::to_string(id);
  SseClient watch(f.port, "/api/v1/floor/supervisor/events", kFloorSupervisor);
  REQUIRE(watch.head().find("200 OK") != std::string::npos);

  TempDir dir;
  SimProcess sim(sim_args(f.port, "erin:erin-phone:" + std::string(kAgentPass),
                          {"--wrap-codes", "sale:3,no_sale:1", "--wrap-s", "0.2:0.4", "--pause-prob", "1",
                           "--pause-s", "0.3", "--pause-reasons", "break,lunch", "--seed", "5"}),
                 dir.file("sim.log"));
  INFO(read_text(dir.file("sim.log")));
  // Its floor login asked the call layer for the voice connection it wants.
  REQUIRE(wait_log(f, "connect_voice " + me + " call_me erin-phone persistent"));
  REQUIRE(watch.wait_for("state", "\"to\":\"no_voice\""));
  f.on_io([&] {
    f.floor.voice_connected(id);
    return 0;
  });
  // pause-prob 1: it pauses as soon as it is available, with one of its reasons, and returns.
  const auto paused = watch.wait_for("state", "\"to\":\"paused\"");
  REQUIRE(paused);
  const std::string reason = std::string(paused->json().at("detail").as_string());
  CHECK((reason == "break" || reason == "lunch"));
  REQUIRE(watch.wait_for("state", "\"to\":\"available\""));

  // A call: offered, answered by the simulated agent over the API, ended by the far end.
  REQUIRE(f.offer(id, 7, campaign).ok());
  REQUIRE(wait_log(f, "answer " + me + " 7"));
  REQUIRE(watch.wait_for("state", "\"to\":\"on_call\""));
  f.on_io([&] {
    f.floor.call_ended(7);
    return 0;
  });
  REQUIRE(watch.wait_for("state", "\"to\":\"wrap\""));
  const auto t_wrap = std::chrono::steady_clock::now();
  const auto wrapped = watch.wait_for("wrap", "\"agent_id\":" + me);
  REQUIRE(wrapped);
  const auto waited = std::chrono::steady_clock::now() - t_wrap;
  CHECK(waited >= std::chrono::milliseconds(150));  // its drawn wrap time (0.2-0.4 s), not at once
  const std::string code = std::string(wrapped->json().at("code").as_string());
  CHECK((code == "sale" || code == "no_sale"));  // from its list, never "callback"
  // ... and it pauses again after the wrap (probability 1), then is available.
  REQUIRE(watch.wait_for("state", "\"to\":\"paused\""));
  REQUIRE(watch.wait_for("state", "\"to\":\"available\""));

  sim.terminate();
  REQUIRE(sim.wait() == 0);
  INFO(sim.output());
  // Logged out of the floor (the voice connection released) and the session ended.
  REQUIRE(watch.wait_for("state", "\"to\":\"logged_out\""));
  CHECK(wait_log(f, "disconnect_voice " + me));
  const auto v = boost::json::parse(sim.json_line());
  const auto& a = v.at("agents").at(0).as_object();
  CHECK(a.at("agent").as_string() == "erin");
  CHECK(a.at("floor_logged_in").as_bool());
  CHECK(a.at("floor_offers").to_number<int>() == 1);
  CHECK(a.at("floor_answers").to_number<int>() == 1);
  CHECK(a.at("wraps").to_number<int>() == 1);
  CHECK(a.at("dispositions").at(code).to_number<int>() == 1);
  CHECK(a.at("pauses").to_number<int>() == 2);
  CHECK(a.at("logouts").to_number<int>() == 1);
  CHECK(a.at("state").as_string() == "logged_out");
  CHECK(a.at("errors").to_number<int>() == 0);
  CHECK(a.at("on_call_seconds").to_number<double>() > 0);
  CHECK(a.at("events").to_number<int>() >= 8);
  CHECK(f.on_io([&] { return f.floor.sessions(); }) == 0);
}

TEST_CASE("a wrap in progress at SIGTERM is submitted before the logout", "[agents][api]") {
  FloorWorld f;
  f.wrap_code("sale");
  const auto id = f.agent("gail");
  SseClient watch(f.port, "/api/v1/floor/supervisor/events", kFloorSupervisor);
  TempDir dir;
  SimProcess sim(sim_args(f.port, "gail:gail:" + std::string(kAgentPass), {"--wrap-s", "30"}), dir.file("sim.log"));
  REQUIRE(watch.wait_for("state", "\"to\":\"no_voice\""));
  f.on_io([&] {
    f.floor.voice_connected(id);
    return 0;
  });
  REQUIRE(watch.wait_for("state", "\"to\":\"available\""));
  REQUIRE(f.offer(id, 9).ok());
  REQUIRE(watch.wait_for("state", "\"to\":\"on_call\""));
  f.on_io([&] {
    f.floor.call_ended(9);
    return 0;
  });
  REQUIRE(watch.wait_for("state", "\"to\":\"wrap\""));
  sim.terminate();  // long before its 30 s wrap time
  REQUIRE(sim.wait(std::chrono::seconds(15)) == 0);
  CHECK(watch.wait_for("wrap", "\"code\":\"sale\""));
  CHECK(watch.wait_for("state", "\"to\":\"logged_out\""));
  const auto v = boost::json::parse(sim.json_line());
  CHECK(v.at("total").at("wraps").to_number<int>() == 1);
  CHECK(v.at("total").at("logouts").to_number<int>() == 1);
}

TEST_CASE("bad credentials and an unreachable API: a clear error and exit 1", "[agents][api]") {
  TempDir dir;
  {
    FloorWorld f;
    f.agent("hana");
    SimProcess sim(sim_args(f.port, "hana:hana:not-her-password", {}), dir.file("bad.log"));
    CHECK(sim.wait(std::chrono::seconds(15)) == 1);
    const auto log = read_text(dir.file("bad.log"));
    INFO(log);
    CHECK(log.find("agent hana: login refused: 401") != std::string::npos);
  }
  // A port nothing listens on: a bound socket never listened to refuses connections.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  SimProcess sim(sim_args(ntohs(a.sin_port), "ivy:ivy:pw", {}), dir.file("down.log"));
  CHECK(sim.wait(std::chrono::seconds(15)) == 1);
  ::close(fd);
  const auto log = read_text(dir.file("down.log"));
  INFO(log);
  CHECK(log.find("is unreachable") != std::string::npos);
}
