// DpdkIo on a net_ring port: the test plays the wire (dpdk_wire.hpp), with frames it builds and
// judges itself. Our address 10.0.0.1, our MAC 02:dc:00:00:00:01, the peer 10.0.0.2.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

#include "dpdk_wire.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;

namespace {

DpdkIoConfig config_for(const RingWire& wire) {
  DpdkIoConfig c;
  c.port_id = wire.port();
  c.addresses = {v4(10, 0, 0, 1), v4(10, 0, 1, 1)};
  c.mac = kOurMac;
  c.max_ports = 8;
  c.pool_mbufs = 1023;
  c.pool_cache = 32;
  return c;
}

// A backend on its own ring port. The wire is drained before the backend frees its pool.
struct Rig {
  RingWire wire;
  DpdkIo io;
  explicit Rig(DpdkIoConfig (*tweak)(DpdkIoConfig) = nullptr, unsigned tx_ring = 1024)
      : wire(tx_ring), io(tweak != nullptr ? tweak(config_for(wire)) : config_for(wire)) {}
  ~Rig() { wire.drain(); }

  unsigned pool_free() const { return rte_mempool_avail_count(io.pool()); }
  std::uint64_t io_count(IoCounter c) const { return io.stats().read(c); }
  std::uint64_t dpdk_count(DpdkCounter c) const { return io.dpdk_stats().read(c); }

  // Injects one frame and runs one rx_burst.
  std::vector<Packet*> receive(const std::vector<std::uint8_t>& frame) {
    REQUIRE(wire.inject(io.pool(), frame));
    std::array<Packet*, kMaxBurst> out{};
    const std::size_t n = io.rx_burst(out, 7);
    return std::vector<Packet*>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  }
};

}  // namespace

TEST_CASE("a UDP datagram to an open port arrives with its payload, sender and port", "[dpdk]") {
  DPDK_TEST_OR_SKIP();
  Rig rig;
  const unsigned free_before = rig.pool_free();
  const OpenResult opened = rig.io.open_port(v4(10, 0, 0, 1, 4000));
  REQUIRE(opened.ok());
  CHECK(opened.local == v4(10, 0, 0, 1, 4000));

  FrameSpec spec;
  for (std::size_t i = 0; i < spec.payload.size(); ++i) spec.payload[i] = static_cast<std::uint8_t>(i);
  const auto got = rig.receive(udp_frame(spec));
  REQUIRE(got.size() == 1);
  Packet* p = got[0];
  CHECK(p->port == opened.port);
  CHECK(p->remote == v4(10, 0, 0, 2, 5000));
  CHECK(p->rx_ns == 7);
  REQUIRE(p->len == 160);
  CHECK(std::equal(p->data, p->data + p->len, spec.payload.begin()));
  CHECK(p->capacity >= p->len + 64);  // room to grow (an SRTP tag)
  CHECK(rig.io_count(IoCounter::RxPackets) == 1);
  CHECK(rig.io_count(IoCounter::RxBytes) == 160);
  rig.io.free(std::span<Packet* const>(&p, 1));
  CHECK(rig.pool_free() == free_before);
}

TEST_CASE("open_port: chosen ports, the wildcard, conflicts, foreign addresses, a full table",
          "[dpdk]") {
  DPDK_TEST_OR_SKIP();
  Rig rig;
  const OpenResult any = rig.io.open_port(v4(0, 0, 0, 0, 0));
  REQUIRE(any.ok());
  CHECK(any.local.bytes[0] == 10);  // the wildcard is our first address
  CHECK(any.local.port >= 49152);
  CHECK(rig.io.local_address(any.port) == any.local);
  const OpenResult next = rig.io.open_port(v4(10, 0, 0, 1, 0));
  REQUIRE(next.ok());
  CHECK(next.local.port != any.local.port);

  REQUIRE(rig.io.open_port(v4(10, 0, 0, 1, 4000)).ok());
  CHECK(rig.io.open_port(v4(10, 0, 0, 1, 4000)).status == OpenStatus::InUse);
  CHECK(rig.io.open_port(v4(10, 0, 1, 1, 4000)).ok());  // same port, our other address
  CHECK(rig.io.open_port(v4(10, 0, 0, 9, 4000)).status == OpenStatus::NotLocal);
  CHECK(rig.io.open_port(NetAddress::v6({}, 4000)).status == OpenStatus::NotLocal);
  CHECK(rig.io.open_port(NetAddress{}).status == OpenStatus::BadAddress);

  while (rig.io.open_port_count() < 8) REQUIRE(rig.io.open_port(v4(10, 0, 0, 1, 0)).ok());
  CHECK(rig.io.open_port(v4(10, 0, 0, 1, 0)).status == OpenStatus::TableFull);

  // A closed port: its handle is stale, its number free again, its datagrams dropped.
  REQUIRE(rig.io.close_port(next.port));
  CHECK_FALSE(rig.io.close_port(next.port));
  CHECK(rig.io.local_address(next.port).empty());
  FrameSpec spec;
  spec.dst = next.local;
  CHECK(rig.receive(udp_frame(spec)).empty());
  CHECK(rig.dpdk_count(DpdkCounter::RxNoPort) == 1);
  const OpenResult again = rig.io.open_port(next.local);
  REQUIRE(again.ok());
  CHECK(again.port.index == next.port.index);
  CHECK_FALSE(again.port == next.port);  // new generation
}

TEST_CASE("frames that are not ours, or not well formed, are counted drops", "[dpdk]") {
  DPDK_TEST_OR_SKIP();
  Rig rig;
  const unsigned free_before = rig.pool_free();
  REQUIRE(rig.io.open_port(v4(10, 0, 0, 1, 4000)).ok());

  struct Case {
    const char* what;
    std::vector<std::uint8_t> frame;
    DpdkCounter counter;
  };
  std::vector<Case> cases;
  auto with = [](auto change) {
    FrameSpec s;
    change(s);
    return udp_frame(s);
  };
  cases.push_back({"unknown port", with([](FrameSpec& s) { s.dst.port = 4002; }), DpdkCounter::RxNoPort});
  cases.push_back({"another IPv4 address", with([](FrameSpec& s) { s.dst = v4(10, 0, 0, 7, 4000); }),
                   DpdkCounter::RxNotOurs});
  cases.push_back({"another MAC", with([](FrameSpec& s) { s.dst_mac = kPeerMac; }), DpdkCounter::RxNotOurs});
  cases.push_back({"IPv4 to broadcast MAC", with([](FrameSpec& s) { s.dst_mac = kBroadcast; }),
                   DpdkCounter::RxNotOurs});
  cases.push_back({"IPv6 ethertype", with([](FrameSpec& s) { s.ether_type = 0x86dd; }), DpdkCounter::RxNotIpv4});
  cases.push_back({"VLAN tag", with([](FrameSpec& s) { s.ether_type = 0x8100; }), DpdkCounter::RxNotIpv4});
  cases.push_back({"TCP", with([](FrameSpec& s) { s.protocol = 6; }), DpdkCounter::RxNotUdp});
  cases.push_back({"a fragment", with([](FrameSpec& s) { s.fragment = 0x2000; }), DpdkCounter::RxFragment});
  cases.push_back({"IP version 6 in an IPv4 frame", with([](FrameSpec& s) { s.version_ihl = 0x65; }),
                   DpdkCounter::RxMalformed});
  cases.push_back({"IHL below 5", with([](FrameSpec& s) { s.version_ihl = 0x44; }), DpdkCounter::RxMalformed});
  {
    auto f = udp_frame(FrameSpec{});
    f.resize(14 + 20 + 4);  // cut inside the UDP header; IPv4 total length still says more
    cases.push_back({"truncated frame", f, DpdkCounter::RxMalformed});
  }
  {
    auto f = udp_frame(FrameSpec{});
    f.resize(10);
    cases.push_back({"shorter than Ethernet", f, DpdkCounter::RxMalformed});
  }
  {
    auto f = udp_frame(FrameSpec{});
    put16(f, 38, static_cast<std::uint16_t>(get16(f, 38) - 4));  // UDP length short of IPv4's
    cases.push_back({"UDP length disagrees with IPv4", f, DpdkCounter::RxMalformed});
  }
  {
    auto f = udp_frame(FrameSpec{});
    f[24] ^= 0x10;
    cases.push_back({"bad IPv4 header checksum", f, DpdkCounter::RxBadChecksum});
  }
  {
    auto f = udp_frame(FrameSpec{});
    f[60] ^= 0x01;  // one payload bit flipped
    cases.push_back({"bad UDP checksum", f, DpdkCounter::RxBadChecksum});
  }
  for (const Case& c : cases) {
    INFO(c.what);
    const std::uint64_t before = rig.dpdk_count(c.counter);
    CHECK(rig.receive(c.frame).empty());
    CHECK(rig.dpdk_count(c.counter) == before + 1);
  }
  CHECK(rig.io_count(IoCounter::RxPackets) == 0);
  CHECK(rig.pool_free() == free_before);  // every dropped mbuf went back

  // UDP checksum 0 means none (RFC 768): accepted.
  auto ok = rig.receive(with([](FrameSpec& s) { s.udp_checksum = false; }));
  REQUIRE(ok.size() == 1);
  rig.io.free(ok);
}

TEST_CASE("tx_burst builds a well-formed frame back to the sender", "[dpdk]") {
  DPDK_TEST_OR_SKIP();
  Rig rig;
  const unsigned free_before = rig.pool_free();
  const OpenResult opened = rig.io.open_port(v4(10, 0, 0, 1, 4000));
  REQUIRE(opened.ok());
  FrameSpec spec;
  auto got = rig.receive(udp_frame(spec));
  REQUIRE(got.size() == 1);
  Packet* p = got[0];
  // What the worker does with a relayed packet: rewrite in place (here: grow by 10 bytes, as
  // SRTP would) and address it.
  for (std::uint32_t i = 0; i < p->len + 10; ++i) p->data[i] = static_cast<std::uint8_t>(0xA0 + i);
  p->len += 10;
  p->remote.port = 5002;
  REQUIRE(rig.io.tx_burst(std::span<Packet* const>(&p, 1)) == 1);

  const auto frame = rig.wire.take();
  REQUIRE(frame);
  const auto seen = parse_udp_frame(*frame);
  REQUIRE(seen);
  CHECK(seen->dst_mac == kPeerMac);  // learned from its datagram
  CHECK(seen->src_mac == kOurMac);
  CHECK(seen->src == v4(10, 0, 0, 1, 4000));
  CHECK(seen->dst == v4(10, 0, 0, 2, 5002));
  CHECK(seen->ip_checksum_ok);
  CHECK(seen->udp_checksum != 0);
  CHECK(seen->udp_checksum_ok);
  CHECK(seen->ttl == 64);
  CHECK(seen->tos == 46 << 2);       // EF
  CHECK(seen->fragment == 0x4000);  // DF
  REQUIRE(seen->payload.size() == 170);
  for (std::size_t i = 0; i < 170; ++i) CHECK(seen->payload[i] == static_cast<std::uint8_t>(0xA0 + i));
  CHECK(rig.io_count(IoCounter::TxPackets) == 1);
  CHECK(rig.io_count(IoCounter::TxBytes) == 170);
  CHECK(rig.pool_free() == free_before);
}

TEST_CASE("fresh packets go to the next hop, and stale, foreign or unreachable destinations are drops",
          "[dpdk]") {
  DPDK_TEST_OR_SKIP();
  SECTION("with a gateway") {
    Rig rig([](DpdkIoConfig c) {
      c.next_hop_mac = kGatewayMac;
      return c;
    });
    const unsigned free_before = rig.pool_free();
    const OpenResult opened = rig.io.open_port(v4(10, 0, 1, 1, 7000));
    REQUIRE(opened.ok());
    std::array<Packet*, 4> pkts{};
    REQUIRE(rig.io.alloc(pkts) == 4);
    for (Packet* p : pkts) {
      CHECK(p->len == 0);
      CHECK(p->capacity >= 1500);
      std::memset(p->data, 0x11, 20);
      p->len = 20;
      p->port = opened.port;
      p->remote = v4(192, 0, 2, 9, 9000);
    }
    pkts[1]->port = PortId{opened.port.index, opened.port.generation + 1};  // stale
    pkts[2]->remote = NetAddress::v6({}, 9000);                              // other family
    pkts[3]->remote.port = 0;                                                // no port
    CHECK(rig.io.tx_burst(pkts) == 1);
    CHECK(rig.io_count(IoCounter::TxBadPort) == 1);
    CHECK(rig.io_count(IoCounter::TxBadAddress) == 2);
    const auto frame = rig.wire.take();
    REQUIRE(frame);
    const auto seen = parse_udp_frame(*frame);
    REQUIRE(seen);
    CHECK(seen->dst_mac == kGatewayMac);
    CHECK(seen->src == v4(10, 0, 1, 1, 7000));
    CHECK(seen->dst == v4(192, 0, 2, 9, 9000));
    CHECK(seen->ip_checksum_ok);
    CHECK(seen->udp_checksum_ok);
    CHECK(seen->payload == std::vector<std::uint8_t>(20, 0x11));
    CHECK_FALSE(rig.wire.take());
    CHECK(rig.pool_free() == free_before);
  }
  SECTION("without a gateway, and without UDP checksums") {
    Rig rig([](DpdkIoConfig c) {
      c.udp_checksum = false;
      return c;
    });
    const OpenResult opened = rig.io.open_port(v4(10, 0, 0, 1, 7000));
    REQUIRE(opened.ok());
    Packet* p = nullptr;
    REQUIRE(rig.io.alloc(std::span<Packet*>(&p, 1)) == 1);
    p->len = 20;
    p->port = opened.port;
    p->remote = v4(192, 0, 2, 9, 9000);
    CHECK(rig.io.tx_burst(std::span<Packet* const>(&p, 1)) == 0);
    CHECK(rig.dpdk_count(DpdkCounter::TxNoNextHop) == 1);
    // Once the peer has spoken, it is reachable.
    FrameSpec spec;
    spec.src = v4(192, 0, 2, 9, 9000);
    spec.dst = v4(10, 0, 0, 1, 7000);
    auto got = rig.receive(udp_frame(spec));
    REQUIRE(got.size() == 1);
    CHECK(rig.io.tx_burst(got) == 1);
    const auto seen = parse_udp_frame(*rig.wire.take());
    REQUIRE(seen);
    CHECK(seen->dst_mac == kPeerMac);
    CHECK(seen->udp_checksum == 0);
    CHECK(seen->ip_checksum_ok);
  }
}

TEST_CASE("a full TX queue drops and counts, never waits", "[dpdk]") {
  DPDK_TEST_OR_SKIP();
  Rig rig([](DpdkIoConfig c) {
    c.next_hop_mac = kGatewayMac;
    return c;
  }, 32);  // the ring holds 31
  const unsigned free_before = rig.pool_free();
  const OpenResult opened = rig.io.open_port(v4(10, 0, 0, 1, 7000));
  REQUIRE(opened.ok());
  std::array<Packet*, 40> pkts{};
  REQUIRE(rig.io.alloc(pkts) == 40);
  for (Packet* p : pkts) {
    p->len = 32;
    p->port = opened.port;
    p->remote = v4(192, 0, 2, 9, 9000);
  }
  CHECK(rig.io.tx_burst(pkts) == 31);
  CHECK(rig.io_count(IoCounter::TxFull) == 9);
  CHECK(rig.io_count(IoCounter::TxPackets) == 31);
  CHECK(rig.io_count(IoCounter::TxCalls) == 2);  // one PMD call per 32
  rig.wire.drain();
  CHECK(rig.pool_free() == free_before);
}

TEST_CASE("ARP requests and ICMP echo requests for our addresses are answered", "[dpdk][arp]") {
  DPDK_TEST_OR_SKIP();
  Rig rig;
  const MacAddress asker = {0x02, 0x00, 0x00, 0x00, 0x00, 0x33};
  // Who has 10.0.1.1 (our second address)?
  CHECK(rig.receive(arp_request(asker, v4(10, 0, 1, 50), v4(10, 0, 1, 1))).empty());
  auto reply = rig.wire.take();
  REQUIRE(reply);
  REQUIRE(reply->size() >= 42);
  const auto& r = *reply;
  CHECK(MacAddress{r[0], r[1], r[2], r[3], r[4], r[5]} == asker);
  CHECK(MacAddress{r[6], r[7], r[8], r[9], r[10], r[11]} == kOurMac);
  CHECK(get16(r, 12) == 0x0806);
  CHECK(get16(r, 20) == 2);  // reply
  CHECK(MacAddress{r[22], r[23], r[24], r[25], r[26], r[27]} == kOurMac);
  CHECK(NetAddress::v4(r[28], r[29], r[30], r[31], 0) == v4(10, 0, 1, 1));
  CHECK(MacAddress{r[32], r[33], r[34], r[35], r[36], r[37]} == asker);
  CHECK(NetAddress::v4(r[38], r[39], r[40], r[41], 0) == v4(10, 0, 1, 50));
  CHECK(rig.dpdk_count(DpdkCounter::ArpReplies) == 1);

  // Not for us: ignored.
  CHECK(rig.receive(arp_request(asker, v4(10, 0, 1, 50), v4(10, 0, 1, 2))).empty());
  CHECK_FALSE(rig.wire.take());
  CHECK(rig.dpdk_count(DpdkCounter::RxNotOurs) == 1);

  // Ping 10.0.0.1.
  const std::vector<std::uint8_t> data(56, 0x42);
  CHECK(rig.receive(echo_request(v4(10, 0, 0, 2), v4(10, 0, 0, 1), 0x1234, 7, data)).empty());
  auto pong = rig.wire.take();
  REQUIRE(pong);
  const auto& e = *pong;
  REQUIRE(e.size() == 14 + 20 + 8 + 56);
  CHECK(MacAddress{e[0], e[1], e[2], e[3], e[4], e[5]} == kPeerMac);
  CHECK(MacAddress{e[6], e[7], e[8], e[9], e[10], e[11]} == kOurMac);
  CHECK(NetAddress::v4(e[26], e[27], e[28], e[29], 0) == v4(10, 0, 0, 1));
  CHECK(NetAddress::v4(e[30], e[31], e[32], e[33], 0) == v4(10, 0, 0, 2));
  CHECK(finish(sum16(std::span(e).subspan(14, 20))) == 0);  // IPv4 checksum
  CHECK(e[34] == 0);                                         // echo reply
  CHECK(get16(e, 38) == 0x1234);
  CHECK(get16(e, 40) == 7);
  CHECK(finish(sum16(std::span(e).subspan(34))) == 0);  // ICMP checksum
  CHECK(std::equal(data.begin(), data.end(), e.begin() + 42));
  CHECK(rig.dpdk_count(DpdkCounter::IcmpEchoReplies) == 1);

  // A corrupted ping is dropped, not answered.
  auto bad = echo_request(v4(10, 0, 0, 2), v4(10, 0, 0, 1), 1, 1, data);
  bad.back() ^= 0xff;
  CHECK(rig.receive(bad).empty());
  CHECK_FALSE(rig.wire.take());
  CHECK(rig.dpdk_count(DpdkCounter::RxBadChecksum) == 1);

  // The ARP asker is now reachable without a gateway.
  const OpenResult opened = rig.io.open_port(v4(10, 0, 1, 1, 7000));
  REQUIRE(opened.ok());
  Packet* p = nullptr;
  REQUIRE(rig.io.alloc(std::span<Packet*>(&p, 1)) == 1);
  p->len = 4;
  p->port = opened.port;
  p->remote = v4(10, 0, 1, 50, 8000);
  REQUIRE(rig.io.tx_burst(std::span<Packet* const>(&p, 1)) == 1);
  const auto seen = parse_udp_frame(*rig.wire.take());
  REQUIRE(seen);
  CHECK(seen->dst_mac == asker);
}

namespace {
// One datagram from `port` to `to`, through tx_burst; returns how many went out.
std::size_t send_one(Rig& rig, PortId port, const NetAddress& to) {
  Packet* p = nullptr;
  REQUIRE(rig.io.alloc(std::span<Packet*>(&p, 1)) == 1);
  std::memset(p->data, 0x5a, 12);
  p->len = 12;
  p->port = port;
  p->remote = to;
  return rig.io.tx_burst(std::span<Packet* const>(&p, 1));
}
}  // namespace

TEST_CASE("destinations never heard from are resolved by ARP: on-link, and the gateway",
          "[dpdk][arp]") {
  DPDK_TEST_OR_SKIP();
  const MacAddress far_mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x77};
  SECTION("on our subnet: ask, drop while asking, send once answered") {
    Rig rig([](DpdkIoConfig c) {
      c.prefix_lengths = {24, 24};
      c.arp_retry_ns = 1'000'000'000;
      return c;
    });
    const unsigned free_before = rig.pool_free();
    const OpenResult opened = rig.io.open_port(v4(10, 0, 1, 1, 7000));
    REQUIRE(opened.ok());
    CHECK(send_one(rig, opened.port, v4(10, 0, 1, 77, 9000)) == 0);
    auto asked = rig.wire.take();
    REQUIRE(asked);
    const auto req = parse_arp_request(*asked);
    REQUIRE(req);
    CHECK(asked->size() == 60);  // padded to the Ethernet minimum
    CHECK(req->eth_dst == MacAddress{0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
    CHECK(req->eth_src == kOurMac);
    CHECK(req->sender_mac == kOurMac);
    CHECK(req->sender == v4(10, 0, 1, 1));  // the address the datagram leaves from
    CHECK(req->target == v4(10, 0, 1, 77));
    CHECK(rig.dpdk_count(DpdkCounter::ArpRequests) == 1);
    CHECK(rig.dpdk_count(DpdkCounter::TxArpPending) == 1);
    // Within the retry interval: dropped again, not asked again.
    CHECK(send_one(rig, opened.port, v4(10, 0, 1, 77, 9000)) == 0);
    CHECK_FALSE(rig.wire.take());
    CHECK(rig.dpdk_count(DpdkCounter::ArpRequests) == 1);
    CHECK(rig.dpdk_count(DpdkCounter::TxArpPending) == 2);
    // After it (time comes from rx_burst), asked again.
    std::array<Packet*, kMaxBurst> none{};
    CHECK(rig.io.rx_burst(none, 2'000'000'000) == 0);
    CHECK(send_one(rig, opened.port, v4(10, 0, 1, 77, 9000)) == 0);
    REQUIRE(rig.wire.take());
    CHECK(rig.dpdk_count(DpdkCounter::ArpRequests) == 2);
    // The answer is learned, not delivered, and the next datagram goes to that MAC.
    CHECK(rig.receive(arp_reply(far_mac, v4(10, 0, 1, 77), kOurMac, v4(10, 0, 1, 1))).empty());
    CHECK(rig.dpdk_count(DpdkCounter::ArpLearned) == 1);
    CHECK_FALSE(rig.wire.take());
    CHECK(send_one(rig, opened.port, v4(10, 0, 1, 77, 9000)) == 1);
    const auto seen = parse_udp_frame(*rig.wire.take());
    REQUIRE(seen);
    CHECK(seen->dst_mac == far_mac);
    CHECK(seen->dst == v4(10, 0, 1, 77, 9000));
    CHECK(rig.pool_free() == free_before);
  }
  SECTION("off-link: through the gateway, resolved by ARP") {
    Rig rig([](DpdkIoConfig c) {
      c.prefix_lengths = {24};
      c.gateway = v4(10, 0, 0, 254);
      return c;
    });
    const OpenResult opened = rig.io.open_port(v4(10, 0, 0, 1, 7000));
    REQUIRE(opened.ok());
    CHECK(send_one(rig, opened.port, v4(192, 0, 2, 9, 9000)) == 0);
    const auto req = parse_arp_request(*rig.wire.take());
    REQUIRE(req);
    CHECK(req->target == v4(10, 0, 0, 254));
    CHECK(rig.receive(arp_reply(kGatewayMac, v4(10, 0, 0, 254), kOurMac, v4(10, 0, 0, 1))).empty());
    CHECK(send_one(rig, opened.port, v4(192, 0, 2, 9, 9000)) == 1);
    CHECK(send_one(rig, opened.port, v4(198, 51, 100, 3, 9000)) == 1);  // any off-link host
    for (const auto& dst : {v4(192, 0, 2, 9, 9000), v4(198, 51, 100, 3, 9000)}) {
      const auto seen = parse_udp_frame(*rig.wire.take());
      REQUIRE(seen);
      CHECK(seen->dst_mac == kGatewayMac);
      CHECK(seen->dst == dst);
    }
    CHECK(rig.dpdk_count(DpdkCounter::ArpRequests) == 1);
  }
  SECTION("a reply nobody asked for teaches nothing; no subnet and no gateway is no route") {
    Rig rig([](DpdkIoConfig c) {
      c.prefix_lengths = {24};
      return c;
    });
    const OpenResult opened = rig.io.open_port(v4(10, 0, 0, 1, 7000));
    REQUIRE(opened.ok());
    CHECK(rig.receive(arp_reply(far_mac, v4(10, 0, 0, 88), kOurMac, v4(10, 0, 0, 1))).empty());
    CHECK(rig.dpdk_count(DpdkCounter::ArpLearned) == 0);
    CHECK(send_one(rig, opened.port, v4(10, 0, 0, 88, 9000)) == 0);  // still asks
    const auto req = parse_arp_request(*rig.wire.take());
    REQUIRE(req);
    CHECK(req->target == v4(10, 0, 0, 88));
    CHECK(send_one(rig, opened.port, v4(192, 0, 2, 9, 9000)) == 0);
    CHECK(rig.dpdk_count(DpdkCounter::TxNoNextHop) == 1);
    CHECK_FALSE(rig.wire.take());
  }
  SECTION("a gateway off our subnets is refused at start") {
    RingWire wire;
    DpdkIoConfig c = config_for(wire);
    c.prefix_lengths = {24};
    c.gateway = v4(10, 9, 9, 9);
    CHECK_THROWS_WITH(DpdkIo(c), Catch::Contains("gateway"));
  }
}

TEST_CASE("many datagrams in one burst, across ports, in order", "[dpdk]") {
  DPDK_TEST_OR_SKIP();
  Rig rig;
  const OpenResult a = rig.io.open_port(v4(10, 0, 0, 1, 4000));
  const OpenResult b = rig.io.open_port(v4(10, 0, 0, 1, 4002));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (std::uint8_t i = 0; i < 40; ++i) {
    FrameSpec s;
    s.dst.port = i % 2 == 0 ? 4000 : 4002;
    s.payload.assign(20 + i, i);
    REQUIRE(rig.wire.inject(rig.io.pool(), udp_frame(s)));
  }
  std::array<Packet*, 64> out{};
  const std::size_t first = rig.io.rx_burst(out, 1);
  CHECK(first == kMaxBurst);  // never more than a burst
  const std::size_t second = rig.io.rx_burst(std::span(out).subspan(first), 2);
  REQUIRE(first + second == 40);
  for (std::size_t i = 0; i < 40; ++i) {
    CHECK(out[i]->port == (i % 2 == 0 ? a.port : b.port));
    CHECK(out[i]->len == 20 + i);
    CHECK(out[i]->data[0] == i);
  }
  rig.io.free(std::span<Packet* const>(out.data(), 40));
}

TEST_CASE("rx_checksum verify: a wrong UDP checksum is a counted drop, a right one delivered",
          "[dpdk][checksum]") {
  DPDK_TEST_OR_SKIP();
  Rig rig;  // the default: Verify
  REQUIRE(rig.io.open_port(v4(10, 0, 0, 1, 4000)).ok());
  auto bad = udp_frame(FrameSpec{});
  bad[60] ^= 0x01;
  CHECK(rig.receive(bad).empty());
  CHECK(rig.dpdk_count(DpdkCounter::RxBadChecksum) == 1);
  auto good = rig.receive(udp_frame(FrameSpec{}));
  REQUIRE(good.size() == 1);
  rig.io.free(good);
  CHECK(rig.dpdk_count(DpdkCounter::RxUdpUnverified) == 0);
}

TEST_CASE("rx_checksum trust: UDP checksums are not summed but counted, the IPv4 header still checked",
          "[dpdk][checksum]") {
  DPDK_TEST_OR_SKIP();
  Rig rig([](DpdkIoConfig c) {
    c.rx_checksum = RxChecksum::Trust;
    return c;
  });
  REQUIRE(rig.io.open_port(v4(10, 0, 0, 1, 4000)).ok());
  FrameSpec spec;
  auto bad = udp_frame(spec);
  bad[60] ^= 0x01;  // the payload changed after the checksum: trusted anyway, as configured
  auto got = rig.receive(bad);
  REQUIRE(got.size() == 1);
  CHECK(got[0]->data[60 - 42] == static_cast<std::uint8_t>(spec.payload[60 - 42] ^ 0x01));
  rig.io.free(got);
  CHECK(rig.dpdk_count(DpdkCounter::RxBadChecksum) == 0);
  CHECK(rig.dpdk_count(DpdkCounter::RxUdpUnverified) == 1);
  auto none = rig.receive(udp_frame([] {
    FrameSpec s;
    s.udp_checksum = false;  // 0: nothing to trust or verify
    return s;
  }()));
  REQUIRE(none.size() == 1);
  rig.io.free(none);
  CHECK(rig.dpdk_count(DpdkCounter::RxUdpUnverified) == 1);
  auto bad_ip = udp_frame(FrameSpec{});
  bad_ip[24] ^= 0x10;
  CHECK(rig.receive(bad_ip).empty());
  CHECK(rig.dpdk_count(DpdkCounter::RxBadChecksum) == 1);
}

TEST_CASE("rx_checksum: the config's words", "[dpdk][checksum]") {
  CHECK(rx_checksum_from_string("verify") == RxChecksum::Verify);
  CHECK(rx_checksum_from_string("trust") == RxChecksum::Trust);
  CHECK_FALSE(rx_checksum_from_string("Trust").has_value());
  CHECK_FALSE(rx_checksum_from_string("").has_value());
  CHECK(to_string(RxChecksum::Trust) == "trust");
}

TEST_CASE("alloc from an exhausted pool gives what is left and counts the rest", "[dpdk][alloc]") {
  DPDK_TEST_OR_SKIP();
  Rig rig;
  std::vector<Packet*> held(rig.pool_free() + 10);
  const std::size_t got = rig.io.alloc(held);
  CHECK(got == held.size() - 10);
  CHECK(rig.io_count(IoCounter::AllocFailed) == 10);
  std::array<Packet*, 4> more{};
  CHECK(rig.io.alloc(more) == 0);
  CHECK(rig.io_count(IoCounter::AllocFailed) == 14);
  rig.io.free(std::span<Packet* const>(held.data(), got));
  CHECK(rig.io.alloc(more) == 4);
  CHECK(rig.io_count(IoCounter::AllocFailed) == 14);
  rig.io.free(more);
}
