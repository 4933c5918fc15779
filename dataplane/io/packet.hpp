#pragma once
// Packet: the descriptor of one UDP datagram as the worker sees it, whichever backend carries it.
// It points at the UDP payload (RTP/RTCP starts at data[0]) and says which local port it came in
// on or leaves by and the far end's address, so worker code never sees a socket or an mbuf.
//
// Where the bytes live is the backend's business. SocketIo keeps a preallocated PacketPool of
// slots, each this descriptor followed by kPacketDataBytes of payload. The DPDK backend will keep
// the descriptor in the mbuf's private area (rte_pktmbuf_pool_create's priv_size) with `data`
// pointing past the Ethernet/IP/UDP headers and `backend_ref` at the mbuf: no copy and no second
// allocation on either side.
//
// Ownership: a Packet* from BurstIo::rx_burst or BurstIo::alloc belongs to the caller until it
// goes back, exactly once, through BurstIo::tx_burst or BurstIo::free.

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "dataplane/api/net_address.hpp"

namespace dialcore::dataplane {

// A local port opened on a BurstIo: a slot in the backend's port table plus the generation of
// the port that held the slot when the handle was issued, so a handle kept past close_port
// (a packet still in the worker's hands) no longer matches the port that reuses the slot.
struct PortId {
  std::uint32_t index = UINT32_MAX;
  std::uint32_t generation = 0;  // 0 never names an open port

  static constexpr PortId invalid() { return PortId{}; }
  constexpr bool valid() const { return generation != 0; }
  friend constexpr bool operator==(const PortId&, const PortId&) = default;
};

// Payload bytes a SocketIo slot holds. Above any Ethernet MTU (RTP stays under 1,472 bytes),
// so only a datagram that could never be RTP on a real link is truncated, and counted.
inline constexpr std::size_t kPacketDataBytes = 2048;

// One cache line: the worker touches the descriptors of a whole burst while classifying it.
struct alignas(64) Packet {
  std::uint8_t* data = nullptr;  // UDP payload; the worker may move it within the buffer
  std::uint32_t len = 0;         // payload bytes at data
  std::uint32_t capacity = 0;    // writable bytes from data: room to grow (SRTP adds a tag)
  PortId port;                   // rx: the local port it came in on; tx: the port it leaves by
  NetAddress remote;             // rx: the sender; tx: the destination
  std::uint64_t rx_ns = 0;       // rx: the burst's now_ns, passed in by the worker
  void* backend_ref = nullptr;   // the backend's own handle (DPDK: the rte_mbuf); do not touch
};

static_assert(sizeof(Packet) == 64);
static_assert(std::is_trivially_copyable_v<Packet>);

}  // namespace dialcore::dataplane
