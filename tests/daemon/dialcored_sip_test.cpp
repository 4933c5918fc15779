// dialcored with SIP (issue 10 part 1): with sip.interfaces configured the daemon starts the SIP
// stack after the dataplane, logs the bound contact (port 0: the kernel's), rejects an Incoming
// call with 480 when no agent is available (the Appliance's inbound router) and counts it, and on SIGTERM stops SIP first
// and exits 0 promptly. Runs in a private network namespace (the SIP tests' harness: sipp on a
// fixed port cannot collide with anything) (label sip).
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <string>

#include "tests/control/sip/sip_test_support.hpp"
#include "tests/control/sip/sipp_scenarios.hpp"
#include "tests/daemon/daemon_yaml.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/http_client.hpp"

using namespace dialcore::test;

namespace {

constexpr const char* kToken = "test-admin-token-0123456789";
constexpr std::uint16_t kCallerPort = 5080;  // inside the private namespace

const std::string kSipYaml =
    "sip:\n"
    "  interfaces:\n"
    "    - {name: carriers, role: trunk, listen: [\"127.0.0.1:0\"]}\n";

// The port the daemon logged for `interface`, or 0.
unsigned logged_port(const std::string& log, const std::string& interface) {
  const std::string key = "sip: interface " + interface + " (trunk) listening on ";
  const auto at = log.find(key);
  if (at == std::string::npos) return 0;
  const auto port_at = log.find(" port ", at + key.size());
  if (port_at == std::string::npos) return 0;
  return static_cast<unsigned>(std::stoul(log.substr(port_at + 6)));
}

}  // namespace

TEST_CASE("dialcored starts SIP, rejects an inbound call with 480 and stops SIP first",
          "[daemon][sip]") {
  enter_private_netns();
  DaemonProcess d(DIALCORE_DIALCORED, dataplane_yaml() + kSipYaml, kToken);
  REQUIRE(d.start());
  const std::string started = d.stderr_text();
  INFO(started);
  const unsigned port = logged_port(started, "carriers");
  REQUIRE(port != 0);
  // SIP started after the dataplane.
  CHECK(started.find("dataplane: 2 socket workers") < started.find("sip: interface carriers"));

  HttpClient c(d.host(), d.port());
  HttpReply m = c.get("/metrics");
  REQUIRE(m.status == 200);
  CHECK(sample(m.body, "dialcore_sip_interface_port{interface=\"carriers\"}") == port);
  CHECK(sample(m.body, "dialcore_sip_incoming_rejected_total") == 0);
  CHECK(sample(m.body, "dialcore_history_queue_depth") == 0);
  CHECK(sample(m.body, "dialcore_history_written_total") == 0);

  TempDir dir;
  Sipp caller(dir,
              {"-sf", write_scenario(dir, "caller", scenarios::uac_expect_rejection("2001", 480)),
               "-i", "127.0.0.1", "-nostdin", "-timeout", "20s", "-timeout_error", "-p",
               std::to_string(kCallerPort), "-m", "1", "127.0.0.1:" + std::to_string(port)});
  const int status = caller.wait();
  INFO(caller.log());
  CHECK(status == 0);  // sipp saw the 480 it expected and sent the ACK

  m = c.get("/metrics");
  CHECK(sample(m.body, "dialcore_sip_calls_incoming_total") == 1);
  // The Appliance's inbound router refused it (no agent available), not the no-handler fallback.
  CHECK(sample(m.body, "dialcore_sip_incoming_rejected_total") == 0);
  CHECK(sample(m.body, "dialcore_calls_incoming_total") == 1);
  CHECK(sample(m.body, "dialcore_sip_calls_ended_total{end=\"rejected\"}") == 1);
  CHECK(sample(m.body, "dialcore_sip_live_calls") == 0);

  const auto t0 = std::chrono::steady_clock::now();
  CHECK(d.stop(SIGTERM) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  const std::string log = d.stderr_text();
  const auto sip_stopped = log.find("sip: stopped");
  REQUIRE(sip_stopped != std::string::npos);
  CHECK(sip_stopped < log.rfind("dialcored: stopped"));
}

TEST_CASE("dialcored refuses to start when a SIP interface cannot bind", "[daemon][sip]") {
  enter_private_netns();
  // 192.0.2.1 (TEST-NET-1) is on no interface in the private namespace.
  DaemonProcess d(DIALCORE_DIALCORED,
                  dataplane_yaml() +
                      "sip:\n  interfaces:\n"
                      "    - {name: carriers, role: trunk, listen: [\"192.0.2.1:0\"]}\n",
                  kToken);
  CHECK_FALSE(d.start());
  CHECK(d.stderr_text().find("dialcored: sip:") != std::string::npos);
}
