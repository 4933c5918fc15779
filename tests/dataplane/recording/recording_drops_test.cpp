// The worker never waits: a full ring or an empty pool drops audio chunks and counts them, the
// recorder writes silence for what was dropped (the file's timeline stays true), control items
// queued behind a full ring arrive in order once it drains; and the same path through a real
// recorder thread.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "dataplane/recording/sidecar.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"

using namespace dialcore::test::rec;
namespace r = dialcore::dataplane::recording;

namespace {
r::RecordingConfig small(const std::string& root, std::uint32_t ring, std::uint32_t chunks) {
  r::RecordingConfig c;
  c.root = root;
  c.ring_items = ring;
  c.chunks_per_worker = chunks;
  c.max_recordings_per_worker = 4;
  return c;
}
}  // namespace

TEST_CASE("a full ring drops chunks, counts them, and the file keeps its length", "[drops]") {
  TempDir dir;
  Harness h(small(dir.path, 16, 256));
  const auto customer = pattern(8000 * 5, 1), agent = pattern(8000 * 5, 2);
  r::RecordingId id;
  REQUIRE(h.producer().start(make_start("drops", 8000), 0, id) == r::ProducerStatus::Ok);
  // 5 s while the recorder does not run: the 16-slot ring holds 15 chunks after the start.
  const std::uint64_t end = feed(h, id, customer, agent, 8000, 0, 0, 0);
  const auto& stats = h.producer().stats();
  CHECK(stats.read(r::ProducerCounter::ChunksSent) == 15);
  CHECK(stats.read(r::ProducerCounter::ChunksDroppedRingFull) >= 100);
  // The stop waits in the producer's backlog, not in the caller.
  REQUIRE(h.producer().stop(id, end) == r::ProducerStatus::Ok);
  CHECK(stats.read(r::ProducerCounter::ControlBacklogged) == 1);
  h.drain(end);
  h.producer().poll();  // the worker's turn: the backlog goes out
  h.drain(end);

  const std::string base = dir.path + "/2026-05-28/spring-sale/drops";
  const WavData w = read_wav_file(base + ".wav");
  const auto left = w.channel(0);
  REQUIRE(left.size() == 8000 * 5);
  const std::size_t kept = 15 * 320;  // 320 frames per chunk at 8 kHz (20 ms at 16 kHz)
  CHECK(std::equal(left.begin(), left.begin() + kept, customer.begin()));
  CHECK(std::all_of(left.begin() + kept, left.end(), [](std::int16_t s) { return s == 0; }));
  const auto side = r::read_sidecar(base + ".json");
  REQUIRE(side);
  CHECK(side->status == "complete");
  CHECK(side->gap_frames == 8000 * 5 - kept);
}

TEST_CASE("an empty pool drops audio, counts it, and recording recovers when chunks return", "[drops]") {
  TempDir dir;
  Harness h(small(dir.path, 64, 8));
  const auto customer = pattern(8000 * 2, 3), agent = pattern(8000 * 2, 4);
  const std::span<const std::int16_t> c(customer), a(agent);
  r::RecordingId id;
  REQUIRE(h.producer().start(make_start("pool", 8000), 0, id) == r::ProducerStatus::Ok);
  feed(h, id, c.first(8000), a.first(8000), 8000, 0, 0, 0);  // 1 s, recorder idle: 8 chunks run out
  CHECK(h.producer().stats().read(r::ProducerCounter::ChunksDroppedPoolEmpty) > 0);
  CHECK(h.producer().free_chunks() == 0);
  h.drain(ns_at(0, 8000, 8000));
  h.producer().poll();
  CHECK(h.producer().free_chunks() > 0);
  const std::uint64_t end = feed(h, id, c.subspan(8000), a.subspan(8000), 8000, 0, 8000, 1);
  REQUIRE(h.producer().stop(id, end) == r::ProducerStatus::Ok);
  h.drain(end);
  const WavData w = read_wav_file(dir.path + "/2026-05-28/spring-sale/pool.wav");
  const auto left = w.channel(0);
  REQUIRE(left.size() == 16000);
  // The second second, fed while the recorder kept up, is all there (after the chunk pair
  // that was open when the pool ran dry).
  CHECK(std::equal(left.begin() + 8000 + 640, left.end(), customer.begin() + 8000 + 640));
}

TEST_CASE("start is refused when slots run out, and a stopped slot is reused", "[drops]") {
  TempDir dir;
  Harness h(small(dir.path, 64, 64));
  std::vector<r::RecordingId> ids(4);
  for (int i = 0; i < 4; ++i) {
    REQUIRE(h.producer().start(make_start(std::to_string(i).append("-slot"), 8000), 0, ids[i]) == r::ProducerStatus::Ok);
  }
  r::RecordingId extra;
  CHECK(h.producer().start(make_start("s4", 8000), 0, extra) == r::ProducerStatus::NoSlot);
  REQUIRE(h.producer().stop(ids[1], 0) == r::ProducerStatus::Ok);
  REQUIRE(h.producer().start(make_start("s5", 8000), 0, extra) == r::ProducerStatus::Ok);
  CHECK(extra.slot == ids[1].slot);
  CHECK(extra.generation != ids[1].generation);
  for (auto id : {ids[0], ids[2], ids[3], extra}) REQUIRE(h.producer().stop(id, 0) == r::ProducerStatus::Ok);
  h.drain(0);
  CHECK(h.service.recorder(0).stats().read(r::RecorderCounter::Completed) == 5);
}

TEST_CASE("through a recorder thread: no drops at a sane rate, shutdown marks open files", "[drops][thread]") {
  TempDir dir;
  r::RecordingConfig c = small(dir.path, 4096, 8192);
  c.threads = 1;
  c.flush_interval_ms = 100;
  r::RecordingService service(c, 1);
  REQUIRE(service.start());
  auto& p = service.producer(0);
  const auto customer = pattern(8000 * 2, 5), agent = pattern(8000 * 2, 6);
  r::RecordingId id, open_id;
  REQUIRE(p.start(make_start("threaded", 8000), 0, id) == r::ProducerStatus::Ok);
  REQUIRE(p.start(make_start("left-open", 8000), 0, open_id) == r::ProducerStatus::Ok);
  std::uint64_t now = 0;
  for (std::size_t i = 0; i + 160 <= customer.size(); i += 160) {
    now = ns_at(0, i + 160, 8000);
    p.push(id, r::Channel::Customer, std::span(customer).subspan(i, 160), now);
    p.push(id, r::Channel::Agent, std::span(agent).subspan(i, 160), now);
    p.push(open_id, r::Channel::Agent, std::span(agent).subspan(i, 160), now);
    p.poll();
    if (i % 1600 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(p.stop(id, now) == r::ProducerStatus::Ok);
  bool off = false;
  for (int tries = 0; tries < 500 && !off; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    p.poll();
    std::vector<r::RecordingEvent> events(16);
    events.resize(service.poll_events(events));
    for (const auto& e : events) off = off || (e.id == id && e.state == r::RecordingState::Off);
  }
  REQUIRE(off);
  CHECK(p.stats().read(r::ProducerCounter::ChunksDroppedRingFull) == 0);
  CHECK(p.stats().read(r::ProducerCounter::ChunksDroppedPoolEmpty) == 0);
  const WavData w = read_wav_file(dir.path + "/2026-05-28/spring-sale/threaded.wav");
  CHECK(w.channel(0) == customer);
  CHECK(w.channel(1) == agent);
  service.stop();
  const auto side = r::read_sidecar(dir.path + "/2026-05-28/spring-sale/left-open.json");
  REQUIRE(side);
  CHECK(side->status == "interrupted");
  CHECK(side->frames > 0);
}

TEST_CASE("recorder threads pin to recording.cores, and a core that does not exist is refused", "[thread]") {
  TempDir dir;
  r::RecordingConfig c = small(dir.path, 64, 64);
  c.cores = {0};
  {
    r::RecordingService service(c, 2);
    CHECK(service.recorders() == 1);
    REQUIRE(service.start());
    r::RecordingId id;
    REQUIRE(service.producer(1).start(make_start("pinned", 8000), 0, id) == r::ProducerStatus::Ok);
    REQUIRE(service.producer(1).stop(id, 0) == r::ProducerStatus::Ok);
    bool off = false;
    for (int tries = 0; tries < 500 && !off; ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      std::vector<r::RecordingEvent> events(8);
      events.resize(service.poll_events(events));
      for (const auto& e : events) off = off || (e.id == id && e.state == r::RecordingState::Off);
    }
    CHECK(off);
    CHECK(id.worker == 1);
  }
  c.cores = {0, 100000};
  r::RecordingService bad(c, 1);
  CHECK(bad.recorders() == 2);
  CHECK_FALSE(bad.start());
}
