// The dataplane runtime on the DPDK backend (issue 3): two worker threads, one RX/TX queue pair
// each on one net_af_packet port (qpairs=2), bound to a veth end in a namespace the test makes;
// kernel UDP peers in another. Configured as dialcored configures it: EAL arguments with the
// vdev, the device by name, our address and prefix.
//
//   namespace "dut"                              namespace "peers"
//   veth a <- net_af_packet0 (2 queue pairs)      veth b: 10.77.0.2/24, .3/24, .4/24 (peers)
//   Runtime: 10.77.0.1/24, 2 workers, RTP 20000-20099 (worker 0: 20000-20049, 1: 20050-20099)
//
// net_af_packet has no rte_flow: the runtime falls back to software dispatch, which this test
// checks (each worker reads its queue, af_packet's fanout spreads the peers' flows over both,
// and what belongs to the other worker crosses a ring), and the exception path (a TAP worker 0
// owns) with two workers. EAL runs once per process: one TEST_CASE
// here. Skipped (77) when namespaces or EAL cannot be had (not root).
#include <catch2/catch.hpp>

#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "dataplane/io/dpdk_eal.hpp"
#include "runtime_calls.hpp"
#include "runtime_control.hpp"
#include "tests/support/netns.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;

namespace {

constexpr Mac kDutMac = {0x02, 0xdc, 0x00, 0x00, 0x01, 0x01};
constexpr Mac kPeersMac = {0x02, 0xdc, 0x00, 0x00, 0x01, 0x02};

[[noreturn]] void skip(const std::string& why) {
  std::fprintf(stderr, "SKIPPED: %s\n", why.c_str());
  std::fflush(stderr);
  std::_Exit(77);
}

int first_cpu() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  int c = 0;
  if (::sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
    while (c < CPU_SETSIZE && !CPU_ISSET(c, &cpus)) ++c;
  }
  return c;
}

// EAL's runtime directory removed however the test ends.
struct EalCleanup {
  ~EalCleanup() { eal_cleanup(); }
};

std::uint64_t dpdk(const WorkerSnapshot& s, DpdkCounter c) {
  return s.dpdk_counters[static_cast<std::size_t>(c)];
}
std::uint64_t worker(const WorkerSnapshot& s, WorkerCounter c) {
  return s.counters[static_cast<std::size_t>(c)];
}

}  // namespace

TEST_CASE("DPDK runtime on af_packet: two workers, a queue pair each, every leg relayed by its own "
          "worker, software dispatch counted",
          "[dpdk][runtime][af_packet][netns]") {
  if (::geteuid() != 0) skip("not root (DPDK needs root for EAL)");
  if (const auto why = netns_unavailable()) skip(*why);
  NetNs dut("dut");
  NetNs peers("peers");
  VethPair veth(dut, kDutMac, peers, kPeersMac);
  for (const char* a : {"10.77.0.2/24", "10.77.0.3/24", "10.77.0.4/24"}) {
    peers.ip({"addr", "add", a, "dev", veth.b()});
  }
  {
    const NetNsScope in_peers(peers);
    set_tx_checksum_offload(veth.b(), false);  // real UDP checksums (see netns.hpp)
  }
  auto peer = [&](std::uint8_t host) {
    const NetNsScope in_peers(peers);
    auto p = std::make_unique<UdpPeer>(NetAddress::v4(10, 77, 0, host, 0));
    REQUIRE(p->ok());
    return p;
  };
  auto a0 = peer(2), b0 = peer(3), a1 = peer(2), b1 = peer(3), c1 = peer(4);

  const NetNsScope in_dut(dut);  // EAL probes the vdev here, where veth a is
  RuntimeSettings s = test_settings(2);
  s.backend = RuntimeBackend::Dpdk;
  s.rtp_ports = PortRange{20000, 20099};
  s.idle.sleep_us = 50;
  s.dpdk.eal_args = {"--no-huge", "--no-pci", "-m", "256", "-l", std::to_string(first_cpu()),
                     "--no-shconf", "--no-telemetry", "--log-level=lib.eal:error",
                     "--file-prefix=dialcore-rt-" + std::to_string(::getpid()),
                     "--vdev=net_af_packet0,iface=" + veth.a() + ",qpairs=2"};
  s.dpdk.io.device = "net_af_packet0";
  s.dpdk.io.addresses = {NetAddress::v4(10, 77, 0, 1, 0)};
  s.dpdk.io.prefix_lengths = {24};
  s.dpdk.io.mac = kDutMac;
  // The exception path: a TAP in "dut" that worker 0 owns; the kernel gets what is not RTP.
  const std::string tap = veth.a().substr(0, veth.a().size() - 1) + "t";
  s.dpdk.io.exception_devargs = "net_tap_" + tap + ",iface=" + tap;
  const EalCleanup eal_cleanup_at_end;
  RuntimeError error;
  auto rt = Runtime::start(s, error);
  if (rt == nullptr && error.message.find("rte_eal_init") != std::string::npos &&
      error.message.find("ermission") != std::string::npos) {
    skip(error.message);
  }
  INFO(error.message);
  REQUIRE(rt != nullptr);
  INFO(rt->backend_description());
  CHECK_FALSE(rt->hardware_steering());  // af_packet: rte_flow_validate refuses
  CHECK(rt->backend_description().find("software") != std::string::npos);

  dut.ip({"addr", "add", "10.77.0.1/24", "dev", tap});
  dut.ip({"link", "set", tap, "up"});

  RuntimeControl ctl(*rt);
  const NetAddress ours = NetAddress::v4(10, 77, 0, 1, 0);
  const Pair p0 = bridged_pair(ctl, 0, *a0, *b0, ours);
  const Pair p1 = bridged_pair(ctl, 1, *a1, *b1, ours);
  CHECK(rt->worker_of_port(p0.local_a.port) == 0u);
  CHECK(rt->worker_of_port(p0.local_b.port) == 0u);
  CHECK(rt->worker_of_port(p1.local_a.port) == 1u);
  CHECK(rt->worker_of_port(p1.local_b.port) == 1u);

  // One datagram from every peer first: the peers resolve 10.77.0.1 by ARP (worker 0 answers,
  // whichever queue the request came in on) and the workers learn the peers' MACs from them. A
  // datagram relayed towards a peer not yet resolved is dropped (dpdk_tx_arp_pending) while the
  // worker asks for it: then drained, so the counts below are exact.
  for (const auto& [from, to] : {std::pair{a0.get(), p0.local_a}, std::pair{b0.get(), p0.local_b},
                                 std::pair{a1.get(), p1.local_a}, std::pair{b1.get(), p1.local_b}}) {
    REQUIRE(from->send_to(to, rtp_packet(0x9999, 1, 0x00)));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (const UdpPeer* p : {a0.get(), b0.get(), a1.get(), b1.get()}) {
    while (p->receive(20)) {
    }
  }
  // Both calls, both ways, payload intact.
  CHECK(relay(*a0, p0.local_a, *b0, 20, 0x11) == 20);
  CHECK(relay(*b0, p0.local_b, *a0, 20, 0x22) == 20);
  CHECK(relay(*a1, p1.local_a, *b1, 20, 0x33) == 20);
  CHECK(relay(*b1, p1.local_b, *a1, 20, 0x44) == 20);

  // Worker 1 sends to a peer that never spoke (10.77.0.4): it asks by ARP on its own queue, the
  // reply lands on whichever queue af_packet's fanout picks and is shared with every worker.
  SetRemoteArgs towards_c;
  towards_c.rtp = c1->address();
  towards_c.latch = false;
  REQUIRE(ctl.call(1, p1.b, towards_c).status == ReplyStatus::Ok);
  int reached = 0;
  for (int i = 0; i < 100 && reached == 0; ++i) {
    REQUIRE(a1->send_to(p1.local_a, rtp_packet(0x5678, static_cast<std::uint16_t>(500 + i), 0x55)));
    if (c1->receive(20)) ++reached;
  }
  CHECK(reached == 1);

  // Not RTP: a datagram to a kernel socket on our address (a port outside the RTP range) goes
  // through worker 0 to the TAP, whichever queue it came in on; the answer goes back out.
  UdpPeer host(NetAddress::v4(10, 77, 0, 1, 0));  // in "dut": the TAP's side
  REQUIRE(host.ok());
  REQUIRE(host.address().port > 20099);
  const std::vector<std::uint8_t> hello(32, 0x66);
  std::optional<UdpPeer::Datagram> at_host;
  for (int i = 0; i < 20 && !at_host; ++i) {
    REQUIRE(a0->send_to(host.address(), hello));
    at_host = host.receive(100);
  }
  REQUIRE(at_host.has_value());
  CHECK(at_host->bytes == hello);
  REQUIRE(host.send_to(at_host->from, std::vector<std::uint8_t>(24, 0x67)));
  std::optional<UdpPeer::Datagram> back;
  for (int i = 0; i < 30 && !back; ++i) back = a0->receive(100);
  REQUIRE(back.has_value());
  CHECK(back->bytes.size() == 24);

  // Per worker: its own legs' packets, nothing of the other's.
  WorkerSnapshot w0 = rt->snapshot(0), w1 = rt->snapshot(1);
  for (int i = 0; i < 1000 && (w0.io[IoCounter::TxPackets] < 41 || w1.io[IoCounter::TxPackets] < 42); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    w0 = rt->snapshot(0);
    w1 = rt->snapshot(1);
  }
  INFO("w0 rx " << worker(w0, WorkerCounter::RxPackets) << " dispatched "
                << dpdk(w0, DpdkCounter::SwDispatched) << " received "
                << dpdk(w0, DpdkCounter::SwReceived) << "; w1 rx "
                << worker(w1, WorkerCounter::RxPackets) << " dispatched "
                << dpdk(w1, DpdkCounter::SwDispatched) << " received "
                << dpdk(w1, DpdkCounter::SwReceived));
  CHECK(w0.dpdk);
  CHECK(worker(w0, WorkerCounter::RxPackets) == 42);  // 2 primers, 40 relayed
  CHECK(w0.io[IoCounter::TxPackets] >= 41);            // the first primer may wait for ARP
  CHECK(worker(w1, WorkerCounter::RxPackets) >= 43);   // and the packets towards c1
  CHECK(w1.io[IoCounter::TxPackets] >= 42);
  CHECK(worker(w0, WorkerCounter::RxNoLeg) == 0);
  CHECK(worker(w1, WorkerCounter::RxNoLeg) == 0);
  CHECK(w0.legs == 2);
  CHECK(w1.legs == 2);
  // Worker 0 answered the peers' ARP requests; worker 1 asked for 10.77.0.4 and learned it.
  CHECK(dpdk(w0, DpdkCounter::ArpReplies) >= 1);
  CHECK(dpdk(w1, DpdkCounter::ArpRequests) >= 1);
  CHECK(dpdk(w1, DpdkCounter::ArpLearned) >= 1);
  CHECK(dpdk(w0, DpdkCounter::ToKernel) >= 1);
  CHECK(dpdk(w0, DpdkCounter::FromKernel) >= 1);
  CHECK(dpdk(w1, DpdkCounter::ToKernel) == 0);  // only worker 0 owns the TAP
  // Software dispatch: everything forwarded arrived (nothing dropped, the rings are drained).
  // The two snapshots are taken apart and the kernel may still send (ARP, IPv6 ND) meanwhile:
  // re-read until the other worker has drained what was handed to it (bounded).
  const auto sums = [&] {
    return std::pair{dpdk(w0, DpdkCounter::SwDispatched) + dpdk(w1, DpdkCounter::SwDispatched),
                     dpdk(w0, DpdkCounter::SwReceived) + dpdk(w1, DpdkCounter::SwReceived)};
  };
  for (int i = 0; i < 500 && sums().first != sums().second; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    w0 = rt->snapshot(0);
    w1 = rt->snapshot(1);
  }
  const std::uint64_t dispatched = dpdk(w0, DpdkCounter::SwDispatched) + dpdk(w1, DpdkCounter::SwDispatched);
  CHECK(dpdk(w0, DpdkCounter::SwDispatchDrops) + dpdk(w1, DpdkCounter::SwDispatchDrops) == 0);
  CHECK(dpdk(w0, DpdkCounter::SwReceived) + dpdk(w1, DpdkCounter::SwReceived) == dispatched);
  // At least the ARP reply for 10.77.0.4 was shared with the other worker.
  CHECK(dispatched >= 1);
  CHECK(rt->stop());
}
