#pragma once
// Two-thread stress of SpscRing and of CommandChannel with WorkerEndpoint, shared by the plain
// tests (so the ASan/UBSan build runs them) and the ThreadSanitizer executable. The threads never
// call Catch, which is not thread safe: they count what they saw, and the test checks the counts
// after join.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <thread>

#include "dataplane/api/command_channel.hpp"
#include "dataplane/api/worker_endpoint.hpp"
#include "dataplane/api/worker_rings.hpp"

namespace dialcore::test {

// Redundant fields, so a consumer that read a slot before the producer finished writing it
// (torn) or reread an old one (stale) sees a mismatch.
struct StressItem {
  std::uint64_t seq = 0;
  std::uint64_t inverted = 0;
  std::uint64_t mixed = 0;
  std::uint64_t echo = 0;
};

inline StressItem make_stress_item(std::uint64_t seq) {
  return {seq, ~seq, seq * 0x9E3779B97F4A7C15ull, seq};
}

inline bool intact(const StressItem& item) {
  return item.inverted == ~item.seq && item.mixed == item.seq * 0x9E3779B97F4A7C15ull &&
         item.echo == item.seq;
}

struct RingStressResult {
  std::uint64_t received = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t torn = 0;
};

// Moves `count` items through `ring` from a producer thread to the calling thread. Both sides
// cycle their burst size through 1..max_burst with different strides, so bursts straddle the wrap
// point in every alignment, and both yield when the ring is full or empty (cores are shared).
template <typename Ring>
RingStressResult run_ring_stress(Ring& ring, std::uint64_t count, std::size_t max_burst) {
  constexpr std::size_t kMaxBurst = 64;
  max_burst = std::clamp<std::size_t>(max_burst, 1, kMaxBurst);
  std::thread producer([&ring, count, max_burst] {
    std::array<StressItem, kMaxBurst> buf;
    std::uint64_t next = 0;
    std::size_t burst = 1;
    while (next < count) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(burst, count - next));
      for (std::size_t i = 0; i < n; ++i) buf[i] = make_stress_item(next + i);
      const std::size_t pushed =
          n == 1 ? (ring.try_push(buf[0]) ? 1 : 0) : ring.try_push_burst(std::span(buf).first(n));
      next += pushed;
      if (pushed == 0) std::this_thread::yield();
      burst = burst % max_burst + 1;
    }
  });

  RingStressResult result;
  std::array<StressItem, kMaxBurst> buf;
  std::size_t burst = 1;
  while (result.received < count) {
    const std::size_t n = burst == 1 ? (ring.try_pop(buf[0]) ? 1 : 0)
                                     : ring.try_pop_burst(std::span(buf).first(burst));
    for (std::size_t i = 0; i < n; ++i) {
      if (!intact(buf[i])) ++result.torn;
      if (buf[i].seq != result.received) ++result.out_of_order;
      ++result.received;
    }
    if (n == 0) std::this_thread::yield();
    burst = (burst + 2) % max_burst + 1;
  }
  producer.join();
  return result;
}

struct ChannelStressResult {
  std::uint64_t replies = 0;
  std::uint64_t mismatched = 0;  // wrong seq order, leg, status or kind
  std::uint64_t busy = 0;        // submits refused (expected: the rings are small)
};

// Control on the calling thread submits `count` commands through small rings, polling and
// retrying on Busy; a worker thread serves them. Every command must complete exactly once, as a
// Reply, in order (the worker answers FIFO), carrying what the worker put in it. Time stands still
// (now_ns = 0) and the timeout is far away, so nothing may time out.
inline ChannelStressResult run_channel_stress(std::uint64_t count) {
  using namespace dialcore::dataplane;
  WorkerRings rings(8, 16);
  CommandChannel channel(rings, 8, std::uint64_t{1} << 62);
  // Relaxed: a stop request publishes no data; the worker just sees it a little later.
  std::atomic<bool> stop{false};
  std::thread worker([&rings, &stop] {
    WorkerEndpoint endpoint(rings);
    auto handler = [](const Command& cmd, Event& reply) noexcept {
      reply.leg.generation = cmd.leg.generation + 1;  // proves the handler's edits arrive
      return cmd.seq % 5 == 0 ? ReplyStatus::StaleLeg : ReplyStatus::Ok;
    };
    while (!stop.load(std::memory_order_relaxed)) {
      if (endpoint.serve(handler, 4) == 0) std::this_thread::yield();
    }
  });

  ChannelStressResult result;
  std::uint64_t expected_seq = 1;
  auto on_delivery = [&result, &expected_seq](Delivery kind, const Event& event) noexcept {
    const bool ok = kind == Delivery::Reply && event.seq == expected_seq &&
                    event.leg.index == static_cast<std::uint32_t>(event.seq) &&
                    event.leg.generation == 2 && event.command == CommandType::Ping &&
                    event.status == (event.seq % 5 == 0 ? ReplyStatus::StaleLeg : ReplyStatus::Ok);
    if (!ok) ++result.mismatched;
    ++result.replies;
    ++expected_seq;
  };
  for (std::uint64_t i = 1; i <= count;) {
    const Command cmd = make_command(LegId{static_cast<std::uint32_t>(i), 1}, PingArgs{});
    if (channel.submit(cmd, 0).status == ReplyStatus::Ok) {
      ++i;
      continue;
    }
    ++result.busy;
    if (channel.poll(0, on_delivery) == 0) std::this_thread::yield();
  }
  while (channel.in_flight() > 0) {
    if (channel.poll(0, on_delivery) == 0) std::this_thread::yield();
  }
  stop.store(true, std::memory_order_relaxed);
  worker.join();
  return result;
}

}  // namespace dialcore::test
