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

RingPort::RingPort(unsigned tx_rings) {
  static std::atomic<unsigned> count{0};  // Relaxed: unique names only
  const unsigned n = count.fetch_add(1, std::memory_order_relaxed);
  std::array<char, 32> name{}, ring_name{};
  std::snprintf(name.data(), name.size(), "bench%u", n);
  auto free_rings = [this] {
    rte_ring_free(rx_);
    for (rte_ring* r : tx_) rte_ring_free(r);
  };
  std::snprintf(ring_name.data(), ring_name.size(), "bench%u_rx", n);
  rx_ = rte_ring_create(ring_name.data(), 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  for (unsigned i = 0; i < tx_rings && rx_ != nullptr; ++i) {
    std::snprintf(ring_name.data(), ring_name.size(), "bench%u_tx%u", n, i);
    tx_.push_back(rte_ring_create(ring_name.data(), 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ));
    if (tx_.back() == nullptr) break;
  }
  if (rx_ == nullptr || tx_.size() < tx_rings || tx_.back() == nullptr) {
    free_rings();
    throw std::runtime_error(std::string("rte_ring_create: ") + rte_strerror(rte_errno));
  }
  const int port = rte_eth_from_rings(name.data(), &rx_, 1, tx_.data(), tx_rings, 0);
  if (port < 0) {
    free_rings();
    throw std::runtime_error(std::string("rte_eth_from_rings: ") + rte_strerror(rte_errno));
  }
  port_ = static_cast<std::uint16_t>(port);
}

RingPort::~RingPort() {
  drain();
  rte_ring_free(rx_);
  for (rte_ring* r : tx_) rte_ring_free(r);
}

unsigned RingPort::inject(rte_mbuf* const* mbufs, unsigned n) {
  return rte_ring_enqueue_burst(rx_, reinterpret_cast<void* const*>(mbufs), n, nullptr);
}

unsigned RingPort::take(rte_mbuf** mbufs, unsigned n) {
  unsigned got = 0;
  for (rte_ring* r : tx_) {
    if (got == n) break;
    got += rte_ring_dequeue_burst(r, reinterpret_cast<void**>(mbufs + got), n - got, nullptr);
  }
  return got;
}

void RingPort::drain() {
  void* obj = nullptr;
  for (rte_ring* r : tx_) {
    while (rte_ring_dequeue(r, &obj) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
  }
  while (rte_ring_dequeue(rx_, &obj) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
}

}  // namespace dialcore::bench
