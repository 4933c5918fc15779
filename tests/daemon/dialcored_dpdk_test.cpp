// dialcored with `backend: dpdk` (issue 3): a real daemon started inside a network namespace the
// test makes, its dataplane on net_af_packet (two queue pairs) bound to one end of a veth pair,
// two workers. The kernel in the other namespace resolves our address by ARP (worker 0 answers
// whichever queue the request came in on) and sends a datagram to a port that is not RTP (a
// counted drop without an exception path); /metrics shows the DPDK counters per worker, the
// log names the port and the software dispatch, SIGTERM stops it cleanly. Root; skipped (77)
// when namespaces cannot be made. The relay itself through the runtime on DPDK is
// tests/dataplane/runtime/runtime_dpdk_test.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "dataplane/api/net_address.hpp"
#include "tests/dataplane/io/udp_peer.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/netns.hpp"

using namespace dialcore::test;

namespace {

constexpr const char* kToken = "test-admin-token-0123456789";
constexpr Mac kDutMac = {0x02, 0xdc, 0x00, 0x00, 0x02, 0x01};
constexpr Mac kPeersMac = {0x02, 0xdc, 0x00, 0x00, 0x02, 0x02};

double sample(const std::string& text, const std::string& prefix) {
  const auto at = text.find("\n" + prefix);
  if (at == std::string::npos) return -1;
  const auto space = text.find(' ', at + 1 + prefix.size());
  return std::stod(text.substr(space + 1, text.find('\n', space) - space - 1));
}

}  // namespace

TEST_CASE("dialcored runs backend dpdk: two workers on af_packet, ARP answered, counters on /metrics",
          "[daemon][dpdk][netns]") {
  if (::geteuid() != 0) {
    std::fputs("SKIPPED: not root (DPDK needs root for EAL)\n", stderr);
    std::_Exit(77);
  }
  if (const auto why = netns_unavailable()) {
    std::fprintf(stderr, "SKIPPED: %s\n", why->c_str());
    std::_Exit(77);
  }
  NetNs dut("dut");
  NetNs peers("peers");
  VethPair veth(dut, kDutMac, peers, kPeersMac);
  peers.ip({"addr", "add", "10.78.0.2/24", "dev", veth.b()});
  {
    const NetNsScope in_peers(peers);
    set_tx_checksum_offload(veth.b(), false);
  }
  const std::string yaml =
      "dataplane:\n"
      "  backend: dpdk\n"
      "  workers: [0, 1]\n"
      "  pin_workers: false\n"
      "  idle_sleep_us: 50\n"
      "  addresses: [10.78.0.1]\n"
      "  rtp_port_first: 20000\n"
      "  rtp_port_last: 20099\n"
      "  legs_per_worker: 64\n"
      "  dpdk:\n"
      "    eal_args: [--no-huge, --no-pci, -m, \"256\", -l, \"0\", --no-shconf, --no-telemetry,\n"
      "               \"--file-prefix=dialcored-test-" +
      std::to_string(::getpid()) +
      "\",\n"
      "               \"--vdev=net_af_packet0,iface=" +
      veth.a() +
      ",qpairs=2\"]\n"
      "    device: net_af_packet0\n"
      "    prefix_lengths: [24]\n"
      "    mac: \"02:dc:00:00:02:01\"\n"
      "pause_reasons:\n"
      "  - {code: auto, name: Auto Pause, auto_pause: true}\n";
  std::unique_ptr<DaemonProcess> d;
  {
    const NetNsScope in_dut(dut);  // the daemon is forked from here: it lives in "dut"
    d = std::make_unique<DaemonProcess>(DIALCORE_DIALCORED, yaml, kToken);
    const bool started = d->start();
    INFO(d->stderr_text());
    REQUIRE(started);
  }
  const std::string log = d->stderr_text();
  INFO(log);
  CHECK(log.find("dataplane: 2 dpdk workers on cores 0,1 (unpinned)") != std::string::npos);
  CHECK(log.find("net_af_packet0") != std::string::npos);
  CHECK(log.find("steering software") != std::string::npos);

  // The kernel in "peers" asks for 10.78.0.1 by ARP, then sends a datagram to a port outside
  // the RTP range: no exception path configured, so a counted drop.
  {
    const NetNsScope in_peers(peers);
    UdpPeer p(dialcore::dataplane::NetAddress::v4(10, 78, 0, 2, 0));
    REQUIRE(p.ok());
    for (int i = 0; i < 5; ++i) {
      REQUIRE(p.send_to(dialcore::dataplane::NetAddress::v4(10, 78, 0, 1, 5060), std::vector<std::uint8_t>(40, 0x7)));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  const NetNsScope in_dut(dut);  // the API listens on dut's loopback
  HttpClient c(d->host(), d->port());
  HttpReply m;
  double no_port = 0;
  for (int i = 0; i < 50 && no_port < 1; ++i) {
    m = c.get("/metrics");
    REQUIRE(m.status == 200);
    no_port = sample(m.body, "dialcore_worker_dpdk_rx_no_port_total{worker=\"0\",core=\"0\"}");
    if (no_port < 1) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(no_port >= 1);
  CHECK(sample(m.body, "dialcore_worker_dpdk_arp_replies_total{worker=\"0\",core=\"0\"}") >= 1);
  CHECK(sample(m.body, "dialcore_worker_dpdk_arp_replies_total{worker=\"1\",core=\"1\"}") == 0);
  CHECK(sample(m.body, "dialcore_worker_dpdk_sw_dispatch_drops_total{worker=\"1\",core=\"1\"}") == 0);
  CHECK(sample(m.body, "dialcore_worker_dpdk_sw_dispatched_total{worker=\"1\",core=\"1\"}") >= 0);
  CHECK(sample(m.body, "dialcore_worker_up{worker=\"1\",core=\"1\"}") == 1);

  const auto t0 = std::chrono::steady_clock::now();
  CHECK(d->stop(SIGTERM) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  CHECK(d->stderr_text().find("stopped") != std::string::npos);
  // EAL's runtime directory went with the process.
  CHECK(run_command({"test", "-e", "/var/run/dpdk/dialcored-test-" + std::to_string(::getpid())}).status != 0);
}
