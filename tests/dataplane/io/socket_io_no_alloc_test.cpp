// Release only (the sanitizers own malloc): SocketIo allocates at construction and never after,
// neither per burst nor when ports open and close. tests/support/alloc_counter.cpp replaces
// malloc for this executable and counts every call, C library included.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <vector>

#include "dataplane/io/socket_io.hpp"
#include "tests/dataplane/io/udp_peer.hpp"
#include "tests/support/alloc_counter.hpp"

using namespace dialcore::dataplane;
using dialcore::test::loopback_v4;
using dialcore::test::loopback_v6;
using dialcore::test::UdpPeer;

TEST_CASE("the allocation counter sees SocketIo's setup", "[alloc]") {
  const std::size_t before = dialcore::test::allocations();
  SocketIo io(SocketIoConfig{4, 16});
  CHECK(dialcore::test::allocations() > before);
}

TEST_CASE("relaying bursts and opening ports allocate nothing", "[alloc]") {
  SocketIo io(SocketIoConfig{16, 256});
  std::vector<PortId> ports;
  std::vector<NetAddress> addresses;
  for (int i = 0; i < 4; ++i) {
    const OpenResult r = io.open_port(i % 2 == 0 ? loopback_v4() : loopback_v6());
    REQUIRE(r.ok());
    ports.push_back(r.port);
    addresses.push_back(r.local);
  }
  UdpPeer peer4(loopback_v4()), peer6(loopback_v6());
  REQUIRE((peer4.ok() && peer6.ok()));
  const std::array<std::uint8_t, 172> payload{};  // a G.711 20 ms RTP packet's size
  std::array<std::uint8_t, 2048> sink{};
  std::array<Packet*, kMaxBurst> burst{};

  // One round: 8 datagrams to each port, received, sent back to their sender, drained.
  auto drain = [&](std::size_t& drained, int timeout_ms) {
    for (const UdpPeer* p : {&peer4, &peer6}) {
      pollfd ready{p->fd(), POLLIN, 0};
      while (::poll(&ready, 1, timeout_ms) > 0 &&
             ::recv(p->fd(), sink.data(), sink.size(), MSG_DONTWAIT) > 0) {
        ++drained;
      }
    }
  };
  auto round = [&](std::size_t& relayed, std::size_t& drained) {
    for (int k = 0; k < 8; ++k) {
      for (std::size_t i = 0; i < ports.size(); ++i) {
        (i % 2 == 0 ? peer4 : peer6).send_to(addresses[i], payload);
      }
    }
    const std::size_t target = relayed + 8 * ports.size();
    for (int turn = 0; turn < 200 && relayed < target; ++turn) {
      const std::size_t n = io.rx_burst(burst, 1);  // remote stays the sender: an echo
      relayed += io.tx_burst(std::span<Packet* const>(burst.data(), n));
      if (n == 0) io.wait_rx(10);
    }
    drain(drained, 0);
  };

  std::size_t relayed = 0;
  std::size_t drained = 0;
  round(relayed, drained);  // warm-up: first use of every path
  const std::size_t before = dialcore::test::allocations();
  for (int r = 0; r < 50; ++r) {
    round(relayed, drained);
    const OpenResult extra = io.open_port(loopback_v4());  // setup calls too
    io.close_port(extra.port);
  }
  const std::size_t allocations = dialcore::test::allocations() - before;
  for (int wait = 0; wait < 10 && drained < relayed; ++wait) drain(drained, 100);
  CHECK(allocations == 0);
  CHECK(relayed == 51 * 32);
  CHECK(drained == relayed);
  CHECK(io.free_packets() == 256);
}
