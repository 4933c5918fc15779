#include "dataplane/io/dpdk_port.hpp"

#include <atomic>
#include <cstring>

#include "dataplane/io/dpdk_bytes.hpp"
#include "dataplane/io/dpdk_eal.hpp"

#include "dataplane/io/dpdk_headers.hpp"

namespace dialcore::dataplane {

using dpdk_detail::be16;
using dpdk_detail::be32;
using dpdk_detail::fail;
using dpdk_detail::is_zero;

std::vector<PortBlock> port_range_blocks(PortRange range) {
  std::vector<PortBlock> blocks;
  std::uint32_t lo = range.first;
  const std::uint32_t hi = range.last;
  while (lo <= hi) {
    std::uint32_t size = lo == 0 ? 0x10000u : (lo & (~lo + 1));  // the largest aligned at lo
    while (lo + size - 1 > hi) size >>= 1;
    blocks.push_back(PortBlock{static_cast<std::uint16_t>(lo),
                               static_cast<std::uint16_t>(0xffffu & ~(size - 1))});
    lo += size;
  }
  return blocks;
}

namespace {

// Unique names in the process: tests and benches make many ports.
std::string unique_name(const char* what, std::uint16_t port) {
  static std::atomic<unsigned> count{0};  // Relaxed: only uniqueness matters
  return std::string(what) + std::to_string(port) + "_" +
         std::to_string(count.fetch_add(1, std::memory_order_relaxed));
}

// One rule: UDP to a port of `block` goes to `queue`. Validated, or created when `create`.
rte_flow* steer_block(std::uint16_t port, PortBlock block, std::uint16_t queue, bool create,
                      std::string& why) {
  rte_flow_attr attr{};
  attr.ingress = 1;
  rte_flow_item_udp spec{};
  rte_flow_item_udp mask{};
  spec.hdr.dst_port = be16(block.value);
  mask.hdr.dst_port = be16(block.mask);
  const rte_flow_item pattern[] = {
      {RTE_FLOW_ITEM_TYPE_ETH, nullptr, nullptr, nullptr},
      {RTE_FLOW_ITEM_TYPE_IPV4, nullptr, nullptr, nullptr},
      {RTE_FLOW_ITEM_TYPE_UDP, &spec, nullptr, &mask},
      {RTE_FLOW_ITEM_TYPE_END, nullptr, nullptr, nullptr},
  };
  rte_flow_action_queue to_queue{};
  to_queue.index = queue;
  const rte_flow_action actions[] = {
      {RTE_FLOW_ACTION_TYPE_QUEUE, &to_queue},
      {RTE_FLOW_ACTION_TYPE_END, nullptr},
  };
  rte_flow_error error{};
  rte_flow* flow = nullptr;
  int r = 0;
  if (create) {
    flow = rte_flow_create(port, &attr, pattern, actions, &error);
    if (flow == nullptr) r = -rte_errno;
  } else {
    r = rte_flow_validate(port, &attr, pattern, actions, &error);
  }
  if (r != 0 || (create && flow == nullptr)) {
    why = std::string(create ? "rte_flow_create" : "rte_flow_validate") + ": " +
          (error.message != nullptr ? error.message : rte_strerror(-r));
  }
  return flow;
}

}  // namespace

DpdkPort::DpdkPort(const DpdkPortConfig& config)
    : config_(config),
      workers_(static_cast<std::uint16_t>(config.shards.empty() ? 1 : config.shards.size())),
      owners_(0x10000, kNoOwner) {
  const DpdkIoConfig& io = config_.io;
  if (!eal_ready()) throw std::runtime_error("DpdkIo: EAL is not initialised (eal_init)");
  if (io.addresses.empty()) throw std::runtime_error("DpdkIo: no local address configured");
  if (workers_ >= kNoOwner) throw std::runtime_error("DpdkPort: at most 254 workers per port");
  for (const NetAddress& a : io.addresses) {
    if (a.family != AddressFamily::V4) {
      throw std::runtime_error("DpdkIo: only IPv4 addresses are supported so far");
    }
    std::uint32_t ip = 0;
    std::memcpy(&ip, a.bytes.data(), 4);
    if (ip == 0) throw std::runtime_error("DpdkIo: 0.0.0.0 is not a local address");
    addresses_.push_back(ip);
    const std::size_t i = addresses_.size() - 1;
    const unsigned prefix = i < io.prefix_lengths.size() ? io.prefix_lengths[i] : 32u;
    if (prefix > 32) throw std::runtime_error("DpdkIo: a prefix length is more than 32");
    const std::uint32_t host_mask = prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
    masks_.push_back(be32(host_mask));
  }
  if (!io.gateway.empty()) {
    if (io.gateway.family != AddressFamily::V4) {
      throw std::runtime_error("DpdkIo: the gateway must be an IPv4 address");
    }
    std::memcpy(&gateway_, io.gateway.bytes.data(), 4);
    bool on_link = false;
    for (std::size_t i = 0; i < addresses_.size(); ++i) {
      if (masks_[i] != ~std::uint32_t{0} && ((gateway_ ^ addresses_[i]) & masks_[i]) == 0) on_link = true;
    }
    if (!on_link) throw std::runtime_error("DpdkIo: the gateway is on none of our subnets");
  }
  for (std::size_t w = 0; w < config_.shards.size(); ++w) {
    for (std::uint32_t p = config_.shards[w].first; p <= config_.shards[w].last; ++p) {
      owners_[p] = static_cast<std::uint8_t>(w);
    }
  }

  if (!io.device.empty()) {
    const int r = rte_eth_dev_get_port_by_name(io.device.c_str(), &port_id_);
    if (r != 0) fail("rte_eth_dev_get_port_by_name(" + io.device + ")", r);
  } else {
    port_id_ = io.port_id;
    if (rte_eth_dev_is_valid_port(port_id_) == 0) fail("port " + std::to_string(port_id_), EINVAL);
  }
  rings_.assign(static_cast<std::size_t>(workers_) * workers_, nullptr);
  try {
    rte_eth_dev_info info{};
    int r = rte_eth_dev_info_get(port_id_, &info);
    if (r != 0) fail("rte_eth_dev_info_get", r);
    if (info.max_tx_queues < workers_) {
      throw std::runtime_error("DPDK: port " + io.device + " has " +
                               std::to_string(info.max_tx_queues) + " TX queue(s), " +
                               std::to_string(workers_) +
                               " workers need one each (net_af_packet: qpairs=N)");
    }
    int socket = rte_eth_dev_socket_id(port_id_);
    if (socket < 0) socket = SOCKET_ID_ANY;
    pool_ = rte_pktmbuf_pool_create(unique_name("dc_mbuf_", port_id_).c_str(), io.pool_mbufs,
                                    io.pool_cache, static_cast<std::uint16_t>(sizeof(Packet)),
                                    RTE_MBUF_DEFAULT_BUF_SIZE, socket);
    if (pool_ == nullptr) fail("rte_pktmbuf_pool_create", rte_errno);
    rx_queues_ = std::min<std::uint16_t>(workers_, info.max_rx_queues);
    configure_queues(rx_queues_, &info, socket);

    rte_ether_addr mac{};
    if (is_zero(io.mac)) {
      r = rte_eth_macaddr_get(port_id_, &mac);
      if (r != 0) fail("rte_eth_macaddr_get", r);
      if (rte_is_zero_ether_addr(&mac) != 0) rte_eth_random_addr(mac.addr_bytes);  // net_ring
    } else {
      std::memcpy(mac.addr_bytes, io.mac.data(), 6);
    }
    std::memcpy(mac_.data(), mac.addr_bytes, 6);
    // The NIC must accept frames to our MAC. A port that cannot take another address gets
    // promiscuous mode instead: rx_burst checks the destination MAC itself either way.
    if (rte_eth_dev_default_mac_addr_set(port_id_, &mac) != 0) rte_eth_promiscuous_enable(port_id_);

    r = rte_eth_dev_start(port_id_);
    if (r != 0) fail("rte_eth_dev_start", r);
    started_ = true;
    if (workers_ > 1) {
      if (!config_.allow_hardware_steering) {
        steering_reason_ = "hardware steering disabled by configuration";
      } else if (rx_queues_ < workers_) {
        steering_reason_ = "the port has " + std::to_string(rx_queues_) + " RX queue(s) for " +
                           std::to_string(workers_) + " workers";
      } else if (try_hardware_steering()) {
        steering_ = Steering::Hardware;
      }
      for (std::uint16_t from = 0; from < workers_; ++from) {
        for (std::uint16_t to = 0; to < workers_; ++to) {
          if (from == to) continue;
          rte_ring* ring = rte_ring_create(unique_name("dc_sw_", port_id_).c_str(),
                                           config_.ring_size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
          if (ring == nullptr) fail("rte_ring_create", rte_errno);
          rings_[static_cast<std::size_t>(from) * workers_ + to] = ring;
        }
      }
    }
    if (!io.exception_devargs.empty()) open_exception_port(socket);
  } catch (...) {
    for (rte_ring* ring : rings_) rte_ring_free(ring);
    if (flows_ > 0) rte_flow_flush(port_id_, nullptr);
    if (started_) rte_eth_dev_stop(port_id_);
    if (io.close_port_on_exit) rte_eth_dev_close(port_id_);
    if (pool_ != nullptr) rte_mempool_free(pool_);
    throw;
  }
}

// `rx` RX queues and one TX queue per worker, all on our pool; checksum offloads where offered.
void DpdkPort::configure_queues(std::uint16_t rx, const void* dev_info, int socket) {
  const auto& info = *static_cast<const rte_eth_dev_info*>(dev_info);
  const DpdkIoConfig& io = config_.io;
  rte_eth_conf conf{};
  tx_ip_offload_ = (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
  tx_udp_offload_ = io.udp_checksum && (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) != 0;
  if (tx_ip_offload_) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
  if (tx_udp_offload_) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
  conf.rxmode.offloads =
      info.rx_offload_capa & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM);
  int r = rte_eth_dev_configure(port_id_, rx, workers_, &conf);
  if (r != 0) fail("rte_eth_dev_configure", r);
  std::uint16_t rxd = io.rx_descriptors;
  std::uint16_t txd = io.tx_descriptors;
  r = rte_eth_dev_adjust_nb_rx_tx_desc(port_id_, &rxd, &txd);
  if (r != 0) fail("rte_eth_dev_adjust_nb_rx_tx_desc", r);
  rte_eth_rxconf rxconf = info.default_rxconf;
  rxconf.offloads = conf.rxmode.offloads;
  for (std::uint16_t q = 0; q < rx; ++q) {
    r = rte_eth_rx_queue_setup(port_id_, q, rxd, static_cast<unsigned>(socket), &rxconf, pool_);
    if (r != 0) fail("rte_eth_rx_queue_setup", r);
  }
  rte_eth_txconf txconf = info.default_txconf;
  txconf.offloads = conf.txmode.offloads;
  for (std::uint16_t q = 0; q < workers_; ++q) {
    r = rte_eth_tx_queue_setup(port_id_, q, txd, static_cast<unsigned>(socket), &txconf);
    if (r != 0) fail("rte_eth_tx_queue_setup", r);
  }
}

// Every rule validated first, then created; any refusal leaves none behind and says why.
bool DpdkPort::try_hardware_steering() {
  for (int create = 0; create < 2; ++create) {
    for (std::uint16_t w = 0; w < workers_; ++w) {
      for (const PortBlock& block : port_range_blocks(config_.shards[w])) {
        std::string why;
        rte_flow* flow = steer_block(port_id_, block, w, create == 1, why);
        if (!why.empty()) {
          steering_reason_ = why;
          if (flows_ > 0) rte_flow_flush(port_id_, nullptr);
          flows_ = 0;
          return false;
        }
        if (flow != nullptr) ++flows_;
      }
    }
  }
  return true;
}

// The exception device: probed here, one RX and one TX queue on our pool, our MAC (so the
// kernel's frames leave with it), started. Worker 0 alone reads and writes it.
void DpdkPort::open_exception_port(int socket) {
  const std::string& devargs = config_.io.exception_devargs;
  const std::string name = devargs.substr(0, devargs.find(','));
  int r = rte_dev_probe(devargs.c_str());
  if (r != 0) fail("rte_dev_probe(" + devargs + ")", r);
  r = rte_eth_dev_get_port_by_name(name.c_str(), &exception_port_);
  if (r != 0) fail("rte_eth_dev_get_port_by_name(" + name + ")", r);
  rte_eth_conf conf{};
  r = rte_eth_dev_configure(exception_port_, 1, 1, &conf);
  // A TAP keeps an mbuf of our pool per RX descriptor: few, the kernel's traffic is light.
  if (r == 0) r = rte_eth_rx_queue_setup(exception_port_, 0, 64, static_cast<unsigned>(socket), nullptr, pool_);
  if (r == 0) r = rte_eth_tx_queue_setup(exception_port_, 0, 64, static_cast<unsigned>(socket), nullptr);
  rte_ether_addr mac{};
  std::memcpy(mac.addr_bytes, mac_.data(), 6);
  if (r == 0) r = rte_eth_dev_default_mac_addr_set(exception_port_, &mac);
  if (r == 0) r = rte_eth_dev_start(exception_port_);
  if (r != 0) {
    rte_eth_dev_close(exception_port_);
    fail("exception port " + name, r);
  }
  has_exception_ = true;
}

DpdkPort::~DpdkPort() {
  for (rte_ring* ring : rings_) {
    if (ring == nullptr) continue;
    void* m = nullptr;
    while (rte_ring_dequeue(ring, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    rte_ring_free(ring);
  }
  if (has_exception_) {
    rte_eth_dev_stop(exception_port_);
    rte_eth_dev_close(exception_port_);
  }
  if (flows_ > 0) rte_flow_flush(port_id_, nullptr);
  if (started_) rte_eth_dev_stop(port_id_);
  if (config_.io.close_port_on_exit) rte_eth_dev_close(port_id_);
  rte_mempool_free(pool_);
}

std::string DpdkPort::describe() const {
  std::string s = "port " + std::to_string(port_id_) +
                  (config_.io.device.empty() ? "" : " (" + config_.io.device + ")") + ", " +
                  std::to_string(workers_) + " worker queue(s), " + std::to_string(rx_queues_) +
                  " RX queue(s), steering " + std::string(to_string(steering_));
  if (!steering_reason_.empty()) s += " (" + steering_reason_ + ")";
  if (has_exception_) s += ", exception path " + config_.io.exception_devargs;
  return s;
}

}  // namespace dialcore::dataplane
