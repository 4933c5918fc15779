// MediaService (control/media) against the real dataplane runtime: worker threads, real rings,
// oRTP far ends on loopback, everything driven from an io_context on this thread. Every wait
// is bounded (run_until).
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "control/media/media_service.hpp"
#include "dataplane/io/socket_io.hpp"
#include "dataplane/runtime/runtime.hpp"
#include "dataplane/worker/worker.hpp"
#include "media_test_support.hpp"
#include "tests/dataplane/io/udp_peer.hpp"
#include "tests/dataplane/runtime/runtime_control.hpp"
#include "tests/support/ortp_peer.hpp"

using namespace dialcore;
using namespace dialcore::control::media;
using dataplane::Event;
using dataplane::EventType;
using dataplane::ReplyStatus;
using namespace dialcore::test::media;

namespace {

std::vector<dataplane::WorkerRings*> rings_of(dataplane::Runtime& rt) {
  std::vector<dataplane::WorkerRings*> out;
  for (std::size_t i = 0; i < rt.worker_count(); ++i) out.push_back(&rt.rings(i));
  return out;
}

// The real runtime with `rs` and a MediaService over its rings on an io_context.
struct Live {
  explicit Live(const dataplane::RuntimeSettings& rs = test::test_settings(2),
                const MediaSettings& ms = settings()) {
    dataplane::RuntimeError error;
    rt = dataplane::Runtime::start(rs, error);
    REQUIRE(rt != nullptr);
    media = std::make_unique<MediaService>(io, rings_of(*rt), ms);
  }
  std::unique_ptr<dataplane::Runtime> rt;
  boost::asio::io_context io;
  std::unique_ptr<MediaService> media;
};

}  // namespace

TEST_CASE(
    "a call through MediaService: two legs, PCMU, bridge, RTP both ways, DTMF, stats, destroy",
    "[media][ortp]") {
  Live live;
  auto& rt = live.rt;
  auto& io = live.io;
  MediaService& media = *live.media;
  Sync sync{io, media};

  std::vector<Event> customer_events, agent_events;
  const Allocated customer_leg =
      sync.allocate(LegPlacement::any(), [&](const Event& e) { customer_events.push_back(e); });
  REQUIRE(customer_leg.status == ReplyStatus::Ok);
  const Allocated agent_leg = sync.allocate(LegPlacement::next_to(customer_leg.leg),
                                            [&](const Event& e) { agent_events.push_back(e); });
  REQUIRE(agent_leg.status == ReplyStatus::Ok);
  // Placed beside the first leg: same worker, ports of that worker's shard.
  CHECK(agent_leg.leg.worker == customer_leg.leg.worker);
  CHECK(rt->worker_of_port(customer_leg.local.port) == customer_leg.leg.worker);
  CHECK(rt->worker_of_port(agent_leg.local.port) == agent_leg.leg.worker);
  CHECK(media.legs(customer_leg.leg.worker) == 2);

  test::OrtpPeer customer, agent;
  customer.set_remote(customer_leg.local);
  agent.set_remote(agent_leg.local);
  dataplane::SetRemoteArgs remote;
  remote.latch = false;
  remote.rtp = customer.address();
  CHECK(sync.wait([&](Done d) { media.set_remote(customer_leg.leg, remote, d); }) ==
        ReplyStatus::Ok);
  remote.rtp = agent.address();
  CHECK(sync.wait([&](Done d) { media.set_remote(agent_leg.leg, remote, d); }) == ReplyStatus::Ok);
  for (const MediaLeg& leg : {customer_leg.leg, agent_leg.leg}) {
    CHECK(sync.wait([&](Done d) { media.set_codec(leg, pcmu_and_events(), d); }) ==
          ReplyStatus::Ok);
  }
  CHECK(sync.wait([&](Done d) {
    media.set_dtmf(customer_leg.leg, {false, true}, d);
  }) == ReplyStatus::Ok);
  CHECK(sync.wait([&](Done d) { media.bridge(customer_leg.leg, agent_leg.leg, d); }) ==
        ReplyStatus::Ok);

  // 60 frames each way, paced at 20 ms by the io_context (which also polls the rings).
  auto talk = [&](int frames) {
    for (int i = 0; i < frames; ++i) {
      customer.send_frame();
      agent.send_frame();
      io.restart();
      io.run_for(std::chrono::milliseconds(20));
      customer.receive();
      agent.receive();
    }
  };
  talk(60);
  CHECK(agent.audio_packets() >= 55);
  CHECK(customer.audio_packets() >= 55);

  // The customer keys '5' by RFC 4733: the subscriber of the customer's leg gets the event.
  customer.key_rfc4733('5', 100, 100);
  for (int i = 0; i < 50 && customer.keys_pending(); ++i) talk(1);
  REQUIRE(run_until(io, [&] {
    for (const Event& e : customer_events) {
      if (e.type == EventType::Dtmf) return true;
    }
    return false;
  }));
  std::string keys;
  bool first_packet = false;
  for (const Event& e : customer_events) {
    if (e.type == EventType::Dtmf) keys += e.args<dataplane::DtmfEventArgs>().key;
    if (e.type == EventType::FirstPacket) first_packet = true;
  }
  CHECK(keys == "5");
  CHECK(first_packet);
  for (const Event& e : agent_events) CHECK(e.type != EventType::Dtmf);

  std::optional<dataplane::LegStats> stats;
  media.stats(customer_leg.leg, [&](ReplyStatus s, const dataplane::LegStats& st) {
    CHECK(s == ReplyStatus::Ok);
    stats = st;
  });
  REQUIRE(run_until(io, [&] { return stats.has_value(); }));
  CHECK(stats->rx_packets >= 60);

  CHECK(sync.wait([&](Done d) { media.destroy(customer_leg.leg, d); }) == ReplyStatus::Ok);
  CHECK(sync.wait([&](Done d) { media.destroy(agent_leg.leg, d); }) == ReplyStatus::Ok);
  CHECK(media.legs(customer_leg.leg.worker) == 0);
  // A destroyed leg's handle is stale on its worker.
  CHECK(sync.wait([&](Done d) { media.hold(customer_leg.leg, true, d); }) == ReplyStatus::StaleLeg);
  CHECK(media.counters().timeouts == 0);
  CHECK(media.counters().events_delivered >= 2);
}

TEST_CASE("MediaService refuses what cannot be sent, without a round trip", "[media]") {
  Live live;
  auto& io = live.io;
  MediaService& media = *live.media;
  Sync sync{io, media};
  const Allocated a = sync.allocate(LegPlacement::on_worker(0), nullptr);
  const Allocated b = sync.allocate(LegPlacement::on_worker(1), nullptr);
  REQUIRE(a.status == ReplyStatus::Ok);
  REQUIRE(b.status == ReplyStatus::Ok);
  CHECK(a.leg.worker == 0);
  CHECK(b.leg.worker == 1);
  // Legs on different workers cannot be bridged.
  CHECK(sync.wait([&](Done d) { media.bridge(a.leg, b.leg, d); }) == ReplyStatus::WrongState);
  CHECK(sync.wait([&](Done d) { media.send_dtmf(a.leg, "12x", d); }) == ReplyStatus::BadArgument);
  CHECK(sync.wait([&](Done d) { media.send_dtmf(a.leg, "", d); }) == ReplyStatus::BadArgument);
  CHECK(sync.allocate(LegPlacement::on_worker(7), nullptr).status == ReplyStatus::BadArgument);
  CHECK(sync.wait([&](Done d) { media.ping(1, d); }) == ReplyStatus::Ok);
  // "any" puts the next leg on the worker with fewer legs.
  const Allocated c = sync.allocate(LegPlacement::any(), nullptr);
  const Allocated d = sync.allocate(LegPlacement::any(), nullptr);
  CHECK(c.leg.worker != d.leg.worker);
}

TEST_CASE("Busy: commands beyond a tiny ring are queued, retried in order and all answered",
          "[media][busy]") {
  dataplane::RuntimeSettings rs = test::test_settings(1);
  rs.command_ring = 2;
  rs.event_ring = 8;
  Live live(rs);
  auto& io = live.io;
  MediaService& media = *live.media;
  std::vector<ReplyStatus> results;
  std::vector<int> order;
  for (int i = 0; i < 40; ++i) {
    media.ping(0, [&results, &order, i](ReplyStatus s) {
      results.push_back(s);
      order.push_back(i);
    });
  }
  REQUIRE(run_until(
      io, [&] { return results.size() == 40; }, std::chrono::milliseconds(10000)));
  for (std::size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i] == ReplyStatus::Ok);
    CHECK(order[i] == static_cast<int>(i));  // in submission order
  }
  CHECK(media.channel_counters(0).busy_ring_full > 0);
  CHECK(media.counters().busy_retries > 0);
  CHECK(media.counters().busy_failures == 0);
}

TEST_CASE("Busy that outlasts the retries fails clearly, and a stopped worker times out",
          "[media][busy][timeout]") {
  dataplane::RuntimeSettings rs = test::test_settings(2);
  rs.command_ring = 2;
  MediaSettings ms = settings();
  ms.reply_timeout = std::chrono::milliseconds(300);
  Live live(rs, ms);
  REQUIRE(live.rt->stop_worker(1));
  auto& io = live.io;
  MediaService& media = *live.media;
  Sync sync{io, media};

  const Allocated lost = sync.allocate(LegPlacement::on_worker(1), nullptr);
  CHECK(lost.status == ReplyStatus::TimedOut);
  std::vector<ReplyStatus> results;
  for (int i = 0; i < 6; ++i) media.ping(1, [&](ReplyStatus s) { results.push_back(s); });
  REQUIRE(run_until(io, [&] { return results.size() == 6; }));
  // The ring had one free slot (CreateLeg took the other): that ping times out, the rest are
  // Busy once the retries are spent.
  CHECK(std::count(results.begin(), results.end(), ReplyStatus::TimedOut) == 1);
  CHECK(std::count(results.begin(), results.end(), ReplyStatus::Busy) == 5);
  CHECK(media.counters().busy_failures == 5);
  CHECK(media.counters().timeouts == 2);
  CHECK(media.channel_counters(1).timeouts == 2);
  // Worker 0 is unaffected.
  CHECK(sync.wait([&](Done d) { media.ping(0, d); }) == ReplyStatus::Ok);
}

namespace {

// A Worker driven by hand (no thread), so the test decides when it answers.
struct ManualWorker {
  dataplane::SocketIo io{dataplane::SocketIoConfig{64, 256}};
  dataplane::WorkerRings rings{16, 64};
  dataplane::Worker worker{dataplane::WorkerConfig{16, 64}, io, rings};
};

}  // namespace

TEST_CASE("a CreateLeg answered after its timeout: the late leg is destroyed, not leaked",
          "[media][late]") {
  ManualWorker w;
  std::uint64_t now = 1'000'000'000;
  boost::asio::io_context io;
  MediaSettings ms = settings();
  ms.reply_timeout = std::chrono::milliseconds(100);
  MediaService media(io, {&w.rings}, ms, [&now] { return now; });
  std::optional<Allocated> got;
  media.allocate_leg(LegPlacement::any(), nullptr, [&](const Allocated& a) { got = a; });
  now += 200'000'000;  // past the deadline before the worker turned
  REQUIRE(run_until(io, [&] { return got.has_value(); }));
  CHECK(got->status == ReplyStatus::TimedOut);
  w.worker.poll(now);  // now it creates the leg and answers
  CHECK(w.worker.legs() == 1);
  CHECK(w.io.open_port_count() == 1);
  REQUIRE(run_until(io, [&] { return media.counters().late_creates_destroyed == 1; }));
  w.worker.poll(now);  // the DestroyLeg control sent
  CHECK(w.worker.legs() == 0);
  CHECK(w.io.open_port_count() == 0);
  REQUIRE(run_until(io, [&] { return media.in_flight(0) == 0; }));
  CHECK(media.counters().late_replies == 1);
}

TEST_CASE("events of a destroyed leg are dropped and counted, never delivered", "[media][late]") {
  ManualWorker w;
  std::uint64_t now = 1'000'000'000;
  boost::asio::io_context io;
  MediaService media(io, {&w.rings}, settings(), [&now] { return now; });
  std::optional<Allocated> got;
  int delivered = 0;
  media.allocate_leg(
      LegPlacement::any(), [&](const Event&) { ++delivered; },
      [&](const Allocated& a) { got = a; });
  w.worker.poll(now);
  REQUIRE(run_until(io, [&] { return got.has_value(); }));
  REQUIRE(got->status == ReplyStatus::Ok);
  test::UdpPeer peer(test::loopback_v4());
  std::vector<std::uint8_t> packet(172, 0);
  packet[0] = 0x80;
  REQUIRE(peer.send_to(got->local, packet));
  for (int i = 0; i < 100 && w.rings.events.size_approx() == 0; ++i) {
    now += 1'000'000;
    w.worker.poll(now);  // FirstPacket goes into the event ring
    if (w.rings.events.size_approx() == 0) peer.receive(1);
  }
  REQUIRE(w.rings.events.size_approx() == 1);
  std::optional<ReplyStatus> destroyed;
  media.destroy(got->leg, [&](ReplyStatus s) { destroyed = s; });
  w.worker.poll(now);
  REQUIRE(run_until(io, [&] { return destroyed.has_value(); }));
  CHECK(*destroyed == ReplyStatus::Ok);
  CHECK(delivered == 0);
  CHECK(media.counters().events_dropped == 1);
}

TEST_CASE("shutdown destroys every leg and then reports done", "[media][shutdown]") {
  Live live;
  auto& rt = live.rt;
  auto& io = live.io;
  MediaService& media = *live.media;
  Sync sync{io, media};
  for (int i = 0; i < 4; ++i)
    REQUIRE(sync.allocate(LegPlacement::any(), nullptr).status == ReplyStatus::Ok);
  CHECK(media.legs(0) + media.legs(1) == 4);
  bool done = false;
  media.shutdown([&] { done = true; });
  REQUIRE(run_until(io, [&] { return done; }));
  CHECK(media.legs(0) + media.legs(1) == 0);
  for (int i = 0; i < 200 && (rt->snapshot(0).legs + rt->snapshot(1).legs) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(rt->snapshot(0).legs + rt->snapshot(1).legs == 0);
  CHECK(sync.allocate(LegPlacement::any(), nullptr).status == ReplyStatus::WrongState);
}
