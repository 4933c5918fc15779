// SocketIo's connected sends (socket_io.hpp, "Connected sends"): a port that answers the source
// it last heard from gets a socket connected to it; other sources are still heard, a moved
// remote is reconnected, and the port stays closed to other binders. Loopback, kernel-chosen
// ports, bounded loops.
#include <catch2/catch.hpp>

#include <cstring>
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

// Receives one datagram on `io`, checks it came from `from` to `port` with `tag`, and returns it.
Packet* receive_from(SocketIo& io, PortId port, const UdpPeer& from, std::uint8_t tag) {
  std::vector<Packet*> got;
  REQUIRE(receive_packets(io, got, 1) == 1);
  Packet* p = got[0];
  CHECK(p->port == port);
  CHECK(p->remote == from.address());
  CHECK(p->len == 60u);
  CHECK(p->data[0] == tag);
  return p;
}

// Sends `p` back to `to` (the worker's latched answer) with a new tag, and checks `to` gets it
// from the port's address.
void answer(SocketIo& io, Packet* p, const UdpPeer& to, std::uint8_t tag) {
  const NetAddress port_address = io.local_address(p->port);
  p->remote = to.address();
  const auto payload = tagged_payload(tag, 60);
  std::memcpy(p->data, payload.data(), payload.size());
  Packet* const one[] = {p};
  CHECK(io.tx_burst(one) == 1);
  const auto d = to.receive();
  REQUIRE(d.has_value());
  CHECK(d->from == port_address);
  CHECK(d->bytes == payload);
}

// Idle polls, so that kReconnectPolls pass (each rx_burst without cached events polls once).
void idle_polls(SocketIo& io, int n) {
  std::array<Packet*, 4> burst{};
  for (int i = 0; i < n; ++i) REQUIRE(io.rx_burst(burst, 1) == 0);
}

}  // namespace

TEST_CASE("a port answering its sender connects, sends without an address, hears others", "[io]") {
  const bool v6 = GENERATE(false, true);
  const NetAddress any_local = v6 ? loopback_v6() : loopback_v4();
  SocketIo io(kConfig);
  const OpenResult opened = io.open_port(any_local);
  REQUIRE(opened.ok());
  const PortId port = opened.port;
  UdpPeer a(any_local), b(any_local);
  REQUIRE((a.ok() && b.ok()));

  REQUIRE(a.send_to(opened.local, tagged_payload(1, 60)));
  Packet* p = receive_from(io, port, a, 1);
  answer(io, p, a, 2);
  CHECK(counter(io, IoCounter::Connects) == 1);
  CHECK(counter(io, IoCounter::TxConnected) == 1);
  CHECK(counter(io, IoCounter::ConnectFailed) == 0);

  // The connected remote's datagrams (connected socket) and a stranger's (the port's first
  // socket) both arrive, under the same PortId and with their real sources.
  REQUIRE(a.send_to(opened.local, tagged_payload(3, 60)));
  p = receive_from(io, port, a, 3);
  answer(io, p, a, 4);  // connected already: no second connect
  CHECK(counter(io, IoCounter::Connects) == 1);
  CHECK(counter(io, IoCounter::TxConnected) == 2);
  REQUIRE(b.send_to(opened.local, tagged_payload(5, 60)));
  p = receive_from(io, port, b, 5);
  io.free(std::span<Packet* const>(&p, 1));

  // Nobody else can bind the port: SO_REUSEPORT was open for our own second socket only.
  SocketIo other(kConfig);
  CHECK(other.open_port(opened.local).status == OpenStatus::InUse);
  UdpPeer intruder(opened.local);
  CHECK_FALSE(intruder.ok());

  // Closing the port closes both sockets: its number is free again.
  REQUIRE(io.close_port(port));
  UdpPeer after(opened.local);
  CHECK(after.ok());
  CHECK(io.free_packets() == kConfig.pool_packets);
}

TEST_CASE("a remote that moves is heard, latched and reconnected", "[io]") {
  SocketIo io(kConfig);
  const OpenResult opened = io.open_port(loopback_v4());
  REQUIRE(opened.ok());
  const PortId port = opened.port;
  UdpPeer a(loopback_v4()), b(loopback_v4());
  REQUIRE((a.ok() && b.ok()));

  REQUIRE(a.send_to(opened.local, tagged_payload(1, 60)));
  answer(io, receive_from(io, port, a, 1), a, 2);
  REQUIRE(counter(io, IoCounter::Connects) == 1);

  // The remote moves to b (NAT rebinding): b reaches the port; answering b at once goes with
  // an address (a reconnect waits kReconnectPolls polls) and still arrives.
  REQUIRE(b.send_to(opened.local, tagged_payload(3, 60)));
  answer(io, receive_from(io, port, b, 3), b, 4);
  CHECK(counter(io, IoCounter::Connects) == 1);
  CHECK(counter(io, IoCounter::TxConnected) == 1);

  // Later, answering b reconnects the connected socket to b.
  idle_polls(io, 70);
  REQUIRE(b.send_to(opened.local, tagged_payload(5, 60)));
  answer(io, receive_from(io, port, b, 5), b, 6);
  CHECK(counter(io, IoCounter::Connects) == 2);
  CHECK(counter(io, IoCounter::TxConnected) == 2);

  // The old remote a is still heard (now by the port's unconnected socket), and a datagram to
  // a from the port (an address, not the connection) still arrives.
  REQUIRE(a.send_to(opened.local, tagged_payload(7, 60)));
  Packet* p = receive_from(io, port, a, 7);
  REQUIRE(b.send_to(opened.local, tagged_payload(8, 60)));
  answer(io, receive_from(io, port, b, 8), b, 9);
  CHECK(counter(io, IoCounter::TxConnected) == 3);
  // a is the last source heard on the unconnected socket but reconnecting waits its polls.
  answer(io, p, a, 10);
  CHECK(counter(io, IoCounter::Connects) == 2);
  CHECK(counter(io, IoCounter::TxErrors) == 0);
  CHECK(io.free_packets() == kConfig.pool_packets);
}
