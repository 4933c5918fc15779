#pragma once
// DpdkPort: one ethdev port shared by several workers, each with its own DpdkIo (its RX/TX queue
// pair). What is per port lives here: the port's configuration (queues, offloads, our MAC), the
// mbuf pool, our addresses and subnets, the exception device (TAP) and how RTP reaches the
// worker owning its UDP port (the shard it belongs to):
//
//   - Hardware steering (rte_flow): one rule per aligned block of a shard's ports, "ETH / IPV4 /
//     UDP dst port value&mask -> QUEUE k" (port_range_blocks). Tried only when the port has a
//     queue per worker and every rule passes rte_flow_validate; then the NIC puts a shard's RTP
//     on its worker's queue and what no rule matches (ARP, ICMP, SIP, ...) on queue 0.
//   - Software dispatch otherwise (and for what hardware could not steer): each worker reads its
//     own RX queue (if the port has one for it: RSS or af_packet's fanout may spread traffic over
//     queues, or there is one queue and worker 0 reads it) and forwards each frame it does not own
//     to the owner's ring: lockless rte_rings, single producer / single consumer, one per (from,
//     to) pair of workers. RTP goes to its port's shard; whatever is not RTP (ARP requests, ICMP,
//     the kernel's traffic) to worker 0, which alone answers it and owns the exception device;
//     an ARP reply is copied to every worker (each resolves its own next hops). Counted:
//     dpdk_sw_dispatched / dpdk_sw_dispatch_drops on the sender, dpdk_sw_received on the owner.
//     net_ring, net_af_packet and net_tap do not implement rte_flow: CI runs this path.
//
// Setup only: built on the control thread before the workers start, destroyed after they stop
// (it drains the rings, removes the flow rules, stops and closes the port, frees the pool). No
// DPDK type in this header.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/io/dpdk_io.hpp"
#include "dataplane/io/port_allocator.hpp"

struct rte_ring;

namespace dialcore::dataplane {

// An aligned block of UDP ports, value & mask: the ports p with (p & mask) == value.
struct PortBlock {
  std::uint16_t value = 0;
  std::uint16_t mask = 0;
  friend bool operator==(const PortBlock&, const PortBlock&) = default;
};
// The fewest aligned blocks covering exactly [range.first, range.last] (at most 30 for any range).
std::vector<PortBlock> port_range_blocks(PortRange range);

enum class Steering : std::uint8_t { Hardware, Software };
constexpr std::string_view to_string(Steering s) noexcept {
  return s == Steering::Hardware ? "rte_flow" : "software";
}

struct DpdkPortConfig {
  DpdkIoConfig io;                // the port, addresses, pool, ... (DpdkIo's own settings too)
  std::vector<PortRange> shards;  // one per worker, worker i owns shards[i]; empty: one worker
  bool allow_hardware_steering = true;  // false: software dispatch even where rte_flow works
  std::uint32_t ring_size = 1024;       // per (from, to) ring; a power of two
};

class DpdkPort {
 public:
  // Throws std::runtime_error naming the DPDK call that failed, or the setting: EAL not up, an
  // address that is not IPv4, a gateway off our subnets, fewer TX queues than workers, ...
  explicit DpdkPort(const DpdkPortConfig& config);
  ~DpdkPort();
  DpdkPort(const DpdkPort&) = delete;
  DpdkPort& operator=(const DpdkPort&) = delete;

  const DpdkIoConfig& io_config() const noexcept { return config_.io; }
  std::uint16_t port_id() const noexcept { return port_id_; }
  std::uint16_t workers() const noexcept { return workers_; }
  std::uint16_t rx_queues() const noexcept { return rx_queues_; }
  Steering steering() const noexcept { return steering_; }
  // Why software dispatch (rte_flow_validate's message, too few queues, ...); empty with rte_flow
  // or a single worker.
  const std::string& steering_reason() const noexcept { return steering_reason_; }
  std::string describe() const;  // one line for the start-up log

  // Used by DpdkIo.
  rte_mempool* pool() const noexcept { return pool_; }
  MacAddress mac() const noexcept { return mac_; }
  bool tx_ip_offload() const noexcept { return tx_ip_offload_; }
  bool tx_udp_offload() const noexcept { return tx_udp_offload_; }
  bool has_exception_path() const noexcept { return has_exception_; }
  std::uint16_t exception_port() const noexcept { return exception_port_; }
  const std::vector<std::uint32_t>& addresses() const noexcept { return addresses_; }
  const std::vector<std::uint32_t>& masks() const noexcept { return masks_; }
  std::uint32_t gateway() const noexcept { return gateway_; }
  // The ring worker `from` forwards to worker `to` (from != to); nullptr with one worker.
  rte_ring* ring(std::uint16_t from, std::uint16_t to) const noexcept {
    return rings_[static_cast<std::size_t>(from) * workers_ + to];
  }
  // The worker owning UDP port `port` (kNoOwner: outside every shard).
  static constexpr std::uint8_t kNoOwner = 0xff;
  const std::uint8_t* owners() const noexcept { return owners_.data(); }

 private:
  void configure_queues(std::uint16_t rx, const void* dev_info, int socket);
  bool try_hardware_steering();
  void open_exception_port(int socket);

  DpdkPortConfig config_;
  std::uint16_t port_id_ = 0;
  std::uint16_t workers_ = 1;
  std::uint16_t rx_queues_ = 1;
  bool started_ = false;
  bool tx_ip_offload_ = false;
  bool tx_udp_offload_ = false;
  bool has_exception_ = false;
  std::uint16_t exception_port_ = 0;
  Steering steering_ = Steering::Software;
  std::string steering_reason_;
  std::size_t flows_ = 0;
  rte_mempool* pool_ = nullptr;
  MacAddress mac_{};
  std::vector<std::uint32_t> addresses_;  // ours, IPv4 in network order
  std::vector<std::uint32_t> masks_;      // their subnet masks, network order (all ones: none)
  std::uint32_t gateway_ = 0;             // network order; 0: none
  std::vector<rte_ring*> rings_;          // [from * workers + to], nullptr on the diagonal
  std::vector<std::uint8_t> owners_;      // [UDP port] -> worker, kNoOwner
};

}  // namespace dialcore::dataplane
