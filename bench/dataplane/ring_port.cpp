#include "bench/dataplane/ring_port.hpp"

#include <sched.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "dataplane/io/dpdk_eal.hpp"

#include "dataplane/io/dpdk_headers.hpp"

namespace dialcore::bench {

std::string bench_eal_init(unsigned memory_mb) {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  int first_cpu = 0;
  if (::sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
    while (first_cpu < CPU_SETSIZE && !CPU_ISSET(first_cpu, &cpus)) ++first_cpu;
  }
  const std::vector<std::string> args = {
      "--no-huge", "--no-pci", "-m", std::to_string(memory_mb), "-l", std::to_string(first_cpu),
      "--no-shconf", "--no-telemetry", "--log-level=lib.eal:error",
      "--file-prefix=dialbench-" + std::to_string(::getpid())};
  const dataplane::EalResult r = dataplane::eal_init(args);
  return r.ok ? std::string() : r.message;
}

void bench_eal_cleanup() { dataplane::eal_cleanup(); }

RingPort::RingPort() {
  static std::atomic<unsigned> count{0};  // Relaxed: unique names only
  const unsigned n = count.fetch_add(1, std::memory_order_relaxed);
  std::array<char, 32> name{}, rx_name{}, tx_name{};
  std::snprintf(name.data(), name.size(), "bench%u", n);
  std::snprintf(rx_name.data(), rx_name.size(), "bench%u_rx", n);
  std::snprintf(tx_name.data(), tx_name.size(), "bench%u_tx", n);
  rx_ = rte_ring_create(rx_name.data(), 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  tx_ = rte_ring_create(tx_name.data(), 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  if (rx_ == nullptr || tx_ == nullptr) {
    rte_ring_free(rx_);
    rte_ring_free(tx_);
    throw std::runtime_error(std::string("rte_ring_create: ") + rte_strerror(rte_errno));
  }
  const int port = rte_eth_from_rings(name.data(), &rx_, 1, &tx_, 1, 0);
  if (port < 0) {
    rte_ring_free(rx_);
    rte_ring_free(tx_);
    throw std::runtime_error(std::string("rte_eth_from_rings: ") + rte_strerror(rte_errno));
  }
  port_ = static_cast<std::uint16_t>(port);
}

RingPort::~RingPort() {
  drain();
  rte_ring_free(rx_);
  rte_ring_free(tx_);
}

unsigned RingPort::inject(rte_mbuf* const* mbufs, unsigned n) {
  return rte_ring_enqueue_burst(rx_, reinterpret_cast<void* const*>(mbufs), n, nullptr);
}

unsigned RingPort::take(rte_mbuf** mbufs, unsigned n) {
  return rte_ring_dequeue_burst(tx_, reinterpret_cast<void**>(mbufs), n, nullptr);
}

void RingPort::drain() {
  void* obj = nullptr;
  while (rte_ring_dequeue(tx_, &obj) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
  while (rte_ring_dequeue(rx_, &obj) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
}

}  // namespace dialcore::bench
