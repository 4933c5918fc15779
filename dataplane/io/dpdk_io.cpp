#include "dataplane/io/dpdk_io.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <stdexcept>
#include <string>

#include "dataplane/io/dpdk_bytes.hpp"
#include "dataplane/io/dpdk_eal.hpp"
#include "dataplane/io/dpdk_port.hpp"

#include "dataplane/io/dpdk_headers.hpp"

namespace dialcore::dataplane {

static_assert(sizeof(Packet) % RTE_MBUF_PRIV_ALIGN == 0);
static_assert(kMaxBurst <= 64);

using dpdk_detail::be16;
using dpdk_detail::be32;
using dpdk_detail::is_zero;

namespace {

constexpr std::uint32_t kEthBytes = sizeof(rte_ether_hdr);  // 14
constexpr std::uint32_t kIpv4Bytes = sizeof(rte_ipv4_hdr);  // 20, no options on what we send
constexpr std::uint32_t kUdpBytes = sizeof(rte_udp_hdr);    // 8
constexpr std::uint32_t kHeaderBytes = kEthBytes + kIpv4Bytes + kUdpBytes;  // 42
constexpr std::uint8_t kTtl = 64;

std::uint8_t* frame_of(rte_mbuf* m) {
  return static_cast<std::uint8_t*>(m->buf_addr) + m->data_off;
}
Packet* packet_of(rte_mbuf* m) { return static_cast<Packet*>(rte_mbuf_to_priv(m)); }
rte_mbuf* mbuf_of(const Packet* p) { return static_cast<rte_mbuf*>(p->backend_ref); }

template <typename T>
T* header_at(std::uint8_t* bytes) {
  return reinterpret_cast<T*>(bytes);  // DPDK's header structs are packed: any alignment is fine
}

std::uint32_t fold(std::uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  return (sum & 0xffff) + (sum >> 16);
}

// The UDP checksum of a datagram filling the IPv4 payload: valid when the one's complement sum
// over pseudo-header and datagram, checksum field included, is all ones (RFC 768, RFC 1071).
bool udp_checksum_ok(const rte_ipv4_hdr* ip, const rte_udp_hdr* udp, std::uint32_t udp_len) {
  const std::uint32_t sum = std::uint32_t{rte_raw_cksum(udp, udp_len)} + rte_ipv4_phdr_cksum(ip, 0);
  return fold(sum) == 0xffff;
}

OpenResult refused(const NetAddress& local, OpenStatus status) {
  OpenResult r;
  r.local = local;
  r.status = status;
  return r;
}

}  // namespace

DpdkIo::DpdkIo(const DpdkIoConfig& config)
    : DpdkIo(std::make_unique<DpdkPort>(DpdkPortConfig{config, {}, true, 1024}), nullptr, 0) {}

DpdkIo::DpdkIo(DpdkPort& port, std::uint16_t worker) : DpdkIo(nullptr, &port, worker) {}

DpdkIo::DpdkIo(std::unique_ptr<DpdkPort> owned, DpdkPort* shared, std::uint16_t worker)
    : owned_port_(std::move(owned)),
      shared_port_(owned_port_ ? *owned_port_ : *shared),
      port_id_(shared_port_.port_id()),
      queue_(worker),
      workers_(shared_port_.workers()),
      polls_rx_(worker < shared_port_.rx_queues()),
      owners_(shared_port_.owners()),
      udp_checksum_(shared_port_.io_config().udp_checksum),
      rx_verify_udp_(shared_port_.io_config().rx_checksum == RxChecksum::Verify),
      tx_ip_offload_(shared_port_.tx_ip_offload()),
      tx_udp_offload_(shared_port_.tx_udp_offload()),
      tos_(static_cast<std::uint8_t>(shared_port_.io_config().dscp << 2)),
      mac_(shared_port_.mac()),
      next_hop_mac_(shared_port_.io_config().next_hop_mac),
      has_next_hop_(!is_zero(shared_port_.io_config().next_hop_mac)),
      pool_(shared_port_.pool()),
      addresses_(shared_port_.addresses()),
      masks_(shared_port_.masks()),
      gateway_(shared_port_.gateway()),
      arp_retry_ns_(shared_port_.io_config().arp_retry_ns),
      ports_(shared_port_.io_config().max_ports),
      ephemeral_first_(std::max<std::uint16_t>(shared_port_.io_config().ephemeral_first, 1)),
      ephemeral_last_(std::max(shared_port_.io_config().ephemeral_last, ephemeral_first_)),
      ephemeral_next_(ephemeral_first_),
      has_exception_(worker == 0 && shared_port_.has_exception_path()),
      exception_port_(shared_port_.exception_port()),
      rtp_first_(shared_port_.io_config().rtp_port_first),
      rtp_last_(shared_port_.io_config().rtp_port_last),
      exception_poll_ns_(shared_port_.io_config().exception_poll_ns) {
  if (worker >= workers_) throw std::runtime_error("DpdkIo: worker index beyond the port's workers");
  const std::size_t max_ports = shared_port_.io_config().max_ports;
  free_ports_.reserve(max_ports);
  for (std::size_t i = max_ports; i-- > 0;) free_ports_.push_back(static_cast<std::uint32_t>(i));
  lookup_.assign(addresses_.size() << 16, 0);
}

DpdkIo::~DpdkIo() = default;  // an own port (owned_port_) goes with it

// ---- Setup ----------------------------------------------------------------------------------

const DpdkIo::PortSlot* DpdkIo::find(PortId port) const noexcept {
  if (port.index >= ports_.size()) return nullptr;
  const PortSlot& slot = ports_[port.index];
  return slot.open && slot.generation == port.generation ? &slot : nullptr;
}

int DpdkIo::address_index(std::uint32_t ip_be) const noexcept {
  for (std::size_t i = 0; i < addresses_.size(); ++i) {
    if (addresses_[i] == ip_be) return static_cast<int>(i);
  }
  return -1;
}

OpenResult DpdkIo::open_port(const NetAddress& local) noexcept {
  if (local.family == AddressFamily::None) return refused(local, OpenStatus::BadAddress);
  if (local.family != AddressFamily::V4) return refused(local, OpenStatus::NotLocal);  // IPv6 later
  std::uint32_t ip = 0;
  std::memcpy(&ip, local.bytes.data(), 4);
  if (ip == 0) ip = addresses_[0];  // the wildcard: our first address, so the reply names a real one
  const int index = address_index(ip);
  if (index < 0) return refused(local, OpenStatus::NotLocal);
  if (free_ports_.empty()) return refused(local, OpenStatus::TableFull);
  std::uint32_t* table = lookup_.data() + (static_cast<std::size_t>(index) << 16);
  std::uint16_t udp_port = local.port;
  if (udp_port == 0) {  // the next free port of the ephemeral range, round robin
    const std::uint32_t span = std::uint32_t{ephemeral_last_} - ephemeral_first_ + 1;
    for (std::uint32_t tried = 0; tried < span && udp_port == 0; ++tried) {
      const std::uint16_t candidate = ephemeral_next_;
      ephemeral_next_ = candidate == ephemeral_last_ ? ephemeral_first_
                                                     : static_cast<std::uint16_t>(candidate + 1);
      if (table[candidate] == 0) udp_port = candidate;
    }
    if (udp_port == 0) return refused(local, OpenStatus::InUse);
  } else if (table[udp_port] != 0) {
    return refused(local, OpenStatus::InUse);
  }
  const std::uint32_t slot_index = free_ports_.back();
  free_ports_.pop_back();  // reserved capacity: never allocates
  PortSlot& slot = ports_[slot_index];
  slot.open = true;
  slot.local = NetAddress{};
  std::memcpy(slot.local.bytes.data(), &ip, 4);
  slot.local.port = udp_port;
  slot.local.family = AddressFamily::V4;
  table[udp_port] = slot_index + 1;
  OpenResult result;
  result.port = PortId{slot_index, slot.generation};
  result.local = slot.local;
  result.status = OpenStatus::Ok;
  return result;
}

bool DpdkIo::close_port(PortId port) noexcept {
  if (find(port) == nullptr) return false;
  PortSlot& slot = ports_[port.index];
  std::uint32_t ip = 0;
  std::memcpy(&ip, slot.local.bytes.data(), 4);
  lookup_[(static_cast<std::size_t>(address_index(ip)) << 16) + slot.local.port] = 0;
  slot.open = false;
  slot.local = NetAddress{};
  slot.generation = slot.generation == UINT32_MAX ? 1 : slot.generation + 1;
  free_ports_.push_back(port.index);  // capacity reserved for every slot: never allocates
  return true;
}

NetAddress DpdkIo::local_address(PortId port) const noexcept {
  const PortSlot* slot = find(port);
  return slot != nullptr ? slot->local : NetAddress{};
}

// ---- Neighbours -----------------------------------------------------------------------------

namespace {
// Knuth's multiplicative hash of the address in host order, top bits: neighbours on one subnet
// differ in their last octet, which the top bits of the product all depend on.
std::size_t neighbour_slot(std::uint32_t ip_be) {
  static_assert(DpdkIo::kNeighbourSlots == 256);
  std::uint32_t host = ip_be;
  if constexpr (std::endian::native == std::endian::little) host = __builtin_bswap32(ip_be);
  return (host * 2654435761u) >> 24;
}
}  // namespace

void DpdkIo::learn(std::uint32_t ip_be, const std::uint8_t* mac) noexcept {
  Neighbour& n = neighbours_[neighbour_slot(ip_be)];
  // Written only when it changes: a steady stream leaves the line clean.
  if (n.ip != ip_be || !n.resolved || std::memcmp(n.mac.data(), mac, 6) != 0) {
    n.ip = ip_be;
    n.resolved = true;
    std::memcpy(n.mac.data(), mac, 6);
  }
}

const DpdkIo::Neighbour* DpdkIo::resolved(std::uint32_t ip_be) const noexcept {
  const Neighbour& n = neighbours_[neighbour_slot(ip_be)];
  return n.ip == ip_be && ip_be != 0 && n.resolved ? &n : nullptr;
}

bool DpdkIo::on_link(std::uint32_t ip_be) const noexcept {
  for (std::size_t i = 0; i < addresses_.size(); ++i) {
    if (masks_[i] != ~std::uint32_t{0} && ((ip_be ^ addresses_[i]) & masks_[i]) == 0) return true;
  }
  return false;
}

// A learned MAC first (a peer that spoke to us, or one we resolved); then, never heard from: on
// our subnet, ARP for it; off-link, the static gateway MAC, or the gateway resolved by ARP.
const std::uint8_t* DpdkIo::next_hop(std::uint32_t ip_be, std::uint32_t source, ArpAsks& asks,
                                     DpdkCounts& dc) noexcept {
  if (const Neighbour* n = resolved(ip_be)) return n->mac.data();
  std::uint32_t target = ip_be;
  if (!on_link(ip_be)) {
    if (has_next_hop_) return next_hop_mac_.data();
    if (gateway_ == 0) {
      ++dc[DpdkCounter::TxNoNextHop];
      return nullptr;
    }
    if (const Neighbour* g = resolved(gateway_)) return g->mac.data();
    target = gateway_;
  }
  ask(target, source, asks, dc);
  ++dc[DpdkCounter::TxArpPending];
  return nullptr;
}

// Marks `target` as asked (evicting whatever shared its slot) and queues a request, unless one
// went out less than arp_retry_ns ago or this burst already asks for it.
void DpdkIo::ask(std::uint32_t target, std::uint32_t source, ArpAsks& asks, DpdkCounts& dc) noexcept {
  Neighbour& n = neighbours_[neighbour_slot(target)];
  const bool recent = n.ip == target && !n.resolved && n.asked_ns != 0 &&
                      (now_ns_ < n.asked_ns || now_ns_ - n.asked_ns < arp_retry_ns_);
  if (recent) return;
  if (asks.count == asks.target.size()) return;
  for (std::size_t i = 0; i < asks.count; ++i) {
    if (asks.target[i] == target) return;
  }
  n = Neighbour{target, {}, false, now_ns_ != 0 ? now_ns_ : 1};
  asks.target[asks.count] = target;
  asks.source[asks.count] = source;
  ++asks.count;
  ++dc[DpdkCounter::ArpRequests];
}

// Who-has requests, broadcast, padded to the 60-byte Ethernet minimum. An empty pool or a full
// queue loses a request (counted as a reply that could not be sent); the next datagram asks again.
void DpdkIo::send_arp_requests(const ArpAsks& asks, DpdkCounts& dc) noexcept {
  std::array<rte_mbuf*, kMaxBurst> frames;
  std::size_t n = 0;
  for (std::size_t i = 0; i < asks.count; ++i) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    if (m == nullptr) {
      ++dc[DpdkCounter::ReplyTxFull];
      continue;
    }
    constexpr std::uint16_t kMinFrame = 60;
    auto* frame = rte_pktmbuf_mtod(m, std::uint8_t*);
    std::memset(frame, 0, kMinFrame);
    auto* eth = header_at<rte_ether_hdr>(frame);
    std::memset(eth->dst_addr.addr_bytes, 0xff, 6);
    std::memcpy(eth->src_addr.addr_bytes, mac_.data(), 6);
    eth->ether_type = be16(RTE_ETHER_TYPE_ARP);
    auto* arp = header_at<rte_arp_hdr>(frame + kEthBytes);
    arp->arp_hardware = be16(RTE_ARP_HRD_ETHER);
    arp->arp_protocol = be16(RTE_ETHER_TYPE_IPV4);
    arp->arp_hlen = 6;
    arp->arp_plen = 4;
    arp->arp_opcode = be16(RTE_ARP_OP_REQUEST);
    std::memcpy(arp->arp_data.arp_sha.addr_bytes, mac_.data(), 6);
    arp->arp_data.arp_sip = asks.source[i];
    arp->arp_data.arp_tip = asks.target[i];
    m->data_len = kMinFrame;
    m->pkt_len = kMinFrame;
    m->ol_flags = 0;
    frames[n++] = m;
  }
  if (n > 0) send_replies(frames.data(), n, dc);
}

// ---- RX -------------------------------------------------------------------------------------
//
// Cost, `build-dpdk/bin/dpdk_worker_test "bench: DpdkIo*"` (Release, this machine kind: 2 shared
// AMD EPYC cores; net_ring, 256 open ports, bursts of 32 frames of 202 bytes, 172-byte UDP
// payload; medians of 7 x 4,000 bursts, five runs):
//   rx_burst  ~31-44 ns/packet with UDP checksum 0 (nothing to verify),
//             ~100-132 ns/packet verifying it in software: ~29 ns of summing (rte_raw_cksum
//             over 180 bytes, hot) plus the first touch of the payload's lines, which a relay
//             without SRTP would otherwise never read. A NIC with RX checksum offload skips it.
//   tx_burst  ~22-27 ns/packet without UDP checksum, ~43-54 ns computing it in software.
// The worker's whole relay (rx_burst, relay, tx_burst): see dpdk_worker_test "[.bench]".

std::size_t DpdkIo::rx_burst(std::span<Packet*> out, std::uint64_t now_ns) noexcept {
  const std::size_t want = std::min(out.size(), kMaxBurst);
  if (want == 0) return 0;
  now_ns_ = now_ns;
  DpdkCounts dc;
  if (has_exception_ && now_ns >= next_exception_poll_) from_kernel(now_ns, dc);
  std::array<rte_mbuf*, kMaxBurst> mbufs;
  IoCounts counts;
  ++counts[IoCounter::RxCalls];
  // Several workers: half the burst for what the others forwarded, the rest our RX queue (our
  // frames kept, the others' forwarded), then the rings again if there is room.
  std::size_t n = 0;
  if (workers_ > 1) n = take_from_rings(mbufs.data(), want / 2, dc);
  if (polls_rx_) {
    const std::uint16_t got = rte_eth_rx_burst(port_id_, queue_, mbufs.data() + n,
                                               static_cast<std::uint16_t>(want - n));
    n += workers_ > 1 && got > 0 ? dispatch(mbufs.data() + n, got, dc) : got;
  }
  if (workers_ > 1 && n < want) n += take_from_rings(mbufs.data() + n, want - n, dc);
  if (n == 0) {
    stats_.add(counts);
    dpdk_stats_.add(dc);
    return 0;
  }
  std::array<rte_mbuf*, kMaxBurst> dropped;
  std::array<rte_mbuf*, kMaxBurst> replies;
  std::array<rte_mbuf*, kMaxBurst> kernel;
  std::size_t got = 0, drops = 0, reply_count = 0, kernel_count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    rte_mbuf* m = mbufs[i];
    if (i + 1 < n) rte_prefetch0(frame_of(mbufs[i + 1]));
    switch (classify(m, now_ns, dc, counts)) {
      case Verdict::Deliver: out[got++] = packet_of(m); break;
      case Verdict::Reply: replies[reply_count++] = m; break;
      case Verdict::Drop: dropped[drops++] = m; break;
      case Verdict::Kernel: kernel[kernel_count++] = m; break;
    }
  }
  if (drops > 0) rte_pktmbuf_free_bulk(dropped.data(), static_cast<unsigned>(drops));
  if (reply_count > 0) send_replies(replies.data(), reply_count, dc);
  if (kernel_count > 0) to_kernel(kernel.data(), kernel_count, dc);
  counts[IoCounter::RxPackets] += got;
  stats_.add(counts);
  dpdk_stats_.add(dc);
  return got;
}

// ---- Software dispatch (dpdk_port.hpp) -------------------------------------------------------

// Reads the headers only (the owner's classify checks everything): UDP to a port of a shard
// goes to that shard's worker; an ARP reply to every worker; a frame to another MAC (af_packet
// sockets see each other's transmissions) stays here to be dropped; anything else not RTP to
// worker 0, which answers ARP and ICMP and owns the exception path.
std::uint16_t DpdkIo::steer(rte_mbuf* m) const noexcept {
  const std::uint8_t* frame = frame_of(m);
  const std::uint32_t len = m->data_len;
  if (m->nb_segs != 1 || len < kEthBytes) return queue_;
  const auto* eth = reinterpret_cast<const rte_ether_hdr*>(frame);
  if (std::memcmp(eth->dst_addr.addr_bytes, mac_.data(), 6) != 0 &&
      rte_is_broadcast_ether_addr(&eth->dst_addr) == 0) {
    return queue_;
  }
  if (eth->ether_type == be16(RTE_ETHER_TYPE_ARP)) {
    if (len < kEthBytes + sizeof(rte_arp_hdr)) return queue_;
    const auto* arp = reinterpret_cast<const rte_arp_hdr*>(frame + kEthBytes);
    return arp->arp_opcode == be16(RTE_ARP_OP_REPLY) ? kShareAll : 0;
  }
  if (eth->ether_type != be16(RTE_ETHER_TYPE_IPV4)) return 0;
  if (len < kEthBytes + kIpv4Bytes) return queue_;
  const auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(frame + kEthBytes);
  const std::uint32_t ihl = std::uint32_t{ip->version_ihl & 0x0fu} * 4;
  if (ihl < kIpv4Bytes || kEthBytes + ihl + kUdpBytes > len) return queue_;
  if (ip->next_proto_id != IPPROTO_UDP ||
      (be16(ip->fragment_offset) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0) {
    return 0;
  }
  const auto* udp = reinterpret_cast<const rte_udp_hdr*>(frame + kEthBytes + ihl);
  const std::uint8_t owner = owners_[be16(udp->dst_port)];
  return owner == DpdkPort::kNoOwner ? 0 : owner;
}

// Cost: the steer() parse (the headers' first cache line, which classify reads next anyway)
// plus, per forwarded frame, an rte_ring enqueue on this side and a dequeue on the owner's
// (bulk, one atomic per burst each). Not separated yet: `dialbench dataplane --workers 2`
// measures the whole runtime with it (dataplane/io/README.md), bench-bound on this machine.
std::size_t DpdkIo::dispatch(rte_mbuf** mbufs, std::size_t n, DpdkCounts& dc) noexcept {
  std::array<std::uint16_t, kMaxBurst> dest;
  std::size_t kept = 0;
  bool others = false;
  for (std::size_t i = 0; i < n; ++i) {
    dest[i] = steer(mbufs[i]);
    if (dest[i] == kShareAll) {
      // Rare (one per ARP resolution): a copy for each other worker, ours processed here.
      for (std::uint16_t w = 0; w < workers_; ++w) {
        if (w == queue_) continue;
        rte_mbuf* copy = rte_pktmbuf_copy(mbufs[i], pool_, 0, UINT32_MAX);
        if (copy != nullptr && rte_ring_sp_enqueue(shared_port_.ring(queue_, w), copy) == 0) {
          ++dc[DpdkCounter::SwDispatched];
        } else {
          if (copy != nullptr) rte_pktmbuf_free(copy);
          ++dc[DpdkCounter::SwDispatchDrops];
        }
      }
      dest[i] = queue_;
    }
    others = others || dest[i] != queue_;
  }
  if (!others) return n;
  std::array<rte_mbuf*, kMaxBurst> batch;
  for (std::uint16_t w = 0; w < workers_; ++w) {
    if (w == queue_) continue;
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (dest[i] == w) batch[k++] = mbufs[i];
    }
    if (k == 0) continue;
    const unsigned sent = rte_ring_sp_enqueue_burst(shared_port_.ring(queue_, w),
                                                    reinterpret_cast<void* const*>(batch.data()),
                                                    static_cast<unsigned>(k), nullptr);
    dc[DpdkCounter::SwDispatched] += sent;
    if (sent < k) {  // the owner is behind: drop, never wait
      dc[DpdkCounter::SwDispatchDrops] += k - sent;
      rte_pktmbuf_free_bulk(batch.data() + sent, static_cast<unsigned>(k - sent));
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (dest[i] == queue_) mbufs[kept++] = mbufs[i];
  }
  return kept;
}

// The other workers' rings, starting with a different one each call.
std::size_t DpdkIo::take_from_rings(rte_mbuf** out, std::size_t want, DpdkCounts& dc) noexcept {
  std::size_t n = 0;
  for (std::uint16_t i = 0; i < workers_ && n < want; ++i) {
    const auto from = static_cast<std::uint16_t>((rx_turn_ + i) % workers_);
    if (from == queue_) continue;
    n += rte_ring_sc_dequeue_burst(shared_port_.ring(from, queue_),
                                   reinterpret_cast<void**>(out + n),
                                   static_cast<unsigned>(want - n), nullptr);
  }
  ++rx_turn_;
  dc[DpdkCounter::SwReceived] += n;
  return n;
}

// Decides one received frame. Deliver: the Packet in its private area is filled in.
DpdkIo::Verdict DpdkIo::classify(rte_mbuf* m, std::uint64_t now_ns, DpdkCounts& dc,
                                 IoCounts& counts) noexcept {
  if (m->nb_segs != 1) {  // scatter is never enabled: a chain is larger than one buffer
    ++counts[IoCounter::RxTruncated];
    return Verdict::Drop;
  }
  // On a NIC every mbuf comes from our pool; a ring peer might hand us another.
  if (m->pool != pool_ && m->priv_size < sizeof(Packet)) {
    ++dc[DpdkCounter::RxForeignMbuf];
    return Verdict::Drop;
  }
  std::uint8_t* frame = frame_of(m);
  const std::uint32_t frame_len = m->data_len;
  if (frame_len < kEthBytes) {
    ++dc[DpdkCounter::RxMalformed];
    return Verdict::Drop;
  }
  const auto* eth = header_at<rte_ether_hdr>(frame);
  const bool to_us = std::memcmp(eth->dst_addr.addr_bytes, mac_.data(), 6) == 0;
  if (!to_us && rte_is_broadcast_ether_addr(&eth->dst_addr) == 0) {
    ++dc[DpdkCounter::RxNotOurs];
    return Verdict::Drop;
  }
  if (eth->ether_type == be16(RTE_ETHER_TYPE_ARP)) return answer_arp(m, frame_len, dc);
  if (eth->ether_type != be16(RTE_ETHER_TYPE_IPV4)) return not_rtp(DpdkCounter::RxNotIpv4, dc);
  if (!to_us) {  // IPv4 to the broadcast MAC: not for a unicast RTP port
    ++dc[DpdkCounter::RxNotOurs];
    return Verdict::Drop;
  }
  if (frame_len < kEthBytes + kIpv4Bytes) {
    ++dc[DpdkCounter::RxMalformed];
    return Verdict::Drop;
  }
  auto* ip = header_at<rte_ipv4_hdr>(frame + kEthBytes);
  const std::uint32_t ihl = std::uint32_t{ip->version_ihl & 0x0fu} * 4;
  const std::uint32_t total = be16(ip->total_length);
  // total may be shorter than the frame (Ethernet pads to 60 bytes), never longer.
  if ((ip->version_ihl >> 4) != 4 || ihl < kIpv4Bytes || total < ihl ||
      kEthBytes + total > frame_len) {
    ++dc[DpdkCounter::RxMalformed];
    return Verdict::Drop;
  }
  const std::uint64_t ip_flags = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
  if (ip_flags == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
      (ip_flags != RTE_MBUF_F_RX_IP_CKSUM_GOOD && rte_raw_cksum(ip, ihl) != 0xffff)) {
    ++dc[DpdkCounter::RxBadChecksum];
    return Verdict::Drop;
  }
  const int address = address_index(ip->dst_addr);
  if (address < 0) {
    ++dc[DpdkCounter::RxNotOurs];
    return Verdict::Drop;
  }
  if ((be16(ip->fragment_offset) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0) {
    return not_rtp(DpdkCounter::RxFragment, dc);  // the kernel reassembles (a large SIP INVITE)
  }
  std::uint8_t* l4 = frame + kEthBytes + ihl;
  const std::uint32_t l4_len = total - ihl;

  if (ip->next_proto_id == IPPROTO_ICMP) {
    auto* icmp = header_at<rte_icmp_hdr>(l4);
    if (l4_len < sizeof(rte_icmp_hdr) || icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST ||
        icmp->icmp_code != 0) {
      return not_rtp(DpdkCounter::RxNotUdp, dc);
    }
    if (rte_raw_cksum(icmp, l4_len) != 0xffff) {
      ++dc[DpdkCounter::RxBadChecksum];
      return Verdict::Drop;
    }
    // The request becomes its reply in place (RFC 792): same identifier, sequence and data.
    icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
    icmp->icmp_cksum = 0;
    icmp->icmp_cksum = static_cast<std::uint16_t>(~rte_raw_cksum(icmp, l4_len));
    ip->dst_addr = ip->src_addr;
    ip->src_addr = addresses_[static_cast<std::size_t>(address)];
    ip->time_to_live = kTtl;
    ip->hdr_checksum = 0;
    ip->hdr_checksum = rte_ipv4_cksum(ip);
    auto* eth_out = header_at<rte_ether_hdr>(frame);
    learn(ip->dst_addr, eth_out->src_addr.addr_bytes);
    eth_out->dst_addr = eth_out->src_addr;
    std::memcpy(eth_out->src_addr.addr_bytes, mac_.data(), 6);
    m->ol_flags = 0;
    ++dc[DpdkCounter::IcmpEchoReplies];
    return Verdict::Reply;
  }
  if (ip->next_proto_id != IPPROTO_UDP) return not_rtp(DpdkCounter::RxNotUdp, dc);
  auto* udp = header_at<rte_udp_hdr>(l4);
  // The datagram fills the IPv4 payload exactly; a shorter UDP length would leave bytes nobody
  // accounts for (the kernel trims them; we refuse them).
  if (l4_len < kUdpBytes || be16(udp->dgram_len) != l4_len) {
    ++dc[DpdkCounter::RxMalformed];
    return Verdict::Drop;
  }
  const std::uint16_t dst_port = be16(udp->dst_port);
  const std::uint32_t slot1 = lookup_[(static_cast<std::size_t>(address) << 16) + dst_port];
  if (slot1 == 0) {
    // Not an open port: outside the RTP range it is the host's (SIP, DNS, management), inside
    // it a stale or stray RTP datagram.
    if (dst_port < rtp_first_ || dst_port > rtp_last_) return not_rtp(DpdkCounter::RxNoPort, dc);
    ++dc[DpdkCounter::RxNoPort];
    return Verdict::Drop;
  }
  const std::uint64_t l4_flags = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
  if (udp->dgram_cksum != 0 && l4_flags != RTE_MBUF_F_RX_L4_CKSUM_GOOD) {
    if (l4_flags == RTE_MBUF_F_RX_L4_CKSUM_BAD) {
      ++dc[DpdkCounter::RxBadChecksum];
      return Verdict::Drop;
    }
    if (!rx_verify_udp_) {
      ++dc[DpdkCounter::RxUdpUnverified];
    } else if (!udp_checksum_ok(ip, udp, l4_len)) {
      ++dc[DpdkCounter::RxBadChecksum];
      return Verdict::Drop;
    }
  }
  learn(ip->src_addr, eth->src_addr.addr_bytes);
  Packet* p = packet_of(m);
  p->data = l4 + kUdpBytes;
  p->len = l4_len - kUdpBytes;
  p->capacity = static_cast<std::uint32_t>(
      static_cast<std::uint8_t*>(m->buf_addr) + m->buf_len - p->data);
  p->port = PortId{slot1 - 1, ports_[slot1 - 1].generation};
  p->remote = NetAddress{};
  std::memcpy(p->remote.bytes.data(), &ip->src_addr, 4);
  p->remote.port = be16(udp->src_port);
  p->remote.family = AddressFamily::V4;
  p->rx_ns = now_ns;
  p->backend_ref = m;
  counts[IoCounter::RxBytes] += p->len;
  return Verdict::Deliver;
}

// ARP (RFC 826) for our addresses: a request becomes its reply in place (and teaches us the
// asker); a reply to us is learned when we asked (next_hop) or it refreshes a known neighbour.
// Anything else ARP goes to the kernel (exception path) or is a counted drop; gratuitous ARP is
// not learned.
DpdkIo::Verdict DpdkIo::answer_arp(rte_mbuf* m, std::uint32_t frame_len, DpdkCounts& dc) noexcept {
  std::uint8_t* frame = frame_of(m);
  if (frame_len < kEthBytes + sizeof(rte_arp_hdr)) {
    ++dc[DpdkCounter::RxMalformed];
    return Verdict::Drop;
  }
  auto* arp = header_at<rte_arp_hdr>(frame + kEthBytes);
  if (arp->arp_hardware != be16(RTE_ARP_HRD_ETHER) || arp->arp_protocol != be16(RTE_ETHER_TYPE_IPV4) ||
      arp->arp_hlen != 6 || arp->arp_plen != 4) {
    ++dc[DpdkCounter::RxMalformed];
    return Verdict::Drop;
  }
  const int address = address_index(arp->arp_data.arp_tip);
  if (arp->arp_opcode == be16(RTE_ARP_OP_REPLY) && address >= 0) {
    // Learned when we asked, or when it refreshes a neighbour we know; never a stranger's offer.
    const std::uint32_t sender = arp->arp_data.arp_sip;
    const Neighbour& n = neighbours_[neighbour_slot(sender)];
    if (n.ip == sender && sender != 0) {
      learn(sender, arp->arp_data.arp_sha.addr_bytes);
      ++dc[DpdkCounter::ArpLearned];
    }
    if (has_exception_) return Verdict::Kernel;  // the kernel may have asked too
    return n.ip == sender ? Verdict::Drop : not_rtp(DpdkCounter::RxNotOurs, dc);
  }
  if (arp->arp_opcode != be16(RTE_ARP_OP_REQUEST) || address < 0) {
    // Replies to the kernel's own requests (it resolves its peers through the exception path).
    return not_rtp(DpdkCounter::RxNotOurs, dc);
  }
  rte_arp_ipv4& a = arp->arp_data;
  learn(a.arp_sip, a.arp_sha.addr_bytes);
  arp->arp_opcode = be16(RTE_ARP_OP_REPLY);
  a.arp_tha = a.arp_sha;
  a.arp_tip = a.arp_sip;
  std::memcpy(a.arp_sha.addr_bytes, mac_.data(), 6);
  a.arp_sip = addresses_[static_cast<std::size_t>(address)];
  auto* eth = header_at<rte_ether_hdr>(frame);
  eth->dst_addr = a.arp_tha;
  std::memcpy(eth->src_addr.addr_bytes, mac_.data(), 6);
  m->ol_flags = 0;
  ++dc[DpdkCounter::ArpReplies];
  return Verdict::Reply;
}

void DpdkIo::send_replies(rte_mbuf** replies, std::size_t n, DpdkCounts& dc) noexcept {
  const std::uint16_t sent = rte_eth_tx_burst(port_id_, queue_, replies, static_cast<std::uint16_t>(n));
  if (sent < n) {
    dc[DpdkCounter::ReplyTxFull] += n - sent;
    rte_pktmbuf_free_bulk(replies + sent, static_cast<unsigned>(n - sent));
  }
}

// ---- Exception path: the kernel's traffic ----------------------------------------------------

DpdkIo::Verdict DpdkIo::not_rtp(DpdkCounter drop_reason, DpdkCounts& dc) const noexcept {
  if (has_exception_) return Verdict::Kernel;
  ++dc[drop_reason];
  return Verdict::Drop;
}

// One rte_eth_tx_burst on the exception device per RX burst that had such frames (a TAP: one
// write() per frame, in the kernel's time, only for traffic that is not RTP). Cost not measured
// yet: the RTP path never reaches it (dpdk_af_packet_test checks RTP is not counted here).
void DpdkIo::to_kernel(rte_mbuf** frames, std::size_t n, DpdkCounts& dc) noexcept {
  for (std::size_t i = 0; i < n; ++i) frames[i]->ol_flags = 0;  // RX flags are not TX requests
  const std::uint16_t sent = rte_eth_tx_burst(exception_port_, 0, frames, static_cast<std::uint16_t>(n));
  dc[DpdkCounter::ToKernel] += sent;
  if (sent < n) {
    dc[DpdkCounter::ExceptionDropped] += n - sent;
    rte_pktmbuf_free_bulk(frames + sent, static_cast<unsigned>(n - sent));
  }
}

// What the kernel sent on the exception device goes out our port as it is (its frames carry
// our MAC and address, and the kernel's own checksums). Read at most every exception_poll_ns:
// a TAP's RX is a read() per call, even when empty (one system call per 100 µs, not per
// packet; its cost is not measured yet).
void DpdkIo::from_kernel(std::uint64_t now_ns, DpdkCounts& dc) noexcept {
  next_exception_poll_ = now_ns + exception_poll_ns_;
  std::array<rte_mbuf*, kMaxBurst> frames;
  const std::uint16_t n = rte_eth_rx_burst(exception_port_, 0, frames.data(), kMaxBurst);
  if (n == 0) return;
  for (std::uint16_t i = 0; i < n; ++i) frames[i]->ol_flags = 0;
  const std::uint16_t sent = rte_eth_tx_burst(port_id_, queue_, frames.data(), n);
  dc[DpdkCounter::FromKernel] += sent;
  if (sent < n) {
    dc[DpdkCounter::ExceptionDropped] += n - sent;
    rte_pktmbuf_free_bulk(frames.data() + sent, static_cast<unsigned>(n - sent));
  }
}

// ---- TX -------------------------------------------------------------------------------------

// Writes Ethernet/IPv4/UDP headers in the kHeaderBytes before p.data and points the mbuf at
// them. False when there is no room (the worker moved data too close to the buffer's start).
bool DpdkIo::build_headers(Packet& p, rte_mbuf* m, const PortSlot& slot,
                           const std::uint8_t* dst_mac, DpdkCounts& dc) noexcept {
  assert(p.len <= p.capacity);
  auto* const buf = static_cast<std::uint8_t*>(m->buf_addr);
  const std::ptrdiff_t offset = p.data - buf;
  if (offset < static_cast<std::ptrdiff_t>(kHeaderBytes) ||
      offset + static_cast<std::ptrdiff_t>(p.len) > m->buf_len) {
    ++dc[DpdkCounter::TxNoHeadroom];
    return false;
  }
  std::uint8_t* frame = p.data - kHeaderBytes;
  auto* eth = header_at<rte_ether_hdr>(frame);
  std::memcpy(eth->dst_addr.addr_bytes, dst_mac, 6);
  std::memcpy(eth->src_addr.addr_bytes, mac_.data(), 6);
  eth->ether_type = be16(RTE_ETHER_TYPE_IPV4);

  auto* ip = header_at<rte_ipv4_hdr>(frame + kEthBytes);
  ip->version_ihl = RTE_IPV4_VHL_DEF;
  ip->type_of_service = tos_;
  ip->total_length = be16(static_cast<std::uint16_t>(kIpv4Bytes + kUdpBytes + p.len));
  // An atomic datagram (DF, never fragmented): RFC 6864 lets its identification be 0.
  ip->packet_id = 0;
  ip->fragment_offset = be16(RTE_IPV4_HDR_DF_FLAG);
  ip->time_to_live = kTtl;
  ip->next_proto_id = IPPROTO_UDP;
  ip->hdr_checksum = 0;
  std::memcpy(&ip->src_addr, slot.local.bytes.data(), 4);
  std::memcpy(&ip->dst_addr, p.remote.bytes.data(), 4);

  auto* udp = header_at<rte_udp_hdr>(frame + kEthBytes + kIpv4Bytes);
  udp->src_port = be16(slot.local.port);
  udp->dst_port = be16(p.remote.port);
  udp->dgram_len = be16(static_cast<std::uint16_t>(kUdpBytes + p.len));
  udp->dgram_cksum = 0;

  m->data_off = static_cast<std::uint16_t>(offset - kHeaderBytes);
  m->data_len = static_cast<std::uint16_t>(kHeaderBytes + p.len);
  m->pkt_len = kHeaderBytes + p.len;
  std::uint64_t flags = 0;
  if (tx_ip_offload_) {
    flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
  } else {
    ip->hdr_checksum = rte_ipv4_cksum(ip);
  }
  if (udp_checksum_) {
    if (tx_udp_offload_) {
      flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
      udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, flags);  // the NIC adds the datagram's sum
    } else {
      udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
    }
  }
  m->ol_flags = flags;  // replaces the RX flags of a relayed mbuf
  m->l2_len = kEthBytes;
  m->l3_len = kIpv4Bytes;
  return true;
}

std::size_t DpdkIo::tx_burst(std::span<Packet* const> packets) noexcept {
  IoCounts counts;
  DpdkCounts dc;
  std::size_t sent_total = 0;
  std::array<rte_mbuf*, kMaxBurst> ready;
  std::array<std::uint32_t, kMaxBurst> lens;
  std::array<rte_mbuf*, kMaxBurst> dropped;
  ArpAsks asks;
  for (std::size_t start = 0; start < packets.size(); start += kMaxBurst) {
    const auto run = packets.subspan(start, std::min(kMaxBurst, packets.size() - start));
    std::size_t k = 0, drops = 0;
    for (Packet* p : run) {
      rte_mbuf* m = mbuf_of(p);
      const PortSlot* slot = find(p->port);
      if (slot == nullptr) {
        ++counts[IoCounter::TxBadPort];
        dropped[drops++] = m;
        continue;
      }
      if (p->remote.family != AddressFamily::V4 || p->remote.port == 0) {
        ++counts[IoCounter::TxBadAddress];
        dropped[drops++] = m;
        continue;
      }
      std::uint32_t dst = 0, src = 0;
      std::memcpy(&dst, p->remote.bytes.data(), 4);
      std::memcpy(&src, slot->local.bytes.data(), 4);
      const std::uint8_t* dst_mac = next_hop(dst, src, asks, dc);
      if (dst_mac == nullptr) {  // counted by next_hop
        dropped[drops++] = m;
        continue;
      }
      if (!build_headers(*p, m, *slot, dst_mac, dc)) {
        dropped[drops++] = m;
        continue;
      }
      lens[k] = p->len;
      ready[k++] = m;
    }
    const std::uint16_t sent =
        k > 0 ? rte_eth_tx_burst(port_id_, queue_, ready.data(), static_cast<std::uint16_t>(k)) : 0;
    ++counts[IoCounter::TxCalls];
    for (std::size_t i = 0; i < sent; ++i) counts[IoCounter::TxBytes] += lens[i];
    counts[IoCounter::TxPackets] += sent;
    if (sent < k) {  // the queue is full: drop, never wait
      counts[IoCounter::TxFull] += k - sent;
      rte_pktmbuf_free_bulk(ready.data() + sent, static_cast<unsigned>(k - sent));
    }
    if (drops > 0) rte_pktmbuf_free_bulk(dropped.data(), static_cast<unsigned>(drops));
    sent_total += sent;
  }
  if (asks.count > 0) send_arp_requests(asks, dc);
  stats_.add(counts);
  dpdk_stats_.add(dc);
  return sent_total;
}

// ---- Packets the worker fills or drops --------------------------------------------------------

std::size_t DpdkIo::alloc(std::span<Packet*> out) noexcept {
  std::size_t got = 0;
  std::array<rte_mbuf*, kMaxBurst> mbufs;
  while (got < out.size()) {
    const auto want = static_cast<unsigned>(std::min(kMaxBurst, out.size() - got));
    unsigned n = want;
    if (rte_pktmbuf_alloc_bulk(pool_, mbufs.data(), want) != 0) {
      // All or nothing: when the pool runs low, take what is left one at a time.
      n = 0;
      while (n < want && (mbufs[n] = rte_pktmbuf_alloc(pool_)) != nullptr) ++n;
    }
    for (unsigned i = 0; i < n; ++i) {
      rte_mbuf* m = mbufs[i];
      Packet* p = packet_of(m);
      *p = Packet{};
      p->data = frame_of(m);  // after the headroom: room for any headers tx_burst writes
      p->capacity = static_cast<std::uint32_t>(m->buf_len - m->data_off);
      p->backend_ref = m;
      out[got++] = p;
    }
    if (n < want) break;
  }
  if (got < out.size()) stats_.add(IoCounter::AllocFailed, out.size() - got);
  return got;
}

void DpdkIo::free(std::span<Packet* const> packets) noexcept {
  std::array<rte_mbuf*, kMaxBurst> mbufs;
  for (std::size_t start = 0; start < packets.size(); start += kMaxBurst) {
    const std::size_t n = std::min(kMaxBurst, packets.size() - start);
    for (std::size_t i = 0; i < n; ++i) mbufs[i] = mbuf_of(packets[start + i]);
    rte_pktmbuf_free_bulk(mbufs.data(), static_cast<unsigned>(n));
  }
}

}  // namespace dialcore::dataplane
