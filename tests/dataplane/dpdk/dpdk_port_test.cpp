// DpdkPort (issue 3): one port, a DpdkIo per worker. The rule blocks rte_flow would get, and the
// software dispatch on a net_ring port the test plays the wire of: one RX ring (worker 0 reads
// everything) and a TX ring per worker, both DpdkIo turned from this thread (the rings between
// them are single-producer/single-consumer, not single-thread).
#include <catch2/catch.hpp>

#include <array>
#include <set>

#include "dataplane/io/dpdk_port.hpp"
#include "dpdk_wire.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;

TEST_CASE("port_range_blocks covers exactly the range with aligned value/mask blocks", "[dpdk][port]") {
  for (const PortRange r : {PortRange{20000, 20049}, PortRange{20050, 20099}, PortRange{0, 65535},
                            PortRange{1, 1}, PortRange{49152, 65535}, PortRange{1025, 65534},
                            PortRange{30001, 30002}}) {
    INFO(r.first << "-" << r.last);
    const auto blocks = port_range_blocks(r);
    CHECK(blocks.size() <= 30);
    std::size_t covered = 0;
    for (std::uint32_t p = 0; p <= 0xffff; ++p) {
      int hits = 0;
      for (const PortBlock& b : blocks) hits += (p & b.mask) == b.value ? 1 : 0;
      const bool inside = p >= r.first && p <= r.last;
      CHECK(hits == (inside ? 1 : 0));  // inside: exactly one block; outside: none
      if (hits != (inside ? 1 : 0)) break;
      covered += static_cast<std::size_t>(hits);
    }
    CHECK(covered == std::size_t{r.last} - r.first + 1);
  }
  CHECK(port_range_blocks({20000, 20003}) == std::vector<PortBlock>{{20000, 0xfffc}});
}

namespace {

// A net_ring port with `rx` RX rings (the test's) and one TX ring per worker.
struct MultiRingWire {
  std::vector<rte_ring*> rx, tx;
  int port = -1;
  MultiRingWire(unsigned rx_count, unsigned tx_count) {
    static unsigned count = 0;
    ++count;
    for (unsigned i = 0; i < rx_count + tx_count; ++i) {
      std::array<char, 32> name{};
      std::snprintf(name.data(), name.size(), "mw%u_%u", count, i);
      rte_ring* r = rte_ring_create(name.data(), 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
      REQUIRE(r != nullptr);
      (i < rx_count ? rx : tx).push_back(r);
    }
    std::array<char, 32> name{};
    std::snprintf(name.data(), name.size(), "mw%u", count);
    port = rte_eth_from_rings(name.data(), rx.data(), rx_count, tx.data(), tx_count, 0);
    REQUIRE(port >= 0);
  }
  ~MultiRingWire() {
    for (rte_ring* r : rx) drain(r), rte_ring_free(r);
    for (rte_ring* r : tx) drain(r), rte_ring_free(r);
  }
  static void drain(rte_ring* r) {
    void* m = nullptr;
    while (rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
  }
  void inject(rte_mempool* pool, std::span<const std::uint8_t> frame, unsigned ring = 0) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool);
    REQUIRE(m != nullptr);
    char* room = rte_pktmbuf_append(m, static_cast<std::uint16_t>(frame.size()));
    REQUIRE(room != nullptr);
    std::memcpy(room, frame.data(), frame.size());
    REQUIRE(rte_ring_enqueue(rx[ring], m) == 0);
  }
  std::vector<std::vector<std::uint8_t>> take(unsigned ring) {
    std::vector<std::vector<std::uint8_t>> frames;
    void* obj = nullptr;
    while (rte_ring_dequeue(tx[ring], &obj) == 0) {
      auto* m = static_cast<rte_mbuf*>(obj);
      const auto* bytes = rte_pktmbuf_mtod(m, const std::uint8_t*);
      frames.emplace_back(bytes, bytes + m->data_len);
      rte_pktmbuf_free(m);
    }
    return frames;
  }
};

DpdkPortConfig two_workers(std::uint16_t port_id, std::uint32_t ring_size = 1024) {
  DpdkPortConfig c;
  c.io.port_id = port_id;
  c.io.addresses = {v4(10, 0, 0, 1)};
  c.io.prefix_lengths = {24};
  c.io.mac = kOurMac;
  c.io.max_ports = 16;
  c.io.pool_mbufs = 4095;
  c.io.pool_cache = 32;
  c.io.rtp_port_first = 20000;
  c.io.rtp_port_last = 20199;
  c.shards = {PortRange{20000, 20099}, PortRange{20100, 20199}};
  c.ring_size = ring_size;
  return c;
}

std::uint64_t count(const DpdkIo& io, DpdkCounter c) { return io.dpdk_stats().read(c); }

std::vector<std::uint8_t> rtp_to(std::uint16_t port, std::uint8_t fill) {
  FrameSpec s;
  s.dst = v4(10, 0, 0, 1, port);
  s.payload.assign(160, fill);
  return udp_frame(s);
}

}  // namespace

TEST_CASE("software dispatch on one RX queue: each worker gets its shard's RTP, worker 0 the rest",
          "[dpdk][port]") {
  DPDK_TEST_OR_SKIP();
  MultiRingWire wire(1, 2);
  DpdkPort port(two_workers(static_cast<std::uint16_t>(wire.port)));
  CHECK(port.workers() == 2);
  CHECK(port.rx_queues() == 1);
  CHECK(port.steering() == Steering::Software);
  CHECK_THAT(port.steering_reason(), Catch::Contains("1 RX queue"));
  DpdkIo io0(port, 0), io1(port, 1);
  REQUIRE(io0.open_port(v4(10, 0, 0, 1, 20000)).ok());
  REQUIRE(io1.open_port(v4(10, 0, 0, 1, 20100)).ok());

  wire.inject(port.pool(), rtp_to(20000, 0x10));
  wire.inject(port.pool(), rtp_to(20100, 0x11));
  wire.inject(port.pool(), arp_request(kPeerMac, v4(10, 0, 0, 2), v4(10, 0, 0, 1)));
  std::array<Packet*, kMaxBurst> got{};
  REQUIRE(io0.rx_burst(got, 1) == 1);
  CHECK(got[0]->data[0] == 0x10);
  io0.free(std::span(got.data(), 1));
  CHECK(count(io0, DpdkCounter::SwDispatched) == 1);
  CHECK(count(io0, DpdkCounter::ArpReplies) == 1);  // worker 0 answers ARP, on its TX queue
  CHECK(wire.take(0).size() == 1);

  REQUIRE(io1.rx_burst(got, 2) == 1);  // worker 1 has no RX queue: its ring only
  CHECK(got[0]->data[0] == 0x11);
  CHECK(got[0]->remote == v4(10, 0, 0, 2, 5000));
  CHECK(count(io1, DpdkCounter::SwReceived) == 1);
  // Its answer leaves on its own TX queue (the peer's MAC learned from the datagram).
  got[0]->remote = v4(10, 0, 0, 2, 5000);
  CHECK(io1.tx_burst(std::span(got.data(), 1)) == 1);
  const auto sent = wire.take(1);
  REQUIRE(sent.size() == 1);
  const auto seen = parse_udp_frame(sent[0]);
  REQUIRE(seen);
  CHECK(seen->src == v4(10, 0, 0, 1, 20100));
  CHECK(wire.take(0).empty());
}

TEST_CASE("an ARP reply reaches every worker: the one that asked learns the next hop",
          "[dpdk][port]") {
  DPDK_TEST_OR_SKIP();
  MultiRingWire wire(1, 2);
  DpdkPort port(two_workers(static_cast<std::uint16_t>(wire.port)));
  DpdkIo io0(port, 0), io1(port, 1);
  REQUIRE(io1.open_port(v4(10, 0, 0, 1, 20100)).ok());
  std::array<Packet*, 1> p{};
  REQUIRE(io1.alloc(p) == 1);
  p[0]->port = io1.open_port(v4(10, 0, 0, 1, 20102)).port;
  p[0]->remote = v4(10, 0, 0, 7, 6000);  // on-link, never heard from: worker 1 asks
  p[0]->len = 20;
  CHECK(io1.tx_burst(p) == 0);
  CHECK(count(io1, DpdkCounter::ArpRequests) == 1);
  CHECK(wire.take(1).size() == 1);  // the request, on worker 1's queue

  wire.inject(port.pool(), arp_reply({0x02, 0xdc, 0, 0, 0, 7}, v4(10, 0, 0, 7), kOurMac, v4(10, 0, 0, 1)));
  std::array<Packet*, kMaxBurst> got{};
  CHECK(io0.rx_burst(got, 2) == 0);  // read on worker 0's queue, a copy for worker 1
  CHECK(count(io0, DpdkCounter::SwDispatched) == 1);
  CHECK(io1.rx_burst(got, 3) == 0);
  CHECK(count(io1, DpdkCounter::SwReceived) == 1);
  CHECK(count(io1, DpdkCounter::ArpLearned) == 1);
  REQUIRE(io1.alloc(p) == 1);
  p[0]->port = io1.open_port(v4(10, 0, 0, 1, 20104)).port;
  p[0]->remote = v4(10, 0, 0, 7, 6000);
  p[0]->len = 20;
  CHECK(io1.tx_burst(p) == 1);  // resolved now
}

TEST_CASE("a full ring to another worker is a counted drop, never a wait", "[dpdk][port]") {
  DPDK_TEST_OR_SKIP();
  MultiRingWire wire(1, 2);
  DpdkPort port(two_workers(static_cast<std::uint16_t>(wire.port), 4));  // holds 3
  DpdkIo io0(port, 0), io1(port, 1);
  REQUIRE(io1.open_port(v4(10, 0, 0, 1, 20100)).ok());
  for (int i = 0; i < 8; ++i) wire.inject(port.pool(), rtp_to(20100, static_cast<std::uint8_t>(i)));
  std::array<Packet*, kMaxBurst> got{};
  CHECK(io0.rx_burst(got, 1) == 0);
  CHECK(count(io0, DpdkCounter::SwDispatched) == 3);
  CHECK(count(io0, DpdkCounter::SwDispatchDrops) == 5);
  const std::size_t n = io1.rx_burst(got, 2);
  CHECK(n == 3);
  CHECK(got[0]->data[0] == 0);  // in order
  CHECK(got[2]->data[0] == 2);
  io1.free(std::span(got.data(), n));
}

TEST_CASE("net_ring has no rte_flow: with a queue per worker the port still dispatches in software "
          "and says why",
          "[dpdk][port]") {
  DPDK_TEST_OR_SKIP();
  MultiRingWire wire(2, 2);
  DpdkPort port(two_workers(static_cast<std::uint16_t>(wire.port)));
  CHECK(port.rx_queues() == 2);
  CHECK(port.steering() == Steering::Software);
  CHECK_THAT(port.steering_reason(), Catch::Contains("rte_flow"));
  DpdkIo io0(port, 0), io1(port, 1);
  REQUIRE(io0.open_port(v4(10, 0, 0, 1, 20000)).ok());
  // Worker 0's RTP arriving on worker 1's queue (RSS, af_packet's fanout) crosses to worker 0.
  wire.inject(port.pool(), rtp_to(20000, 0x42), 1);
  std::array<Packet*, kMaxBurst> got{};
  CHECK(io1.rx_burst(got, 1) == 0);
  CHECK(count(io1, DpdkCounter::SwDispatched) == 1);
  REQUIRE(io0.rx_burst(got, 2) == 1);
  CHECK(got[0]->data[0] == 0x42);
  io0.free(std::span(got.data(), 1));
}
