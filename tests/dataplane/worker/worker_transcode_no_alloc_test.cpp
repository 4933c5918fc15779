// Release only (the sanitizers own malloc): a transcoded bridge (PCMU <-> G.729) through the
// jitter buffers, with loss, reordering and duplicates, allocates nothing in steady state.
#include <catch2/catch.hpp>

#include "tests/support/alloc_counter.hpp"
#include "worker_harness.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;

TEST_CASE("transcoding through the jitter buffer allocates nothing per packet", "[worker][transcode][alloc]") {
  WorkerHarness h;
  UdpPeer customer(loopback_v4()), agent(loopback_v4());
  const LegId c = h.leg_towards(customer, WorkerHarness::spec(dialcore::codecs::CodecId::Pcmu, 0));
  const LegId a = h.leg_towards(agent, WorkerHarness::spec(dialcore::codecs::CodecId::G729, 18));
  REQUIRE(h.call(c, BridgeArgs{a}).status == ReplyStatus::Ok);

  constexpr int kFrames = 600;
  std::vector<std::vector<std::uint8_t>> pcmu, g729;
  for (int f = 0; f < kFrames; ++f) {
    const auto seq = static_cast<std::uint16_t>(f);
    const std::uint32_t ts = 160u * static_cast<std::uint32_t>(f);
    pcmu.push_back(rtp_bytes(0xC0FFEE, seq, ts, 0, 160, static_cast<std::uint8_t>(f)));
    g729.push_back(rtp_bytes(0xA6E, seq, ts, 18, 20, 0x33));
  }
  const NetAddress to_c = h.local_of(c), to_a = h.local_of(a);
  auto frames = [&](int from, int to) {
    for (int f = from; f < to; ++f) {
      const auto i = static_cast<std::size_t>(f);
      if (f % 17 == 5) continue;  // lost
      if (f % 13 == 3 && f + 1 < to) {  // swapped with the next
        customer.send_to(to_c, pcmu[i + 1]);
        agent.send_to(to_a, g729[i + 1]);
      }
      if (f % 13 != 4) {
        customer.send_to(to_c, pcmu[i]);
        agent.send_to(to_a, g729[i]);
      }
      if (f % 11 == 0) customer.send_to(to_c, pcmu[i]);  // a duplicate
      h.turn();
      h.advance_ms(20);
      h.turn();
      h.turn();
      drain_socket(agent);
      drain_socket(customer);
    }
  };
  frames(0, 100);  // warm up
  const std::size_t before = allocations();
  frames(100, kFrames);
  const std::size_t after = allocations();
  CHECK(after - before == 0);
  const LegStats cs = h.call(c, StatsArgs{}).args<LegStats>();
  CHECK(cs.concealed > 5);  // the loop did conceal (the buffer also skips some lost frames when it shrinks)
  CHECK(cs.reordered > 20);
  CHECK(h.worker().stats().read(WorkerCounter::TxPackets) > 900);
}
