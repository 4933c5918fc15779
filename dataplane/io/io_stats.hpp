#pragma once
// IoStats: one BurstIo's counters: what it moved, every packet it dropped and why, and how many
// system calls it took to do so (packets per call is the figure that says whether batching
// works). Declared once in DIALCORE_IO_COUNTERS, like WorkerStats (dataplane/api/
// worker_stats.hpp): the enum, the count and the names all expand from that table.
//
// The backend's thread alone writes, once per burst from sums kept in locals; any thread reads
// (relaxed). One BurstIo per worker, so the block is never written from two cores.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

// X(Enumerator, "metric_name", "help text")
#define DIALCORE_IO_COUNTERS(X)                                                                  \
  X(RxPackets, "io_rx_packets", "datagrams handed to the worker")                                \
  X(RxBytes, "io_rx_bytes", "UDP payload bytes handed to the worker")                            \
  X(TxPackets, "io_tx_packets", "datagrams accepted by the kernel or NIC")                       \
  X(TxBytes, "io_tx_bytes", "UDP payload bytes accepted by the kernel or NIC")                   \
  X(RxTruncated, "io_rx_truncated", "datagrams dropped: larger than a packet buffer")            \
  X(RxErrors, "io_rx_errors", "receive calls failed with an error other than would-block")       \
  X(RxNoBuffer, "io_rx_no_buffer", "bursts cut short: packet pool empty (left in the kernel)")   \
  X(TxFull, "io_tx_full", "datagrams dropped: socket buffer or TX queue full (never waits)")     \
  X(TxErrors, "io_tx_errors", "datagrams dropped: the send failed (errno other than full)")      \
  X(TxBadPort, "io_tx_bad_port", "datagrams dropped: local port closed or never opened")         \
  X(TxBadAddress, "io_tx_bad_address", "datagrams dropped: destination empty or other family")   \
  X(AllocFailed, "io_alloc_failed", "packets asked of alloc() and not given: buffer pool empty") \
  X(PollCalls, "io_poll_calls", "readiness polls (epoll_wait)")                                  \
  X(RxCalls, "io_rx_calls", "receive calls (recvfrom, recvmmsg)")                                \
  X(TxCalls, "io_tx_calls", "send calls (sendto, sendmmsg)")                                     \
  X(TxConnected, "io_tx_connected", "datagrams sent on a socket connected to their destination") \
  X(Connects, "io_connects", "port sockets connected (or reconnected) to a latched remote")      \
  X(ConnectFailed, "io_connect_failed", "connects that failed: the port keeps sending unconnected")

namespace dialcore::dataplane {

enum class IoCounter : std::uint16_t {
#define DIALCORE_IO_COUNTER_ENUM(id, name, help) id,
  DIALCORE_IO_COUNTERS(DIALCORE_IO_COUNTER_ENUM)
#undef DIALCORE_IO_COUNTER_ENUM
};

inline constexpr std::size_t kIoCounterCount = 0
#define DIALCORE_IO_COUNTER_ONE(id, name, help) +1
    DIALCORE_IO_COUNTERS(DIALCORE_IO_COUNTER_ONE);
#undef DIALCORE_IO_COUNTER_ONE

struct IoCounterInfo {
  std::string_view name;  // snake_case; control adds its prefix and unit suffix
  std::string_view help;
};

// Indexed by IoCounter.
inline constexpr std::array<IoCounterInfo, kIoCounterCount> kIoCounterInfo = {{
#define DIALCORE_IO_COUNTER_INFO(id, name, help) IoCounterInfo{name, help},
    DIALCORE_IO_COUNTERS(DIALCORE_IO_COUNTER_INFO)
#undef DIALCORE_IO_COUNTER_INFO
}};

// A set of counts indexed by IoCounter: a burst's sums in locals, or a snapshot.
struct IoCounts {
  std::array<std::uint64_t, kIoCounterCount> values{};

  std::uint64_t& operator[](IoCounter c) noexcept { return values[static_cast<std::size_t>(c)]; }
  std::uint64_t operator[](IoCounter c) const noexcept {
    return values[static_cast<std::size_t>(c)];
  }
};

// Whole cache lines, so the blocks of neighbouring workers never share one.
class alignas(64) IoStats {
 public:
  // Backend thread only. Load then store rather than fetch_add: the only writer cannot lose an
  // increment, and this avoids a locked instruction. Relaxed: a count, not a synchronisation
  // point; a reader may see it a little late, never torn.
  void add(IoCounter counter, std::uint64_t n = 1) noexcept {
    std::atomic<std::uint64_t>& c = counters_[static_cast<std::size_t>(counter)];
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  // Backend thread only: adds a burst's sums, skipping zeros so an idle poll stores little.
  void add(const IoCounts& counts) noexcept {
    for (std::size_t i = 0; i < kIoCounterCount; ++i) {
      if (counts.values[i] != 0) add(static_cast<IoCounter>(i), counts.values[i]);
    }
  }

  // Any thread. Relaxed: see add().
  std::uint64_t read(IoCounter counter) const noexcept {
    return counters_[static_cast<std::size_t>(counter)].load(std::memory_order_relaxed);
  }

  // Any thread: every counter, indexed like kIoCounterInfo.
  IoCounts snapshot() const noexcept {
    IoCounts counts;
    for (std::size_t i = 0; i < kIoCounterCount; ++i) {
      counts.values[i] = counters_[i].load(std::memory_order_relaxed);  // Relaxed: see read()
    }
    return counts;
  }

 private:
  std::array<std::atomic<std::uint64_t>, kIoCounterCount> counters_{};
};

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

}  // namespace dialcore::dataplane
