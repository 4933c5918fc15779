// PortAllocator over a SocketIo on 127.0.0.1. The ranges are built at run time around ports the
// kernel hands out, and the busy ports are held by the test itself.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "dataplane/io/port_allocator.hpp"
#include "dataplane/io/socket_io.hpp"
#include "tests/dataplane/io/udp_peer.hpp"

using namespace dialcore::dataplane;
using dialcore::test::loopback_v4;
using dialcore::test::UdpPeer;

namespace {

// `count` consecutive loopback ports from an even one, each held by a UdpPeer: a port the kernel
// picks, rounded down to even, and the ones above it if they are free. Empty after 50 misses.
std::vector<std::unique_ptr<UdpPeer>> hold_block(std::size_t count) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::uint32_t base = 0;
    {
      const UdpPeer probe(loopback_v4());
      if (!probe.ok()) continue;
      base = probe.address().port & ~1u;
    }
    if (base < 1024 || base + count > 65536) continue;
    std::vector<std::unique_ptr<UdpPeer>> block;
    for (std::size_t i = 0; i < count; ++i) {
      auto peer = std::make_unique<UdpPeer>(loopback_v4(static_cast<std::uint16_t>(base + i)));
      if (!peer->ok()) break;
      block.push_back(std::move(peer));
    }
    if (block.size() == count) return block;
  }
  return {};
}

std::uint16_t port_of(const std::vector<std::unique_ptr<UdpPeer>>& block, std::size_t i) {
  return block[i]->address().port;
}

}  // namespace

TEST_CASE("the range yields even RTP ports with RTCP above", "[io]") {
  CHECK(PortAllocator({20000, 20009}).pair_count() == 5);
  CHECK(PortAllocator({20000, 20008}).pair_count() == 4);  // 20008 has no 20009
  CHECK(PortAllocator({20001, 20004}).pair_count() == 1);  // 20002-20003 only
  CHECK(PortAllocator({0, 3}).pair_count() == 1);          // never port 0
  CHECK(PortAllocator({20001, 20001}).pair_count() == 0);
  CHECK(PortAllocator({65534, 65535}).pair_count() == 1);
}

TEST_CASE("open takes free pairs, skips busy ones and says when none is left", "[io]") {
  auto block = hold_block(6);  // three pairs: E, E+2, E+4
  REQUIRE(block.size() == 6);
  const std::uint16_t first = port_of(block, 0);
  block[2].reset();  // free pair E+2
  block[3].reset();
  block[5].reset();  // pair E+4 is half busy: E+4 held, E+5 free

  SocketIo io(SocketIoConfig{8, 8});
  PortAllocator allocator({first, static_cast<std::uint16_t>(first + 5)});
  const AllocatedPorts got = allocator.open(io, loopback_v4(), RtcpPort::Separate);
  REQUIRE(got.ok());
  CHECK(got.local.port == first + 2);
  CHECK(got.local.port % 2 == 0);
  CHECK(io.local_address(got.rtcp).port == first + 3);
  CHECK(io.open_port_count() == 2);

  // Every pair is now taken (by the test or by us): InUse, and nothing left open by the attempt.
  const AllocatedPorts none = allocator.open(io, loopback_v4(), RtcpPort::Separate);
  CHECK(none.status == OpenStatus::InUse);
  CHECK(io.open_port_count() == 2);

  // Muxed RTCP needs only the even port: E+4 is held, E is held, so still nothing.
  CHECK(allocator.open(io, loopback_v4(), RtcpPort::Muxed).status == OpenStatus::InUse);
  block[4].reset();  // E+4 free now
  const AllocatedPorts muxed = allocator.open(io, loopback_v4(), RtcpPort::Muxed);
  REQUIRE(muxed.ok());
  CHECK(muxed.local.port == first + 4);
  CHECK_FALSE(muxed.rtcp.valid());
}

TEST_CASE("a pair just closed is handed out last", "[io]") {
  auto block = hold_block(4);  // two pairs, released for the allocator
  REQUIRE(block.size() == 4);
  const std::uint16_t first = port_of(block, 0);
  block.clear();

  SocketIo io(SocketIoConfig{8, 8});
  PortAllocator allocator({first, static_cast<std::uint16_t>(first + 3)});
  const AllocatedPorts a = allocator.open(io, loopback_v4(), RtcpPort::Muxed);
  REQUIRE(a.ok());
  io.close_port(a.rtp);
  const AllocatedPorts b = allocator.open(io, loopback_v4(), RtcpPort::Muxed);
  REQUIRE(b.ok());
  CHECK(b.local.port != a.local.port);  // the other pair, although a's is free again
}

TEST_CASE("a failure another port would not cure stops the search", "[io]") {
  SocketIo io(SocketIoConfig{8, 8});
  PortAllocator allocator({40000, 40100});
  const AllocatedPorts r = allocator.open(io, NetAddress::v4(192, 0, 2, 1, 0), RtcpPort::Separate);
  CHECK(r.status == OpenStatus::NotLocal);
  CHECK(io.open_port_count() == 0);
}
