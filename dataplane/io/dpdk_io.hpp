#pragma once
// DpdkIo: the DPDK backend of BurstIo (production: the NIC through a poll-mode driver; CI and
// tests: virtual devices, net_ring). One ethdev port, one RX and one TX queue, one pktmbuf pool
// whose private area holds our Packet descriptor: rx_burst hands the worker the descriptor inside
// the mbuf, pointing at the UDP payload, and tx_burst builds Ethernet/IPv4/UDP headers in the
// headroom in front of it. No copy, no second allocation, no system call per packet.
//
// What it answers for. There are no sockets: open_port registers a (local IPv4 address, UDP port)
// in a table, and the backend alone decides which frames are ours. It delivers IPv4/UDP frames to
// our MAC and to an open port of one of our configured addresses (IPv4 header and UDP checksums
// checked, fragments refused); everything else is a counted drop (DpdkCounter), never handed to
// the worker. It answers ARP requests and ICMP echo requests for our addresses itself, from
// rx_burst (in place, on the same TX queue), so a peer can resolve and ping us.
// With an exception path (DpdkIoConfig::exception_devargs, a TAP) the traffic that is not RTP
// goes to the kernel instead (SIP, management, IPv6/NDP) and what the kernel sends goes out the
// port; both counted. Not yet (issue 3, next steps): IPv6 and NDP of our own, VLAN tags, IPv4
// reassembly (fragments are counted drops), several queues per port steered by rte_flow/RSS. The TX checksum
// offload path is written but untested: net_ring offers no offloads.
//
// Where a packet goes (next hop). A tiny table learns the source MAC of every datagram
// delivered to an open port and of every ARP request for us, per source IPv4 address; a reply goes
// back to that MAC (right for an on-link peer, and for an off-link peer it is the router it came
// through). A destination never heard from: on one of our subnets (`prefix_lengths`) we ask for
// it by ARP; off-link it goes to the configured gateway MAC (`next_hop_mac`), or else to the
// `gateway` address, resolved by ARP. While a MAC is being resolved the datagram is a counted
// drop (dpdk_tx_arp_pending: RTP is loss-tolerant, a queue would be state per destination on the
// hot path) and the request is repeated at most every `arp_retry_ns` while traffic wants it. A
// reply is learned only when we asked (or it refreshes a neighbour we know); with an exception
// path it also goes to the kernel, which may have asked too. Without a route: a counted drop
// (dpdk_tx_no_next_hop).
//
// Checksums. IPv4 header: the NIC's when the port offers RTE_ETH_TX_OFFLOAD_IPV4_CKSUM, else
// software (rte_ipv4_cksum). UDP: computed (RFC 768 allows 0 over IPv4, but a plain-RTP leg has
// nothing else guarding its payload), by the NIC when it offers UDP checksum offload, else in
// software; `udp_checksum = false` sends 0. Received: trusted when the NIC says good, dropped
// when it says bad, else `rx_checksum` decides: Verify sums it in software (0 = none, accepted),
// Trust accepts it unchecked and counts it (dpdk_rx_udp_unverified). Verifying costs ~60-90 ns
// per packet (it is the first read of the payload's cache lines): 4.3-4.4 Mpps per worker with
// Verify against 6.5-8.6 Mpps with Trust on net_ring, so >= 5 Mpps needs Trust or a NIC with
// RX checksum offload. Trust is for a link the operator vouches for (an SRTP leg's auth tag
// still guards its payload); the IPv4 header checksum is always verified (20 bytes, cheap).
//
// Threads: one DpdkIo per worker, called from that worker's lcore only (DPDK's queue rule: one
// thread per RX/TX queue); stats() and dpdk_stats() from any thread. EAL must be up first
// (dpdk_eal.hpp). No DPDK header here: the DPDK types stay in dpdk_io.cpp.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/api/net_address.hpp"
#include "dataplane/io/burst_io.hpp"

struct rte_mempool;
struct rte_mbuf;
struct rte_ring;

// What DpdkIo drops or answers beyond IoStats (dataplane/io/io_stats.hpp), declared the same
// way. X(Enumerator, "metric_name", "help text")
#define DIALCORE_DPDK_COUNTERS(X)                                                                \
  X(RxNotOurs, "dpdk_rx_not_ours", "frames dropped: another MAC or IPv4 address")               \
  X(RxNotIpv4, "dpdk_rx_not_ipv4", "frames dropped: neither IPv4 nor ARP (IPv6, VLAN, LLDP)")   \
  X(RxMalformed, "dpdk_rx_malformed", "frames dropped: truncated or inconsistent headers")      \
  X(RxBadChecksum, "dpdk_rx_bad_checksum", "frames dropped: IPv4 or UDP checksum wrong")         \
  X(RxFragment, "dpdk_rx_fragment", "frames dropped: IPv4 fragments (no reassembly)")           \
  X(RxNotUdp, "dpdk_rx_not_udp", "frames dropped: IPv4 protocol other than UDP or ICMP echo")   \
  X(RxNoPort, "dpdk_rx_no_port", "datagrams dropped: to our address, no open port")             \
  X(RxForeignMbuf, "dpdk_rx_foreign_mbuf", "frames dropped: mbuf without room for a Packet")    \
  X(ArpReplies, "dpdk_arp_replies", "ARP requests for our addresses answered")                  \
  X(IcmpEchoReplies, "dpdk_icmp_echo_replies", "ICMP echo requests to our addresses answered")  \
  X(ReplyTxFull, "dpdk_reply_tx_full", "ARP/ICMP replies dropped: TX queue full")               \
  X(TxNoNextHop, "dpdk_tx_no_next_hop", "datagrams dropped: no MAC for the destination")        \
  X(ArpRequests, "dpdk_arp_requests", "ARP requests sent to resolve a next hop")                 \
  X(ArpLearned, "dpdk_arp_learned", "ARP replies to our requests (or refreshing a neighbour) learned") \
  X(TxArpPending, "dpdk_tx_arp_pending", "datagrams dropped while their next hop was resolved")  \
  X(TxNoHeadroom, "dpdk_tx_no_headroom", "datagrams dropped: no room for headers before data") \
  X(RxUdpUnverified, "dpdk_rx_udp_unverified",                                                  \
    "datagrams accepted without checking their UDP checksum (rx_checksum: trust)")              \
  X(ToKernel, "dpdk_exception_to_kernel", "frames handed to the kernel (exception path)")      \
  X(FromKernel, "dpdk_exception_from_kernel", "frames from the kernel sent out the port")      \
  X(ExceptionDropped, "dpdk_exception_dropped", "exception frames dropped: a TX queue was full") \
  X(SwDispatched, "dpdk_sw_dispatched",                                                         \
    "frames read from this worker's RX queue and forwarded to the owning worker's ring")       \
  X(SwDispatchDrops, "dpdk_sw_dispatch_drops",                                                  \
    "frames dropped on the way to another worker: its ring full (or no mbuf for an ARP copy)") \
  X(SwReceived, "dpdk_sw_received", "frames this worker took from other workers' rings")

namespace dialcore::dataplane {

enum class DpdkCounter : std::uint16_t {
#define DIALCORE_DPDK_COUNTER_ENUM(id, name, help) id,
  DIALCORE_DPDK_COUNTERS(DIALCORE_DPDK_COUNTER_ENUM)
#undef DIALCORE_DPDK_COUNTER_ENUM
};

inline constexpr std::size_t kDpdkCounterCount = 0
#define DIALCORE_DPDK_COUNTER_ONE(id, name, help) +1
    DIALCORE_DPDK_COUNTERS(DIALCORE_DPDK_COUNTER_ONE);
#undef DIALCORE_DPDK_COUNTER_ONE

struct DpdkCounterInfo {
  std::string_view name;
  std::string_view help;
};

// Indexed by DpdkCounter.
inline constexpr std::array<DpdkCounterInfo, kDpdkCounterCount> kDpdkCounterInfo = {{
#define DIALCORE_DPDK_COUNTER_INFO(id, name, help) DpdkCounterInfo{name, help},
    DIALCORE_DPDK_COUNTERS(DIALCORE_DPDK_COUNTER_INFO)
#undef DIALCORE_DPDK_COUNTER_INFO
}};

// A burst's sums in locals, added once per burst. Same rules as IoStats: the backend's thread
// alone writes (load then store, relaxed: a count, not a synchronisation point), anyone reads.
struct DpdkCounts {
  std::array<std::uint64_t, kDpdkCounterCount> values{};
  std::uint64_t& operator[](DpdkCounter c) noexcept { return values[static_cast<std::size_t>(c)]; }
};

class alignas(64) DpdkStats {
 public:
  void add(const DpdkCounts& counts) noexcept {
    for (std::size_t i = 0; i < kDpdkCounterCount; ++i) {
      if (counts.values[i] == 0) continue;
      std::atomic<std::uint64_t>& c = counters_[i];
      c.store(c.load(std::memory_order_relaxed) + counts.values[i], std::memory_order_relaxed);
    }
  }
  // Any thread. Relaxed: see add().
  std::uint64_t read(DpdkCounter counter) const noexcept {
    return counters_[static_cast<std::size_t>(counter)].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<std::uint64_t>, kDpdkCounterCount> counters_{};
};

using MacAddress = std::array<std::uint8_t, 6>;

// Received UDP checksums the NIC has not checked (see the header comment): config values
// "verify" and "trust".
enum class RxChecksum : std::uint8_t { Verify, Trust };
constexpr std::string_view to_string(RxChecksum c) noexcept {
  return c == RxChecksum::Verify ? "verify" : "trust";
}
// The config's text to the setting; nullopt for anything else (the config loader's error).
constexpr std::optional<RxChecksum> rx_checksum_from_string(std::string_view text) noexcept {
  if (text == "verify") return RxChecksum::Verify;
  if (text == "trust") return RxChecksum::Trust;
  return std::nullopt;
}

struct DpdkIoConfig {
  std::string device;        // ethdev name (PCI address, "net_ring0", ...); empty: port_id
  std::uint16_t port_id = 0;  // used when `device` is empty
  std::vector<NetAddress> addresses;  // our IPv4 addresses (ports ignored); at least one
  MacAddress mac{};           // our MAC; all zero: the port's own (random if the port has none)
  MacAddress next_hop_mac{};  // where unknown off-link destinations go; all zero: see gateway
  // Per address (same order): its subnet's prefix length, whose members we resolve by ARP.
  // Missing entries: 32 (no subnet: only neighbours heard from are reachable directly).
  std::vector<std::uint8_t> prefix_lengths;
  NetAddress gateway;  // IPv4 router for off-link destinations, resolved by ARP; empty: none
  std::uint64_t arp_retry_ns = 1'000'000'000;  // one request per destination per this, at most
  std::size_t max_ports = 1024;         // port table (PortId indices 0 .. max_ports - 1)
  std::uint16_t ephemeral_first = 49152;  // open_port with port 0 picks from here ...
  std::uint16_t ephemeral_last = 65535;   // ... to here (inclusive)
  std::uint32_t pool_mbufs = 8191;  // 2^n - 1: rte_mempool's best size; every packet in flight
  std::uint32_t pool_cache = 256;   // per-lcore mbuf cache
  std::uint16_t rx_descriptors = 1024;
  std::uint16_t tx_descriptors = 1024;
  std::uint8_t dscp = 46;  // EF (RFC 4594: telephony) in every IPv4 header we build
  bool udp_checksum = true;                   // sent: computed (NIC or software), or 0
  RxChecksum rx_checksum = RxChecksum::Verify;  // received, when the NIC has not checked it
  bool close_port_on_exit = true;  // the destructor stops, then closes the ethdev port
  // The exception path (off when empty): devargs of a DPDK device that reaches the kernel,
  // probed by DpdkIo, e.g. "net_tap_dc0,iface=dc0" (a TAP interface appears in the calling
  // thread's network namespace; give it our MAC and address there). What goes to the kernel:
  // frames that are neither IPv4 nor ARP (IPv6, ...), ARP other than requests for us, and
  // IPv4 to our addresses that is not RTP: UDP to a port that is not open and outside
  // [rtp_port_first, rtp_port_last], TCP, ICMP other than echo, fragments. What the kernel sends
  // on it goes out our port unchanged. Keep the host's own ephemeral ports
  // (net.ipv4.ip_local_port_range, 32768-60999 by default) out of the RTP range, or replies to
  // the host's DNS queries and such land in it and are dropped.
  std::string exception_devargs;
  std::uint16_t rtp_port_first = 49152;  // UDP to a closed port of our addresses in this range
  std::uint16_t rtp_port_last = 65535;   // is a counted drop, outside it the kernel's
  std::uint64_t exception_poll_ns = 100'000;  // the kernel side is read at most this often
};

class DpdkPort;

class DpdkIo final : public BurstIo {
 public:
  // Startup, one worker alone on a port: makes its own DpdkPort (dpdk_port.hpp: resolves and
  // configures the port with 1 RX + 1 TX queue, creates the pool, starts it). Throws
  // std::runtime_error naming the DPDK call that failed (fatal: the worker cannot run), or when
  // EAL is not up, or an address is not IPv4.
  explicit DpdkIo(const DpdkIoConfig& config);
  // Startup, worker `worker` of a port shared by several (the runtime): its RX queue (when the
  // port has one for it), its TX queue, the rings from and to the other workers. `port` must
  // outlive this DpdkIo. Worker 0 also answers ARP/ICMP and owns the exception path.
  DpdkIo(DpdkPort& port, std::uint16_t worker);
  ~DpdkIo() override;  // an own port: stops and closes it, frees the pool (every mbuf back)

  // Registers (address, UDP port): 0.0.0.0 means our first address; port 0 picks a free one of
  // the ephemeral range. NotLocal for an address that is not ours (IPv6 included, for now).
  OpenResult open_port(const NetAddress& local) noexcept override;
  bool close_port(PortId port) noexcept override;
  NetAddress local_address(PortId port) const noexcept override;

  // One rte_eth_rx_burst; parses, classifies, answers ARP/ICMP echo, delivers datagrams to open
  // ports. ~31-44 ns per packet on net_ring, ~100-132 ns verifying UDP checksums in software
  // (dpdk_io.cpp has the command and the breakdown).
  std::size_t rx_burst(std::span<Packet*> out, std::uint64_t now_ns) noexcept override;
  // Builds the headers in each packet's headroom, one rte_eth_tx_burst per kMaxBurst, frees what
  // the PMD refused (io_tx_full). ~22-27 ns per packet, ~43-54 ns computing the UDP checksum in
  // software (dpdk_io.cpp).
  std::size_t tx_burst(std::span<Packet* const> packets) noexcept override;
  // rte_pktmbuf_alloc_bulk: data at the mbuf's headroom (room for any headers in front).
  std::size_t alloc(std::span<Packet*> out) noexcept override;
  void free(std::span<Packet* const> packets) noexcept override;  // rte_pktmbuf_free_bulk
  bool wait_rx(int) noexcept override { return false; }  // a polling backend never sleeps

  const IoStats& stats() const noexcept override { return stats_; }
  // Learned neighbours: direct-mapped by address; a collision evicts, a miss goes to the gateway.
  static constexpr std::size_t kNeighbourSlots = 256;
  const DpdkStats& dpdk_stats() const noexcept { return dpdk_stats_; }

  std::uint16_t port_id() const noexcept { return port_id_; }
  std::uint16_t worker() const noexcept { return queue_; }
  bool has_exception_path() const noexcept { return has_exception_; }
  MacAddress mac() const noexcept { return mac_; }
  // The mbuf pool (for tests that play the wire on net_ring and must feed our pool's mbufs).
  rte_mempool* pool() const noexcept { return pool_; }
  std::size_t open_port_count() const noexcept { return ports_.size() - free_ports_.size(); }

 private:
  struct PortSlot {
    bool open = false;
    std::uint32_t generation = 1;  // bumped by close_port; never 0
    NetAddress local;
  };
  // One learned neighbour: a remote IPv4 address (network order) and its MAC.
  struct Neighbour {
    std::uint32_t ip = 0;  // 0: empty
    MacAddress mac{};
    bool resolved = false;       // false: asked by ARP at asked_ns, no reply yet
    std::uint64_t asked_ns = 0;
  };
  // Up to one burst's ARP requests, sent after the burst: (target, our source address).
  struct ArpAsks {
    std::array<std::uint32_t, kMaxBurst> target{};
    std::array<std::uint32_t, kMaxBurst> source{};
    std::size_t count = 0;
  };

  enum class Verdict : std::uint8_t { Deliver, Drop, Reply, Kernel };

  const PortSlot* find(PortId port) const noexcept;
  int address_index(std::uint32_t ip_be) const noexcept;  // -1: not ours
  Verdict classify(rte_mbuf* m, std::uint64_t now_ns, DpdkCounts& dc, IoCounts& counts) noexcept;
  Verdict answer_arp(rte_mbuf* m, std::uint32_t frame_len, DpdkCounts& dc) noexcept;
  void learn(std::uint32_t ip_be, const std::uint8_t* mac) noexcept;
  // The MAC for `ip_be`, or nullptr (counted) when there is none yet: then an ARP request may be
  // added to `asks`. `source` is our address the datagram leaves from.
  const std::uint8_t* next_hop(std::uint32_t ip_be, std::uint32_t source, ArpAsks& asks,
                               DpdkCounts& dc) noexcept;
  const Neighbour* resolved(std::uint32_t ip_be) const noexcept;
  bool on_link(std::uint32_t ip_be) const noexcept;
  void ask(std::uint32_t target, std::uint32_t source, ArpAsks& asks, DpdkCounts& dc) noexcept;
  void send_arp_requests(const ArpAsks& asks, DpdkCounts& dc) noexcept;
  bool build_headers(Packet& p, rte_mbuf* m, const PortSlot& slot, const std::uint8_t* dst_mac,
                     DpdkCounts& dc) noexcept;
  void send_replies(rte_mbuf** replies, std::size_t n, DpdkCounts& dc) noexcept;
  Verdict not_rtp(DpdkCounter drop_reason, DpdkCounts& dc) const noexcept;  // Kernel or Drop
  void to_kernel(rte_mbuf** frames, std::size_t n, DpdkCounts& dc) noexcept;
  void from_kernel(std::uint64_t now_ns, DpdkCounts& dc) noexcept;
  // Software dispatch (several workers on the port, dpdk_port.hpp).
  static constexpr std::uint16_t kShareAll = 0xffff;  // steer(): an ARP reply, for every worker
  std::uint16_t steer(rte_mbuf* m) const noexcept;    // the worker a frame from our queue is for
  // Forwards the frames of others to their rings, keeps ours at the front: how many kept.
  std::size_t dispatch(rte_mbuf** mbufs, std::size_t n, DpdkCounts& dc) noexcept;
  std::size_t take_from_rings(rte_mbuf** out, std::size_t want, DpdkCounts& dc) noexcept;

  DpdkIo(std::unique_ptr<DpdkPort> owned, DpdkPort* shared, std::uint16_t worker);

  std::unique_ptr<DpdkPort> owned_port_;  // the single-worker constructor's; else null
  DpdkPort& shared_port_;
  std::uint16_t port_id_ = 0;
  std::uint16_t queue_ = 0;    // our RX/TX queue: the worker index
  std::uint16_t workers_ = 1;  // on the port
  bool polls_rx_ = true;       // the port has an RX queue for us
  const std::uint8_t* owners_ = nullptr;  // [UDP port] -> worker (DpdkPort::owners)
  std::uint32_t rx_turn_ = 0;  // which other worker's ring is read first (fairness)
  bool udp_checksum_ = true;
  bool rx_verify_udp_ = true;
  bool tx_ip_offload_ = false;   // the NIC computes the IPv4 header checksum
  bool tx_udp_offload_ = false;  // the NIC computes the UDP checksum
  std::uint8_t tos_ = 0;
  MacAddress mac_{};
  MacAddress next_hop_mac_{};
  bool has_next_hop_ = false;
  rte_mempool* pool_ = nullptr;
  std::vector<std::uint32_t> addresses_;  // ours, IPv4 in network order
  std::vector<std::uint32_t> masks_;      // their subnet masks, network order (all ones: none)
  std::uint32_t gateway_ = 0;             // network order; 0: none
  std::uint64_t arp_retry_ns_ = 1'000'000'000;
  std::uint64_t now_ns_ = 0;              // the last rx_burst's time (tx_burst has none)
  std::vector<PortSlot> ports_;           // sized once; indexed by PortId::index
  std::vector<std::uint32_t> free_ports_;  // capacity reserved once
  // [address index][UDP port] -> port slot index + 1 (0: closed): one load per received datagram.
  std::vector<std::uint32_t> lookup_;
  std::uint16_t ephemeral_first_ = 49152;
  std::uint16_t ephemeral_last_ = 65535;
  std::uint16_t ephemeral_next_ = 49152;
  std::array<Neighbour, kNeighbourSlots> neighbours_{};
  bool has_exception_ = false;
  std::uint16_t exception_port_ = 0;
  std::uint16_t rtp_first_ = 1024;
  std::uint16_t rtp_last_ = 65535;
  std::uint64_t exception_poll_ns_ = 100'000;
  std::uint64_t next_exception_poll_ = 0;
  IoStats stats_;
  DpdkStats dpdk_stats_;
};

}  // namespace dialcore::dataplane
