#pragma once
// The bench's wire: EAL for the dialbench process and a net_ring ethdev port made of two rings
// the bench holds (rte_eth_from_rings), so the bench plays the peers with no kernel in the path:
// what it enqueues on rx() the port receives, what the port sends it dequeues from tx().
// No DPDK type here beyond forward declarations; ring_port.cpp holds the DPDK calls.

#include <cstdint>
#include <string>
#include <vector>

struct rte_ring;
struct rte_mbuf;
struct rte_mempool;

namespace dialcore::bench {

// Brings EAL up once for dialbench (--no-huge --no-pci -m <mb> on the first CPU we may run on,
// --no-shconf, --no-telemetry, --file-prefix=dialbench-<pid>); empty on success, else why not.
std::string bench_eal_init(unsigned memory_mb);
void bench_eal_cleanup();

class RingPort {
 public:
  // One RX ring and `tx_rings` TX rings (a TX queue per worker of a runtime on the port).
  // Throws std::runtime_error naming the DPDK call that failed.
  explicit RingPort(unsigned tx_rings = 1);
  ~RingPort();  // frees whatever is still on the rings; DpdkIo closes the port itself
  RingPort(const RingPort&) = delete;
  RingPort& operator=(const RingPort&) = delete;

  std::uint16_t port() const { return port_; }
  // Enqueues up to n mbufs towards the port; returns how many it took.
  unsigned inject(rte_mbuf* const* mbufs, unsigned n);
  // Dequeues up to n mbufs the port sent (every TX ring in turn); returns how many.
  unsigned take(rte_mbuf** mbufs, unsigned n);
  void drain();

 private:
  rte_ring* rx_ = nullptr;
  std::vector<rte_ring*> tx_;
  std::uint16_t port_ = 0;
};

}  // namespace dialcore::bench
