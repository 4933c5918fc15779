// Release only (the sanitizers own malloc): a worker turn with a conference mixing allocates
// nothing: three members' packets decoded into their FIFOs (PCMU, PCMA, G.729), the 20 ms mix
// ticks, each member's mix-minus encoded and sent through its rewriter, masking armed on one.
#include <catch2/catch.hpp>

#include "conference_call.hpp"
#include "tests/support/alloc_counter.hpp"
#include "worker_harness.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
using dialcore::codecs::CodecId;

TEST_CASE("a conference in the worker allocates nothing per packet or per mix tick", "[worker][conference][alloc]") {
  WorkerHarness h;
  const std::array<CodecSpec, 3> specs = {WorkerHarness::spec(CodecId::Pcmu, 0),
                                          WorkerHarness::spec(CodecId::Pcma, 8),
                                          WorkerHarness::spec(CodecId::G729, 18)};
  std::array<UdpPeer, 3> peers{UdpPeer(loopback_v4()), UdpPeer(loopback_v4()), UdpPeer(loopback_v4())};
  std::array<LegId, 3> legs{};
  // Each far end's packets built before counting: 300 frames of its tone in its codec.
  std::array<std::vector<std::vector<std::uint8_t>>, 3> packets;
  for (std::size_t p = 0; p < 3; ++p) {
    legs[p] = h.leg_towards(peers[p], specs[p]);
    auto enc = dialcore::codecs::make_encoder(specs[p].format, {});
    REQUIRE(enc != nullptr);
    const auto pcm = tone(500.0 + 400.0 * static_cast<double>(p), 5000.0, 300 * 160);
    for (std::size_t f = 0; f < 300; ++f) {
      std::vector<std::uint8_t> b(12 + 160);
      const auto r = enc->encode(std::span<const std::int16_t>(pcm).subspan(f * 160, 160),
                                 std::span<std::uint8_t>(b).subspan(12));
      REQUIRE(r.ok());
      b.resize(12 + r.count);
      dialcore::dataplane::rtp::write_rtp_header(
          dialcore::dataplane::rtp::RtpHeaderBytes(b.data(), 12),
          {static_cast<std::uint32_t>(7 + p), static_cast<std::uint32_t>(f * 160), static_cast<std::uint16_t>(f),
           specs[p].payload_type, false});
      packets[p].push_back(std::move(b));
    }
  }
  REQUIRE(h.call(legs[1], ConferenceJoinArgs{legs[0]}).status == ReplyStatus::Ok);
  REQUIRE(h.call(legs[2], ConferenceJoinArgs{legs[0]}).status == ReplyStatus::Ok);
  REQUIRE(h.call(legs[0], MaskDtmfArgs{}).status == ReplyStatus::Ok);
  auto frames = [&](std::size_t from, std::size_t until) {
    for (std::size_t f = from; f < until; ++f) {
      for (std::size_t p = 0; p < 3; ++p) peers[p].send_to(h.local_of(legs[p]), packets[p][f]);
      h.advance_ms(20);
      h.turn();
      h.turn();
      for (auto& peer : peers) drain_socket(peer);
    }
  };
  frames(0, 50);  // warm up: first-packet events, lazy socket and codec state
  const auto ticks = h.worker().stats().read(WorkerCounter::ConferenceTicks);
  const auto tx = h.worker().stats().read(WorkerCounter::TxPackets);
  const std::size_t before = allocations();
  frames(50, 300);
  const std::size_t after = allocations();
  CHECK(after - before == 0);
  const std::size_t probe = allocations();
  { std::vector<int> v(10); (void)v; }
  CHECK(allocations() > probe);  // the counter counts
  CHECK(h.worker().stats().read(WorkerCounter::ConferenceTicks) - ticks >= 245);
  CHECK(h.worker().stats().read(WorkerCounter::TxPackets) - tx >= 3 * 240);
}
