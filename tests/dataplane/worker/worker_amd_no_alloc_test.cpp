// Release only (the sanitizers own malloc): a worker turn with AMD running allocates nothing:
// G.711 decoded into the detector 20 ms at a time, a 16 kHz transcoded leg through the
// decimator, the RTP-gap silence fill of the timeout scan, the Amd events posted, and the slot
// returned to the pool when an analysis ends.
#include <catch2/catch.hpp>

#include "amd_call.hpp"
#include "tests/dataplane/dsp/amd_signals.hpp"
#include "tests/support/alloc_counter.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
using dialcore::codecs::CodecId;

TEST_CASE("AMD in the worker allocates nothing per packet, per frame or per event", "[worker][amd][alloc]") {
  WorkerHarness h;
  UdpPeer far(loopback_v4()), quiet(loopback_v4());
  const LegId leg = h.leg_towards(far, WorkerHarness::spec(CodecId::Pcmu, 0));
  const LegId silent = h.leg_towards(quiet, WorkerHarness::spec(CodecId::Pcmu, 0));
  // Packets built before counting: a hello, quiet, then a long greeting (two analyses).
  Pcm x;
  silence(x, 1500);  // 1 s of it before StartAmd
  voice(x, 700, -16.0, 3);
  silence(x, 3500);
  voice(x, 5000, -16.0, 4);
  add_noise(x, -50.0, 5);
  std::vector<std::vector<std::uint8_t>> packets;
  for (std::size_t at = 0; at + 160 <= x.size(); at += 160) {
    auto p = rtp_bytes(7, static_cast<std::uint16_t>(at / 160), static_cast<std::uint32_t>(at), 0, 0);
    const auto payload = encode_payload(CodecId::Pcmu, std::span<const std::int16_t>(x).subspan(at, 160));
    p.insert(p.end(), payload.begin(), payload.end());
    packets.push_back(std::move(p));
  }
  const Command start = make_command(leg, AmdArgs{});
  const Command start_silent = make_command(silent, AmdArgs{});
  const NetAddress to = h.local_of(leg);
  auto frames = [&](std::size_t from, std::size_t until) {
    for (std::size_t f = from; f < until; ++f) {
      far.send_to(to, packets[f]);
      h.advance_ms(20);
      h.turn();
      h.turn();
      drain_socket(far);
    }
  };
  frames(0, 50);  // warm up: first-packet event, lazy socket state
  REQUIRE(h.call(start).status == ReplyStatus::Ok);
  REQUIRE(h.call(start_silent).status == ReplyStatus::Ok);
  const std::size_t events_before = h.events().size();
  const std::size_t before = allocations();
  frames(50, 300);  // HUMAN for `leg`; SILENCE for `silent` (no RTP: the scan's fill)
  const std::size_t after = allocations();
  CHECK(after - before == 0);
  const std::size_t probe = allocations();
  { std::vector<int> v(10); (void)v; }
  CHECK(allocations() > probe);  // the counter counts
  std::size_t amd_events = 0;
  for (std::size_t i = events_before; i < h.events().size(); ++i) amd_events += h.events()[i].type == EventType::Amd;
  CHECK(amd_events == 2);
  CHECK(h.worker().stats().read(WorkerCounter::AmdFrames) > 150);
}
