// SocketIo on loopback: ports chosen by the kernel at run time, peers are plain UDP sockets, and
// every loop is bounded (receive_packets gives up after 2 s without traffic).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "dataplane/io/socket_io.hpp"
#include "tests/dataplane/io/udp_peer.hpp"

using namespace dialcore::dataplane;
using dialcore::test::loopback_v4;
using dialcore::test::loopback_v6;
using dialcore::test::receive_packets;
using dialcore::test::tagged_payload;
using dialcore::test::UdpPeer;

namespace {

constexpr SocketIoConfig kConfig{16, 512};

std::uint64_t counter(const SocketIo& io, IoCounter c) { return io.stats().read(c); }

PortId open_ok(SocketIo& io, const NetAddress& local) {
  const OpenResult r = io.open_port(local);
  INFO(to_string(r.status) << " errno " << r.sys_errno);
  REQUIRE(r.ok());
  REQUIRE(r.port.valid());
  REQUIRE(r.local.port != 0);
  return r.port;
}

std::span<const std::uint8_t> bytes_of(const Packet& p) { return {p.data, p.len}; }

// Fresh packets from `io` carrying `payload`, leaving by `port` for `to`.
std::vector<Packet*> make_packets(SocketIo& io, std::size_t count, PortId port,
                                  const NetAddress& to) {
  std::vector<Packet*> packets(count);
  REQUIRE(io.alloc(packets) == count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto payload = tagged_payload(static_cast<std::uint8_t>(i), 100);
    std::memcpy(packets[i]->data, payload.data(), payload.size());
    packets[i]->len = static_cast<std::uint32_t>(payload.size());
    packets[i]->port = port;
    packets[i]->remote = to;
  }
  return packets;
}

}  // namespace

TEST_CASE("datagrams to several IPv4 ports arrive with their port, sender and bytes", "[io]") {
  SocketIo io(kConfig);
  std::vector<PortId> ports;
  for (int i = 0; i < 4; ++i) ports.push_back(open_ok(io, loopback_v4()));
  CHECK(io.open_port_count() == 4);
  UdpPeer a(loopback_v4()), b(loopback_v4());
  REQUIRE((a.ok() && b.ok()));

  // Tag = port index * 16 + peer * 8 + sequence: each datagram says where it went and from whom.
  for (std::uint8_t seq = 0; seq < 5; ++seq) {
    for (std::size_t port = 0; port < ports.size(); ++port) {
      for (std::uint8_t peer = 0; peer < 2; ++peer) {
        const auto tag = static_cast<std::uint8_t>(port * 16 + peer * 8 + seq);
        const UdpPeer& from = peer == 0 ? a : b;
        REQUIRE(from.send_to(io.local_address(ports[port]), tagged_payload(tag, 40 + tag)));
      }
    }
  }

  std::vector<Packet*> got;
  REQUIRE(receive_packets(io, got, 40) == 40);
  std::map<std::pair<std::size_t, int>, int> next_seq;  // (port, peer) -> sequence expected
  for (Packet* p : got) {
    const std::uint8_t tag = p->data[0];
    const std::size_t port = tag / 16;
    const int peer = tag / 8 % 2;
    REQUIRE(port < ports.size());
    CHECK(p->port == ports[port]);
    CHECK(p->remote == (peer == 0 ? a : b).address());
    CHECK(p->len == 40u + tag);
    CHECK(std::ranges::equal(bytes_of(*p), tagged_payload(tag, 40 + tag)));
    CHECK(p->rx_ns >= 1000);
    CHECK(p->capacity == kPacketDataBytes);
    CHECK(tag % 8 == next_seq[{port, peer}]++);  // a port's datagrams keep their order
  }
  io.free(got);
  CHECK(io.free_packets() == kConfig.pool_packets);
  CHECK(counter(io, IoCounter::RxPackets) == 40);
  // recvmmsg read each socket's queue in one call, not one call per datagram.
  CHECK(counter(io, IoCounter::RxCalls) < 40);
  CHECK(counter(io, IoCounter::RxTruncated) == 0);
  CHECK(counter(io, IoCounter::RxErrors) == 0);
}

TEST_CASE("tx_burst sends each packet from its port to its remote, one call per port", "[io]") {
  SocketIo io(kConfig);
  const PortId p0 = open_ok(io, loopback_v4());
  const PortId p1 = open_ok(io, loopback_v4());
  UdpPeer peer(loopback_v4());
  REQUIRE(peer.ok());

  auto packets = make_packets(io, 6, p0, peer.address());
  for (std::size_t i = 1; i < 6; i += 2) packets[i]->port = p1;  // interleaved ports
  CHECK(io.tx_burst(packets) == 6);
  CHECK(io.free_packets() == kConfig.pool_packets);  // tx_burst took them all back
  CHECK(counter(io, IoCounter::TxCalls) == 2);
  CHECK(counter(io, IoCounter::TxPackets) == 6);
  CHECK(counter(io, IoCounter::TxBytes) == 600);

  std::map<std::uint16_t, std::vector<std::uint8_t>> tags_by_port;
  for (int i = 0; i < 6; ++i) {
    const auto d = peer.receive();
    REQUIRE(d);
    REQUIRE(d->bytes.size() == 100);
    CHECK(d->bytes == tagged_payload(d->bytes[0], 100));
    tags_by_port[d->from.port].push_back(d->bytes[0]);
  }
  CHECK(tags_by_port[io.local_address(p0).port] == std::vector<std::uint8_t>{0, 2, 4});
  CHECK(tags_by_port[io.local_address(p1).port] == std::vector<std::uint8_t>{1, 3, 5});
}

TEST_CASE("a received packet is relayed in place to another peer", "[io]") {
  SocketIo io(kConfig);
  const PortId port = open_ok(io, loopback_v4());
  UdpPeer caller(loopback_v4()), callee(loopback_v4());
  REQUIRE((caller.ok() && callee.ok()));
  REQUIRE(caller.send_to(io.local_address(port), tagged_payload(7, 172)));

  std::vector<Packet*> got;
  REQUIRE(receive_packets(io, got, 1) == 1);
  got[0]->remote = callee.address();  // same buffer, new destination: no copy
  CHECK(io.tx_burst(got) == 1);

  const auto d = callee.receive();
  REQUIRE(d);
  CHECK(d->bytes == tagged_payload(7, 172));
  CHECK(d->from == io.local_address(port));
}

TEST_CASE("IPv6 ports receive and send, and share a number with an IPv4 port", "[io]") {
  SocketIo io(kConfig);
  const PortId v6 = open_ok(io, loopback_v6());
  CHECK(io.local_address(v6).family == AddressFamily::V6);
  UdpPeer peer(loopback_v6());
  REQUIRE(peer.ok());

  REQUIRE(peer.send_to(io.local_address(v6), tagged_payload(1, 60)));
  std::vector<Packet*> got;
  REQUIRE(receive_packets(io, got, 1) == 1);
  CHECK(got[0]->port == v6);
  CHECK(got[0]->remote == peer.address());
  CHECK(std::ranges::equal(bytes_of(*got[0]), tagged_payload(1, 60)));
  got[0]->remote = peer.address();
  CHECK(io.tx_burst(got) == 1);
  const auto echo = peer.receive();
  REQUIRE(echo);
  CHECK(echo->from == io.local_address(v6));

  // IPV6_V6ONLY: the IPv4 port of the same number is a different port. The number comes from the
  // kernel at run time; someone else may hold it on the other family, so a few tries.
  bool shared = false;
  for (int attempt = 0; attempt < 20 && !shared; ++attempt) {
    const OpenResult r4 = io.open_port(loopback_v4());
    REQUIRE(r4.ok());
    const OpenResult r6 = io.open_port(loopback_v6(r4.local.port));
    if (r6.ok()) {
      shared = true;
      UdpPeer peer4(loopback_v4());
      REQUIRE(peer4.send_to(r4.local, tagged_payload(4, 10)));
      REQUIRE(peer.send_to(r6.local, tagged_payload(6, 10)));
      std::vector<Packet*> both;
      REQUIRE(receive_packets(io, both, 2) == 2);
      for (Packet* p : both) CHECK(p->port == (p->data[0] == 4 ? r4.port : r6.port));
      io.free(both);
    }
    io.close_port(r4.port);
  }
  CHECK(shared);
  CHECK(io.free_packets() == kConfig.pool_packets);
}

TEST_CASE("a datagram larger than a buffer is dropped and counted as truncated", "[io]") {
  SocketIo io(kConfig);
  const PortId port = open_ok(io, loopback_v4());
  UdpPeer peer(loopback_v4());
  REQUIRE(peer.ok());
  REQUIRE(peer.send_to(io.local_address(port), tagged_payload(1, kPacketDataBytes + 1)));
  REQUIRE(peer.send_to(io.local_address(port), tagged_payload(2, kPacketDataBytes)));
  REQUIRE(peer.send_to(io.local_address(port), tagged_payload(3, 3000)));
  REQUIRE(peer.send_to(io.local_address(port), tagged_payload(4, 20)));

  std::vector<Packet*> got;
  CHECK(receive_packets(io, got, 2, 5) == 2);
  REQUIRE(got.size() == 2);
  CHECK(got[0]->len == kPacketDataBytes);  // exactly a buffer still fits
  CHECK(got[1]->len == 20);
  CHECK(counter(io, IoCounter::RxTruncated) == 2);
  io.free(got);
  CHECK(io.free_packets() == kConfig.pool_packets);
}

TEST_CASE("a closed port receives nothing more, and its handle goes stale", "[io]") {
  SocketIo io(kConfig);
  const PortId keep = open_ok(io, loopback_v4());
  const PortId gone = open_ok(io, loopback_v4());
  const NetAddress gone_address = io.local_address(gone);
  UdpPeer peer(loopback_v4());
  REQUIRE(peer.send_to(gone_address, tagged_payload(1, 10)));
  REQUIRE(peer.send_to(io.local_address(keep), tagged_payload(2, 10)));
  CHECK(io.wait_rx(1000));  // the poll has seen both sockets ready: the closed one is skipped

  CHECK(io.close_port(gone));
  CHECK_FALSE(io.close_port(gone));
  CHECK(io.local_address(gone).empty());
  CHECK(io.open_port_count() == 1);

  std::vector<Packet*> got;
  CHECK(receive_packets(io, got, 2, 3) == 1);
  REQUIRE(got.size() == 1);
  CHECK(got[0]->port == keep);

  // A packet still holding the closed port's handle is a counted drop when sent.
  got[0]->port = gone;
  got[0]->remote = peer.address();
  CHECK(io.tx_burst(got) == 0);
  CHECK(counter(io, IoCounter::TxBadPort) == 1);

  // The slot is reused under a new generation: the old handle still names nothing.
  const PortId again = open_ok(io, loopback_v4());
  CHECK(again.index == gone.index);
  CHECK(again.generation != gone.generation);
  CHECK(io.local_address(gone).empty());
  CHECK(io.free_packets() == kConfig.pool_packets);
}

TEST_CASE("bursts larger than the maximum are split, never overrun", "[io]") {
  SocketIo io(kConfig);
  const PortId port = open_ok(io, loopback_v4());
  UdpPeer peer(loopback_v4());
  constexpr std::size_t kCount = 100;
  for (std::size_t i = 0; i < kCount; ++i) {
    REQUIRE(peer.send_to(io.local_address(port), tagged_payload(static_cast<std::uint8_t>(i), 30)));
  }

  std::array<Packet*, 2 * kMaxBurst> burst{};
  std::vector<Packet*> got;
  for (int round = 0; round < 50 && got.size() < kCount; ++round) {
    const std::size_t n = io.rx_burst(burst, 1);
    CHECK(n <= kMaxBurst);
    got.insert(got.end(), burst.begin(), burst.begin() + static_cast<std::ptrdiff_t>(n));
    if (n == 0) io.wait_rx(100);
  }
  REQUIRE(got.size() == kCount);
  for (std::size_t i = 0; i < kCount; ++i) CHECK(got[i]->data[0] == static_cast<std::uint8_t>(i));

  // Send them all back in one call: split into runs of kMaxBurst, one sendmmsg each.
  for (Packet* p : got) p->remote = peer.address();
  CHECK(io.tx_burst(got) == kCount);
  CHECK(counter(io, IoCounter::TxCalls) == (kCount + kMaxBurst - 1) / kMaxBurst);
  for (std::size_t i = 0; i < kCount; ++i) {
    const auto d = peer.receive();
    REQUIRE(d);
    CHECK(d->bytes[0] == static_cast<std::uint8_t>(i));
  }
  CHECK(io.rx_burst(std::span<Packet*>{}, 1) == 0);  // an empty burst asks for nothing
  CHECK(io.free_packets() == kConfig.pool_packets);
}

TEST_CASE("a flooded port does not starve the others", "[io]") {
  SocketIo io(kConfig);
  const PortId busy = open_ok(io, loopback_v4());
  const PortId quiet = open_ok(io, loopback_v4());
  UdpPeer peer(loopback_v4());
  for (int i = 0; i < 200; ++i)
    REQUIRE(peer.send_to(io.local_address(busy), tagged_payload(0, 20)));
  REQUIRE(peer.send_to(io.local_address(quiet), tagged_payload(1, 20)));
  REQUIRE(io.wait_rx(1000));

  // Level-triggered epoll and one read per ready socket per poll: the quiet port's datagram comes
  // within two bursts, not after the 200 queued on the busy one.
  std::array<Packet*, kMaxBurst> burst{};
  bool quiet_seen = false;
  for (int b = 0; b < 2; ++b) {
    const std::size_t n = io.rx_burst(burst, 1);
    for (std::size_t i = 0; i < n; ++i) quiet_seen = quiet_seen || burst[i]->port == quiet;
    io.free(std::span<Packet* const>(burst.data(), n));
  }
  CHECK(quiet_seen);
}

TEST_CASE("sending to a bad destination is a counted drop, without a system call", "[io]") {
  SocketIo io(kConfig);
  const PortId v4 = open_ok(io, loopback_v4());
  auto packets = make_packets(io, 4, v4, loopback_v6(9));  // family of the port: IPv4
  packets[1]->remote = NetAddress{};                       // empty
  packets[2]->remote = loopback_v4(0);                     // port 0
  packets[3]->port = PortId{99, 1};                        // never opened
  CHECK(io.tx_burst(packets) == 0);
  CHECK(counter(io, IoCounter::TxBadAddress) == 3);
  CHECK(counter(io, IoCounter::TxBadPort) == 1);
  CHECK(counter(io, IoCounter::TxCalls) == 0);
  CHECK(io.free_packets() == kConfig.pool_packets);
}

TEST_CASE("open_port reports why it failed", "[io]") {
  SocketIo io(SocketIoConfig{2, 8});
  UdpPeer holder(loopback_v4());
  REQUIRE(holder.ok());
  const OpenResult taken = io.open_port(holder.address());
  CHECK(taken.status == OpenStatus::InUse);
  CHECK(taken.sys_errno == EADDRINUSE);
  // 192.0.2.1 (TEST-NET-1) is nobody's address; binding to it sends nothing.
  CHECK(io.open_port(NetAddress::v4(192, 0, 2, 1, 0)).status == OpenStatus::NotLocal);
  CHECK(io.open_port(NetAddress{}).status == OpenStatus::BadAddress);
  CHECK(io.open_port_count() == 0);

  open_ok(io, loopback_v4());
  open_ok(io, loopback_v6());
  CHECK(io.open_port(loopback_v4()).status == OpenStatus::TableFull);
  CHECK(to_string(OpenStatus::TableFull) == "table_full");
}

TEST_CASE("an empty pool leaves datagrams in the kernel until packets come back", "[io]") {
  SocketIo io(SocketIoConfig{4, 4});
  const PortId port = open_ok(io, loopback_v4());
  UdpPeer peer(loopback_v4());
  for (int i = 0; i < 10; ++i) REQUIRE(peer.send_to(io.local_address(port), tagged_payload(0, 20)));

  std::vector<Packet*> held;
  REQUIRE(receive_packets(io, held, 4) == 4);
  std::array<Packet*, kMaxBurst> burst{};
  CHECK(io.rx_burst(burst, 1) == 0);  // no buffer: nothing received, nothing lost
  CHECK(counter(io, IoCounter::RxNoBuffer) >= 1);
  io.free(held);

  std::size_t rest = 0;
  for (int round = 0; round < 20 && rest < 6; ++round) {
    std::vector<Packet*> some;
    rest += receive_packets(io, some, 1, 2);
    io.free(some);  // give each burst back before the next: the pool holds 4
  }
  CHECK(rest == 6);
  CHECK(io.free_packets() == 4);
}

TEST_CASE("wait_rx times out when idle and wakes for a datagram", "[io]") {
  SocketIo io(kConfig);
  const PortId port = open_ok(io, loopback_v4());
  CHECK_FALSE(io.wait_rx(10));
  UdpPeer peer(loopback_v4());
  REQUIRE(peer.send_to(io.local_address(port), tagged_payload(0, 20)));
  CHECK(io.wait_rx(1000));
  CHECK(io.wait_rx(0));  // the event is kept for rx_burst, not lost
  std::array<Packet*, kMaxBurst> burst{};
  CHECK(io.rx_burst(burst, 1) == 1);
  io.free(std::span<Packet* const>(burst.data(), 1));
}

TEST_CASE("alloc from an empty pool gives what is left and counts the rest", "[io]") {
  SocketIo io(SocketIoConfig{4, 8});
  std::array<Packet*, 12> held{};
  CHECK(io.alloc(held) == 8);
  CHECK(counter(io, IoCounter::AllocFailed) == 4);
  std::array<Packet*, 2> more{};
  CHECK(io.alloc(more) == 0);
  CHECK(counter(io, IoCounter::AllocFailed) == 6);
  io.free(std::span<Packet* const>(held.data(), 8));
  CHECK(io.alloc(more) == 2);
  CHECK(counter(io, IoCounter::AllocFailed) == 6);
  io.free(more);
}
