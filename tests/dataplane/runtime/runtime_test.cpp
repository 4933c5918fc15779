// The dataplane runtime (issue 3, workers): worker threads with their own socket backends,
// rings and Workers, driven through the real rings from this thread as control would.
#include <catch2/catch.hpp>

#include <sched.h>

#include <atomic>
#include <thread>

#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "runtime_calls.hpp"
#include "runtime_control.hpp"
#include "tests/dataplane/io/udp_peer.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;

namespace {

int first_allowed_core() {
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(sched_getaffinity(0, sizeof(set), &set) == 0);
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) return c;
  }
  return -1;
}

}  // namespace

TEST_CASE("two unpinned workers relay RTP both ways through a bridged pair each", "[runtime]") {
  RuntimeError error;
  auto rt = Runtime::start(test_settings(2), error);
  REQUIRE(rt != nullptr);
  REQUIRE(rt->worker_count() == 2);
  RuntimeControl ctl(*rt);
  for (std::size_t w = 0; w < 2; ++w) {
    INFO("worker " << w);
    UdpPeer pa(loopback_v4()), pb(loopback_v4());
    REQUIRE(pa.ok());
    REQUIRE(pb.ok());
    const Pair p = bridged_pair(ctl, w, pa, pb);
    // Each leg's port is in its own worker's shard.
    CHECK(rt->worker_of_port(p.local_a.port) == w);
    CHECK(rt->worker_of_port(p.local_b.port) == w);
    CHECK(relay(pa, p.local_a, pb, 20, 0x11) == 20);
    CHECK(relay(pb, p.local_b, pa, 20, 0x22) == 20);
    // Counters, read from this thread while the worker runs (the worker adds a burst's counts
    // after its send call returns, so the last one may land a moment after the peer has it).
    WorkerSnapshot s = rt->snapshot(w);
    for (int i = 0; i < 1000 && s.io[IoCounter::TxPackets] < 40; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      s = rt->snapshot(w);
    }
    CHECK(s.running);
    CHECK_FALSE(s.pinned);
    CHECK(s.counters[static_cast<std::size_t>(WorkerCounter::RxPackets)] == 40);
    CHECK(s.io[IoCounter::TxPackets] == 40);
    CHECK(s.legs == 2);
    CHECK(s.leg_capacity == 32);
    CHECK(s.command_ring_capacity == 64);
  }
  // Worker 0 relayed nothing of worker 1's traffic and the other way round.
  CHECK(rt->snapshot(0).counters[static_cast<std::size_t>(WorkerCounter::RxNoLeg)] == 0);
  CHECK(rt->stop());
}

TEST_CASE("the port range is cut into one contiguous shard per worker", "[runtime][shard]") {
  RuntimeSettings settings = test_settings(2);
  RuntimeError error;
  auto rt = Runtime::start(settings, error);
  REQUIRE(rt != nullptr);
  const PortRange s0 = rt->shard(0), s1 = rt->shard(1);
  CHECK(s0.first == settings.rtp_ports.first);
  CHECK(s0.last + 1 == s1.first);
  CHECK(s1.last == settings.rtp_ports.last);
  CHECK(s0.first % 2 == 0);
  CHECK(s1.first % 2 == 0);
  CHECK(rt->worker_of_port(s1.first) == 1u);
  CHECK_FALSE(rt->worker_of_port(static_cast<std::uint16_t>(settings.rtp_ports.last + 1)));

  RuntimeControl ctl(*rt);
  SECTION("a port of worker 1 is refused on worker 0, and counted") {
    const Event refused = ctl.call(0, LegId::invalid(), CreateLegArgs{loopback_v4(s1.first), 0});
    CHECK(refused.status == ReplyStatus::BadArgument);
    CHECK(rt->snapshot(0).port_refused == 1);
    // The same port on its own worker (if nobody else on the machine holds it).
    const Event own = ctl.call(1, LegId::invalid(), CreateLegArgs{loopback_v4(s1.first), 0});
    CHECK((own.status == ReplyStatus::Ok || own.status == ReplyStatus::InUse));
    CHECK(rt->snapshot(1).port_refused == 0);
  }
  SECTION("port 0 takes even ports of the worker's own shard until it is full") {
    const std::size_t pairs = (s0.last - s0.first + 1) / 2;
    std::size_t made = 0;
    for (std::size_t i = 0; i < pairs + 2; ++i) {
      const Event e = ctl.call(0, LegId::invalid(), CreateLegArgs{loopback_v4(0), 0});
      if (e.status != ReplyStatus::Ok) {
        CHECK(e.status == ReplyStatus::InUse);  // every pair of the shard taken
        break;
      }
      const std::uint16_t port = e.args<CreateLegReplyArgs>().local.port;
      CHECK(port % 2 == 0);
      CHECK(port >= s0.first);
      CHECK(port <= s0.last);
      ++made;
    }
    CHECK(made <= pairs);
    CHECK(made >= pairs - 2);  // a pair held by another process on the machine is skipped
  }
}

TEST_CASE("stopping while traffic flows ends within the bound", "[runtime][stop]") {
  RuntimeError error;
  auto rt = Runtime::start(test_settings(2), error);
  REQUIRE(rt != nullptr);
  RuntimeControl ctl(*rt);
  UdpPeer pa(loopback_v4()), pb(loopback_v4()), qa(loopback_v4()), qb(loopback_v4());
  const Pair p0 = bridged_pair(ctl, 0, pa, pb);
  const Pair p1 = bridged_pair(ctl, 1, qa, qb);
  std::atomic<bool> sending{true};
  std::atomic<int> sent{0};
  std::thread blaster([&] {
    std::uint16_t seq = 0;
    for (int i = 0; i < 200000 && sending.load(); ++i) {  // bounded even if stop never comes
      pa.send_to(p0.local_a, rtp_packet(1, seq, 1));
      qa.send_to(p1.local_a, rtp_packet(2, seq, 2));
      ++seq;
      sent.fetch_add(2);
      if (i % 16 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  // Traffic is flowing: both workers count it.
  auto rx = [&](std::size_t w) { return rt->snapshot(w).counters[0]; };
  for (int i = 0; i < 2000 && (rx(0) < 100 || rx(1) < 100); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(rt->snapshot(0).counters[0] >= 100);
  CHECK(rt->snapshot(1).counters[0] >= 100);
  const auto t0 = std::chrono::steady_clock::now();
  const bool stopped = rt->stop(std::chrono::milliseconds(1000));
  const auto took = std::chrono::steady_clock::now() - t0;
  sending = false;
  blaster.join();
  const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  INFO("stop took " << took_ms << " ms");
  CHECK(stopped);
  CHECK(took < std::chrono::milliseconds(1000));
  CHECK_FALSE(rt->snapshot(0).running);
  CHECK_FALSE(rt->snapshot(1).running);
}

TEST_CASE("pinning to a core this process cannot use is refused with a named error",
          "[runtime][pin]") {
  RuntimeSettings settings = test_settings(2);
  settings.pin = true;
  settings.cores = {first_allowed_core(), 1023};
  RuntimeError error;
  auto rt = Runtime::start(settings, error);
  CHECK(rt == nullptr);
  CHECK(error.code == RuntimeErrc::CoreNotAvailable);
  CHECK(to_string(error.code) == "core_not_available");
  CHECK_THAT(error.message, Catch::Contains("worker 1: core 1023 does not exist"));
  CHECK_THAT(error.message, Catch::Contains("pin_workers: false"));
}

TEST_CASE("a worker pinned to an available core runs there", "[runtime][pin]") {
  RuntimeSettings settings = test_settings(1);
  settings.pin = true;
  settings.cores = {first_allowed_core()};
  RuntimeError error;
  auto rt = Runtime::start(settings, error);
  REQUIRE(rt != nullptr);
  RuntimeControl ctl(*rt);
  CHECK(ctl.call(0, LegId::invalid(), PingArgs{}).status == ReplyStatus::Ok);
  CHECK(rt->snapshot(0).pinned);
  CHECK(rt->snapshot(0).core == settings.cores[0]);
}

TEST_CASE("settings that cannot work are refused before any thread starts", "[runtime]") {
  RuntimeError error;
  RuntimeSettings few = test_settings(3);
  few.rtp_ports = PortRange{40000, 40003};  // two pairs for three workers
  CHECK(Runtime::start(few, error) == nullptr);
  CHECK(error.code == RuntimeErrc::BadSettings);
  RuntimeSettings none = test_settings(1);
  none.cores.clear();
  CHECK(Runtime::start(none, error) == nullptr);
  CHECK(error.code == RuntimeErrc::BadSettings);
  RuntimeSettings sleepy = test_settings(1);
  sleepy.idle.sleep_us = 500;
  CHECK(Runtime::start(sleepy, error) == nullptr);
  CHECK_THAT(error.message, Catch::Contains("200"));
}

// Not a pass/fail test: what an idle worker costs at each sleep (README.md quotes it).
TEST_CASE("idle worker CPU by sleep", "[.bench][runtime]") {
  for (std::uint32_t sleep_us : {0u, 50u, 100u, 200u, 1u}) {
    RuntimeSettings settings = test_settings(1);
    settings.idle.sleep_us = sleep_us == 1 ? 100 : sleep_us;
    settings.idle.park_after_sleeps = sleep_us == 1 ? 100 : 0;  // 1: parked after 100 sleeps
    RuntimeError error;
    auto rt = Runtime::start(settings, error);
    REQUIRE(rt != nullptr);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const WorkerSnapshot a = rt->snapshot(0);
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const WorkerSnapshot b = rt->snapshot(0);
    const double wall_ns =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    const double sleeps = static_cast<double>(b.idle_sleeps - a.idle_sleeps);
    if (sleep_us == 1)
      std::printf("parked (wait_rx 1 ms), %llu parks\n",
                  static_cast<unsigned long long>(b.idle_parks - a.idle_parks));
    std::printf(
        "sleep_us %3u: CPU %5.1f %% of a core, %7.0f sleeps/s, %6.1f us per sleep+turn cycle\n",
        sleep_us, 100.0 * static_cast<double>(b.cpu_ns - a.cpu_ns) / wall_ns,
        sleeps * 1e9 / wall_ns, sleeps > 0 ? wall_ns / sleeps / 1000.0 : 0.0);
  }
}
