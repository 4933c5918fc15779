// Release only (the sanitizers own malloc): a recorded call allocates nothing on the worker in
// steady state: both directions of a bridged PCMU call decoded after the DTMF tap (masking
// armed on the customer) and pushed to the producer, a prompt to the customer recorded on the
// agent's side, chunks handed over and taken back, and drops when the ring is full. The
// recorder thread's work (files) runs between the counted windows, on the test thread.
#include <catch2/catch.hpp>

#include "codecs/g711.hpp"
#include "dataplane/recording/recording_api_event.hpp"
#include "dataplane/recording/recording_service.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"
#include "tests/support/alloc_counter.hpp"
#include "worker_harness.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
namespace r = dialcore::dataplane::recording;


TEST_CASE("a recorded call allocates nothing on the worker in steady state", "[worker][recording][alloc]") {
  rec::TempDir dir;
  r::RecordingConfig config;
  config.root = dir.path;
  config.chunks_per_worker = 256;
  config.ring_items = 64;
  config.max_recordings_per_worker = 4;
  r::RecordingService service(config, 1);  // not started: the test runs the recorder's polls
  WorkerConfig wc;
  wc.max_legs = 8;
  wc.recorder = &service.producer(0);
  WorkerHarness h(wc);
  UdpPeer customer(loopback_v4()), agent(loopback_v4());
  const CodecSpec pcmu = WorkerHarness::spec(dialcore::codecs::CodecId::Pcmu, 0);
  const LegId c = h.leg_towards(customer, pcmu);
  const LegId a = h.leg_towards(agent, pcmu);
  REQUIRE(h.call(c, BridgeArgs{a}).status == ReplyStatus::Ok);
  REQUIRE(h.call(c, MaskDtmfArgs{}).status == ReplyStatus::Ok);
  StartRecordingArgs start;
  r::copy_text(start.call_id, "alloc");
  const Event started = h.call(c, start);
  REQUIRE(started.status == ReplyStatus::Ok);
  const r::RecordingId id = r::recording_id(started.args<StartRecordingReplyArgs>());

  constexpr int kFrames = 600;
  const auto pcm = rec::pattern(160, 7);
  std::vector<std::vector<std::uint8_t>> from_c, from_a;
  for (int f = 0; f < kFrames; ++f) {
    auto pkt = rtp_bytes(0xC0FFEE, static_cast<std::uint16_t>(f), 160u * static_cast<std::uint32_t>(f), 0, 160);
    dialcore::codecs::g711::encode_ulaw(pcm.data(), pkt.data() + 12, 160);
    from_c.push_back(pkt);
    from_a.push_back(rtp_bytes(0xA6E, static_cast<std::uint16_t>(f), 160u * static_cast<std::uint32_t>(f), 0, 160, 0x3C));
  }
  const NetAddress to_c = h.local_of(c), to_a = h.local_of(a);
  std::size_t counted = 0;
  // `frames` frames, the worker's turns counted; `recorder`: the recorder drains after each 10.
  auto frames = [&](int from, int to, bool recorder) {
    for (int f = from; f < to; f += 10) {
      const std::size_t before = allocations();
      for (int k = f; k < f + 10 && k < to; ++k) {
        customer.send_to(to_c, from_c[static_cast<std::size_t>(k)]);
        agent.send_to(to_a, from_a[static_cast<std::size_t>(k)]);
        h.advance_ms(20);
        h.turn();
        h.turn();
      }
      counted += allocations() - before;
      if (recorder) {
        while (service.recorder(0).poll(h.now_ns())) {
        }
      }
      drain_socket(agent);
      drain_socket(customer);
    }
  };
  frames(0, 100, true);  // warm up: first packets, lazy socket state, the file opened
  counted = 0;
  frames(100, 300, true);  // chunks flowing both ways
  REQUIRE(h.call(c, PauseRecordingArgs{}).status == ReplyStatus::Ok);
  REQUIRE(h.call(c, ResumeRecordingArgs{}).status == ReplyStatus::Ok);
  PlayAudioArgs play;
  play.clip_id = static_cast<std::uint32_t>(ToneClip::RingbackUnitedKingdom);
  play.repeat = 0;
  REQUIRE(h.call(c, play).status == ReplyStatus::Ok);
  frames(300, 450, true);  // a prompt to the customer on the agent's side
  frames(450, kFrames, false);  // no recorder: the ring fills, chunks are dropped
  CHECK(counted == 0);
  const std::size_t probe = allocations();
  { std::vector<int> v(10); (void)v; }
  CHECK(allocations() > probe);  // the counter counts
  const auto& p = service.producer(0).stats();
  CHECK(p.read(r::ProducerCounter::ChunksSent) > 50);
  CHECK(p.read(r::ProducerCounter::ChunksDroppedRingFull) + p.read(r::ProducerCounter::ChunksDroppedPoolEmpty) > 0);
  CHECK(service.producer(0).active(id));
}
