// Release only (the sanitizers own malloc): the DPDK path allocates nothing from the heap in
// steady state: rx_burst, the worker's relay, tx_burst, alloc/free, port open/close, ARP and
// ICMP answers. tests/support/alloc_counter.cpp replaces malloc for this executable and counts
// every call, DPDK's included (its own memory comes from the EAL heap, set up at startup).
#include <catch2/catch.hpp>

#include "dpdk_worker_rig.hpp"
#include "tests/support/alloc_counter.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;

TEST_CASE("the allocation counter sees DpdkIo's setup", "[dpdk][alloc]") {
  DPDK_TEST_OR_SKIP();
  const std::size_t before = allocations();
  DpdkWorkerRig rig(16);
  CHECK(allocations() > before);
}

TEST_CASE("relaying through the worker on DpdkIo allocates nothing in steady state", "[dpdk][alloc]") {
  DPDK_TEST_OR_SKIP();
  DpdkWorkerRig rig(64);
  Traffic traffic;
  for (std::uint8_t c = 0; c < 8; ++c) {
    const NetAddress peer_a = v4(10, 1, 0, c, 5000);
    const NetAddress peer_b = v4(10, 2, 0, c, 6000);
    const auto [leg_a, local_a] = rig.leg_towards(peer_a);
    const auto [leg_b, local_b] = rig.leg_towards(peer_b);
    REQUIRE(rig.call(leg_a, BridgeArgs{leg_b}).status == ReplyStatus::Ok);
    traffic.add(peer_a, local_a, true);
    traffic.add(peer_b, local_b, true);  // both directions
  }
  const auto arp = arp_request(kPeerMac, v4(10, 0, 0, 2), v4(10, 0, 0, 1));
  const auto ping = echo_request(v4(10, 0, 0, 2), v4(10, 0, 0, 1), 1, 1, std::vector<std::uint8_t>(56, 1));
  std::array<rte_mbuf*, kMaxBurst> mbufs{};
  std::uint64_t relayed = 0;
  bool fed = true;
  auto rounds = [&](int n) {
    for (int t = 0; t < n; ++t) {
      fed = fed && traffic.fill(rig.io.pool(), mbufs.data(), kMaxBurst) &&
            rig.wire.inject_bulk(mbufs.data(), kMaxBurst) == kMaxBurst;
      fed = fed && rig.wire.inject(rig.io.pool(), arp) && rig.wire.inject(rig.io.pool(), ping);
      rig.now_ns += 20'000'000;
      rig.worker.poll(rig.now_ns);
      rig.worker.poll(rig.now_ns);  // the ARP and ping left over from a full burst
      relayed += rig.wire.discard(2 * kMaxBurst);
      // Ports open and close too (a leg's setup, without the command ring).
      const OpenResult o = rig.io.open_port(v4(10, 0, 0, 1, 0));
      fed = fed && o.ok() && rig.io.close_port(o.port);
      std::array<Packet*, 4> fresh{};
      fed = fed && rig.io.alloc(fresh) == 4;
      rig.io.free(fresh);
    }
  };
  rounds(50);  // warm up: first packets of each leg post events, lazy DPDK state settles
  const std::uint64_t relayed_warm = relayed;
  const std::size_t before = allocations();
  rounds(500);
  const std::size_t after = allocations();
  REQUIRE(fed);
  CHECK(after - before == 0);
  CHECK(relayed - relayed_warm >= 500 * (kMaxBurst + 2));  // RTP relayed plus ARP and ICMP answers
  CHECK(rig.io.dpdk_stats().read(DpdkCounter::ArpReplies) == 550);
  CHECK(rig.io.dpdk_stats().read(DpdkCounter::IcmpEchoReplies) == 550);
}
