// dialcored with its dataplane (issue 10): the workers start from config.dataplane, /metrics
// shows their counters, SIGTERM stops everything in order and promptly, and a core that does
// not exist fails start-up with a clear message. A real daemon per test (DaemonProcess).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "tests/daemon/daemon_yaml.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/http_client.hpp"

using namespace dialcore::test;

namespace {
constexpr const char* kToken = "test-admin-token-0123456789";
}  // namespace

TEST_CASE("dialcored runs the dataplane workers and /metrics shows their counters", "[daemon]") {
  DaemonProcess d(DIALCORE_DIALCORED, dataplane_yaml(), kToken);
  REQUIRE(d.start());
  CHECK(d.stderr_text().find("dataplane: 2 socket workers on cores 0,1 (unpinned)") !=
        std::string::npos);
  HttpClient c(d.host(), d.port());
  HttpReply m;
  // The first scrape may come before a worker turned; the gauges are there from the start.
  m = c.get("/metrics");
  REQUIRE(m.status == 200);
  for (const char* w : {"worker=\"0\",core=\"0\"", "worker=\"1\",core=\"1\""}) {
    INFO(w);
    const std::string labels = std::string("{") + w + "}";
    CHECK(sample(m.body, "dialcore_worker_up" + labels) == 1);
    CHECK(sample(m.body, "dialcore_worker_pinned" + labels) == 0);
    CHECK(sample(m.body, "dialcore_worker_legs" + labels) == 0);
    CHECK(sample(m.body, "dialcore_worker_leg_capacity" + labels) == 64);
    CHECK(sample(m.body, "dialcore_worker_rx_packets_total" + labels) == 0);
    CHECK(sample(m.body, "dialcore_worker_rx_no_leg_total" + labels) == 0);
    CHECK(sample(m.body, "dialcore_worker_io_tx_full_total" + labels) == 0);
    CHECK(sample(m.body, "dialcore_worker_command_ring_depth" + labels) == 0);
    CHECK(sample(m.body, "dialcore_media_commands_timeouts_total" + labels) == 0);
    CHECK(sample(m.body, "dialcore_media_commands_busy_ring_full_total" + labels) == 0);
    CHECK(sample(m.body, "dialcore_worker_loop_turns_total" + labels) >= 0);
  }
  // The loops turn: a later scrape sees more turns and some CPU time.
  const double turns = sample(m.body, "dialcore_worker_loop_turns_total{worker=\"0\",core=\"0\"}");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  m = c.get("/metrics");
  CHECK(sample(m.body, "dialcore_worker_loop_turns_total{worker=\"0\",core=\"0\"}") > turns);
  CHECK(sample(m.body, "dialcore_worker_cpu_seconds_total{worker=\"1\",core=\"1\"}") > 0);
  CHECK(m.body.find("# TYPE dialcore_worker_io_rx_packets_total counter") != std::string::npos);

  const auto t0 = std::chrono::steady_clock::now();
  CHECK(d.stop(SIGTERM) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  CHECK(d.stderr_text().find("stopped") != std::string::npos);
}

TEST_CASE("dialcored refuses to start on a core that does not exist, naming it", "[daemon]") {
  DaemonProcess d(DIALCORE_DIALCORED, dataplane_yaml("[1023]", true), kToken);
  CHECK_FALSE(d.start());
  const std::string log = d.stderr_text();
  CHECK(log.find("core_not_available") != std::string::npos);
  CHECK(log.find("core 1023") != std::string::npos);
}

TEST_CASE("dialcored --check validates without starting workers", "[daemon]") {
  // Pinned to a core that does not exist: only starting the workers would notice.
  DaemonProcess d(DIALCORE_DIALCORED, dataplane_yaml("[1023]", true), kToken);
  const std::string cmd =
      std::string(DIALCORE_DIALCORED) + " --config " + d.config_path() + " --check 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  CHECK(::pclose(p) == 0);
  CHECK(out.find("ok: ") != std::string::npos);
}
