// The producer's calls (the worker's hot path) allocate nothing: start, push, markers, pause,
// resume, stop and poll, with chunks flowing and being dropped. Release only (the sanitizers own
// malloc).
#include <catch2/catch.hpp>

#include <vector>

#include "tests/dataplane/recording/recording_test_util.hpp"
#include "tests/support/alloc_counter.hpp"

using namespace dialcore::test::rec;
namespace r = dialcore::dataplane::recording;

TEST_CASE("the allocation counter sees allocations", "[alloc]") {
  const std::size_t before = dialcore::test::allocations();
  auto* v = new std::vector<int>(100);
  CHECK(dialcore::test::allocations() > before);
  delete v;
}

TEST_CASE("the producer allocates nothing", "[alloc]") {
  TempDir dir;
  r::RecordingConfig c;
  c.root = dir.path;
  c.ring_items = 32;  // small: drops happen inside the measured window too
  c.chunks_per_worker = 64;
  c.max_recordings_per_worker = 8;
  Harness h(c);
  auto& p = h.producer();
  const auto pcm = pattern(160, 1);
  const auto start = make_start("alloc", 8000);
  std::uint64_t now = 0;
  const std::size_t before = dialcore::test::allocations();
  for (int call = 0; call < 3; ++call) {
    r::RecordingId id;
    REQUIRE(p.start(start, now, id) == r::ProducerStatus::Ok);
    const std::uint64_t t0 = now;
    for (int k = 0; k < 200; ++k) {
      now = t0 + std::uint64_t(k + 1) * 20'000'000;
      p.push(id, r::Channel::Customer, pcm, now);
      p.push(id, r::Channel::Agent, pcm, now);
      if (k == 50) (void)p.mark(id, r::MarkerKind::Tag, "bookmark", now);
      if (k == 60) (void)p.pause(id, now);
      if (k == 80) (void)p.resume(id, now);
      p.poll();
    }
    (void)p.stop(id, now);
  }
  const std::size_t during = dialcore::test::allocations() - before;
  CHECK(during == 0);
  CHECK(p.stats().read(r::ProducerCounter::ChunksDroppedRingFull) > 0);  // drops were exercised
  CHECK(p.stats().read(r::ProducerCounter::ChunksSent) > 0);
  h.drain(now);
  h.producer().poll();
  h.drain(now);
}
