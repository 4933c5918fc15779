// Built with -fsanitize=thread (and only when DIALCORE_SANITIZE is off: TSan and ASan cannot share
// a process). A data race fails the test through TSan's exit status; ctest runs it with
// TSAN_OPTIONS=halt_on_error=1. The hidden "[.broken]" case proves this executable can fail: ctest
// runs it and expects TSan's data-race report.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>

#include "dataplane/api/spsc_ring.hpp"
#include "dataplane/api/worker_stats.hpp"
#include "threaded_stress.hpp"

using dialcore::dataplane::SpscRing;
using dialcore::dataplane::WorkerCounter;
using dialcore::dataplane::WorkerStats;
using dialcore::test::StressItem;

TEST_CASE("two threads move 5M sequenced items through a 16-slot ring", "[spsc_ring][tsan]") {
  SpscRing<StressItem> ring(16);
  const auto result = dialcore::test::run_ring_stress(ring, 5'000'000, 11);
  CHECK(result.received == 5'000'000);
  CHECK(result.out_of_order == 0);
  CHECK(result.torn == 0);
}

TEST_CASE("control and a worker thread exchange 200k commands and replies", "[channel][tsan]") {
  const auto result = dialcore::test::run_channel_stress(200'000);
  CHECK(result.replies == 200'000);
  CHECK(result.mismatched == 0);
}

TEST_CASE("a reader snapshots the stats block while the worker counts", "[stats][tsan]") {
  auto stats = std::make_unique<WorkerStats>();
  constexpr std::uint64_t kAdds = 200'000;
  std::thread worker([&stats] {
    for (std::uint64_t i = 0; i < kAdds; ++i) {
      stats->add(WorkerCounter::RxPackets);
      stats->add(WorkerCounter::RxBytes, 172);
    }
  });
  std::uint64_t last = 0, went_back = 0;
  while (last < kAdds) {
    const std::uint64_t now = stats->snapshot()[static_cast<std::size_t>(WorkerCounter::RxPackets)];
    if (now < last) ++went_back;
    last = now;
  }
  worker.join();
  CHECK(went_back == 0);
  CHECK(stats->read(WorkerCounter::RxBytes) == 172 * kAdds);
}

namespace {

// SpscRing's scheme with the synchronisation taken out: the indices are atomics (so only the
// slots race), loaded and stored relaxed. TSan must report the slot race.
template <typename T>
class UnsynchronisedRing {
 public:
  bool try_push(const T& item) { return try_push_burst(std::span<const T>(&item, 1)) == 1; }
  std::size_t try_push_burst(std::span<const T> items) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    std::size_t n = 0;
    for (; n < items.size() && tail + n - head_.load(std::memory_order_relaxed) < kSlots; ++n) {
      slots_[(tail + n) % kSlots] = items[n];
    }
    tail_.store(tail + n, std::memory_order_relaxed);  // the bug: needs release
    return n;
  }
  bool try_pop(T& out) { return try_pop_burst(std::span<T>(&out, 1)) == 1; }
  std::size_t try_pop_burst(std::span<T> out) {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);  // the bug: needs acquire
    std::size_t n = 0;
    for (; n < out.size() && head + n < tail; ++n) out[n] = slots_[(head + n) % kSlots];
    head_.store(head + n, std::memory_order_relaxed);
    return n;
  }

 private:
  static constexpr std::uint64_t kSlots = 16;
  T slots_[kSlots] = {};
  std::atomic<std::uint64_t> head_{0};
  std::atomic<std::uint64_t> tail_{0};
};

}  // namespace

TEST_CASE("TSan reports a ring without acquire/release", "[.broken]") {
  auto ring = std::make_unique<UnsynchronisedRing<StressItem>>();
  const auto result = dialcore::test::run_ring_stress(*ring, 100'000, 11);
  CHECK(result.received == 100'000);
}
