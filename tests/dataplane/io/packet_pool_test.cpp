#include <catch2/catch.hpp>

#include <array>
#include <set>

#include "dataplane/io/packet_pool.hpp"

using namespace dialcore::dataplane;

TEST_CASE("the pool hands out distinct fresh packets until it runs out", "[io]") {
  PacketPool pool(5);
  std::array<Packet*, 8> out{};
  CHECK(pool.alloc(out) == 5);
  CHECK(pool.available() == 0);
  std::set<std::uint8_t*> buffers;
  for (std::size_t i = 0; i < 5; ++i) {
    Packet* p = out[i];
    CHECK(pool.owns(p));
    CHECK(p->len == 0);
    CHECK(p->capacity == kPacketDataBytes);
    CHECK_FALSE(p->port.valid());
    CHECK(p->remote.empty());
    CHECK(reinterpret_cast<std::uintptr_t>(p->data) % 64 == 0);
    buffers.insert(p->data);
    p->data[kPacketDataBytes - 1] = 0xAB;  // the whole buffer is ours (ASan checks)
  }
  CHECK(buffers.size() == 5);
  CHECK(pool.alloc(out) == 0);

  // Worker changes are undone by the next alloc.
  std::uint8_t* const start = out[0]->data;
  out[0]->len = 99;
  out[0]->data += 12;
  pool.free(std::span<Packet* const>(out.data(), 1));
  std::array<Packet*, 1> again{};
  REQUIRE(pool.alloc(again) == 1);
  CHECK(again[0] == out[0]);  // last freed, first reused: still in cache
  CHECK(again[0]->len == 0);
  CHECK(again[0]->data == start);
  pool.free(again);
  pool.free(std::span<Packet* const>(out.data() + 1, 4));
  CHECK(pool.available() == 5);
}

TEST_CASE("owns() rejects pointers that are not slot descriptors", "[io]") {
  PacketPool pool(2);
  Packet outside;
  CHECK_FALSE(pool.owns(&outside));
  std::array<Packet*, 1> p{};
  REQUIRE(pool.alloc(p) == 1);
  CHECK_FALSE(pool.owns(reinterpret_cast<const Packet*>(p[0]->data)));
  pool.free(p);
}
