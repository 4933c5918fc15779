#pragma once
// ShardIo: a BurstIo in front of a worker's backend that keeps the worker inside its port shard.
// CreateLeg asks the worker to open `local`; through ShardIo
//   - port 0 takes the next free even port of the shard (PortAllocator, RTCP muxed: the odd port
//     above stays unopened and unused by other legs, as RFC 3550 pairs expect);
//   - a port inside the shard is opened as asked;
//   - a port outside it (another worker's) is refused, OpenStatus::Denied, which the worker
//     answers BadArgument; counted in refused().
// So both legs of a bridged call are on one worker exactly when control created them on it, and
// a port never belongs to two workers. Everything else is forwarded as it is.
//
// Cost: one more virtual call per burst call (~2-5 ns per burst of up to 32 packets, see
// burst_io.hpp for the measured cost of the call), nothing per packet.
//
// Threads: the worker's thread only, like the backend; refused() from any thread (relaxed).

#include <atomic>
#include <cstdint>

#include "dataplane/io/burst_io.hpp"
#include "dataplane/io/port_allocator.hpp"

namespace dialcore::dataplane {

class ShardIo final : public BurstIo {
 public:
  ShardIo(BurstIo& inner, PortRange shard) noexcept
      : inner_(inner), shard_(shard), allocator_(shard) {}

  OpenResult open_port(const NetAddress& local) noexcept override;
  bool close_port(PortId port) noexcept override { return inner_.close_port(port); }
  NetAddress local_address(PortId port) const noexcept override {
    return inner_.local_address(port);
  }
  std::size_t rx_burst(std::span<Packet*> out, std::uint64_t now_ns) noexcept override {
    return inner_.rx_burst(out, now_ns);
  }
  std::size_t tx_burst(std::span<Packet* const> packets) noexcept override {
    return inner_.tx_burst(packets);
  }
  std::size_t alloc(std::span<Packet*> out) noexcept override { return inner_.alloc(out); }
  void free(std::span<Packet* const> packets) noexcept override { inner_.free(packets); }
  bool wait_rx(int timeout_ms) noexcept override { return inner_.wait_rx(timeout_ms); }
  const IoStats& stats() const noexcept override { return inner_.stats(); }

  PortRange shard() const noexcept { return shard_; }
  // Opens refused because the port belongs to another shard. Any thread.
  std::uint64_t refused() const noexcept {
    return refused_.load(std::memory_order_relaxed);  // Relaxed: a count for metrics
  }

 private:
  BurstIo& inner_;
  const PortRange shard_;
  PortAllocator allocator_;
  std::atomic<std::uint64_t> refused_{0};  // written by the worker thread only
};

}  // namespace dialcore::dataplane
