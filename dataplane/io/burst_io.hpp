#pragma once
// BurstIo: the one packet I/O interface the worker loop is written against. Two backends
// implement it: SocketIo (kernel UDP sockets: epoll, recvmmsg, sendmmsg; the embedded default)
// and, later, the DPDK backend. Same worker code on both.
//
// The model is DPDK's, because it is the stricter of the two: the backend owns the packet
// memory; rx_burst and alloc lend packets to the caller, tx_burst and free take them back. A
// relayed packet is received, rewritten in place and sent: no copy. Sockets fill slots of a
// preallocated PacketPool; DPDK will hand out mbufs with the Packet in their private area.
//
// Two kinds of calls:
// - Setup (open_port, close_port): may make system calls, never allocate after construction,
//   never throw; called by the worker when it handles a command, never per packet.
// - Burst (rx_burst, tx_burst, alloc, free): never allocate, lock, throw or wait; a bounded
//   number of system calls per burst, not per packet where the backend can batch (see
//   SocketIo for what one socket per port allows). Drops are counted in stats(), never reported
//   by exception or return code.
//
// Virtual, not a template policy: a call through BurstIo& costs ~10 ns more than the inlined
// call (io_bench "pool and virtual-call cost": alloc + free of 32; 3-25 ns across runs on a
// shared machine), so ~1 ns per packet at burst 32 for the two to four calls a burst makes:
// under 1% of ~6 µs per packet of socket system calls, or of the DPDK worker's 200 ns per packet
// at 5 Mpps. And the worker loop compiles once, with a fake backend behind it in tests.
//
// Threads: one BurstIo per worker, called from that worker's thread only. stats() may be read
// from any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dataplane/api/net_address.hpp"
#include "dataplane/io/io_stats.hpp"
#include "dataplane/io/packet.hpp"

namespace dialcore::dataplane {

// Most packets one rx_burst returns. DPDK's customary burst: a burst's descriptors fit in L1
// and the per-burst costs (a poll, a PMD call) are spread over enough packets.
inline constexpr std::size_t kMaxBurst = 32;

enum class OpenStatus : std::uint8_t {
  Ok = 0,
  InUse = 1,        // the address and port are taken, by us or anyone (EADDRINUSE)
  NotLocal = 2,     // not an address of this host (EADDRNOTAVAIL)
  BadAddress = 3,   // empty address or unknown family
  Denied = 4,       // a privileged port, or policy (EACCES, EPERM)
  TableFull = 5,    // the backend's port table is full (sized at construction)
  SystemError = 6,  // any other failure; sys_errno says which
};

constexpr std::string_view to_string(OpenStatus status) noexcept {
  switch (status) {
    case OpenStatus::Ok: return "ok";
    case OpenStatus::InUse: return "in_use";
    case OpenStatus::NotLocal: return "not_local";
    case OpenStatus::BadAddress: return "bad_address";
    case OpenStatus::Denied: return "denied";
    case OpenStatus::TableFull: return "table_full";
    case OpenStatus::SystemError: return "system_error";
  }
  return "unknown";
}

struct OpenResult {
  PortId port;       // valid when ok()
  NetAddress local;  // the bound address; its port is the one chosen when 0 was asked
  OpenStatus status = OpenStatus::SystemError;
  int sys_errno = 0;  // the system call's errno when it failed, else 0

  bool ok() const noexcept { return status == OpenStatus::Ok; }
};

class BurstIo {
 public:
  virtual ~BurstIo() = default;
  BurstIo(const BurstIo&) = delete;
  BurstIo& operator=(const BurstIo&) = delete;

  // Setup. Starts receiving on `local` (IPv4 or IPv6 address and UDP port; port 0 lets the
  // system choose, see PortAllocator for the even RTP ports of a configured range).
  virtual OpenResult open_port(const NetAddress& local) noexcept = 0;
  // Setup. Stops receiving; packets still queued for the port are discarded. A packet the worker
  // still holds keeps the stale PortId: sending it is a counted TxBadPort drop. False if `port`
  // was not open.
  virtual bool close_port(PortId port) noexcept = 0;
  // The address `port` is bound to; empty when the handle is stale.
  virtual NetAddress local_address(PortId port) const noexcept = 0;

  // Burst. Fills the front of `out` with up to min(out.size(), kMaxBurst) received datagrams,
  // each with data/len, port, remote and rx_ns = now_ns; returns how many. Never waits.
  virtual std::size_t rx_burst(std::span<Packet*> out, std::uint64_t now_ns) noexcept = 0;
  // Burst. Sends each packet from packet->port to packet->remote, in order per port, and takes
  // them all back (sent or dropped, the caller no longer owns any); returns how many were sent.
  // Any number of packets; the rest are counted drops. Never waits.
  virtual std::size_t tx_burst(std::span<Packet* const> packets) noexcept = 0;
  // Burst. Fresh packets for the worker to fill (prompts, transcoded audio, RTCP): data at the
  // buffer's start, len 0, capacity set. Returns how many, fewer when memory runs low.
  virtual std::size_t alloc(std::span<Packet*> out) noexcept = 0;
  // Burst. Gives back packets the worker drops.
  virtual void free(std::span<Packet* const> packets) noexcept = 0;

  // For an idle worker on a shared core: blocks up to timeout_ms until a port may have a packet
  // (true) or the time passes (false); a negative timeout counts as 0, nothing waits forever. A
  // polling backend (DPDK, on a dedicated core) returns false at once. The only call that may
  // block; never on a burst path.
  virtual bool wait_rx(int timeout_ms) noexcept = 0;

  virtual const IoStats& stats() const noexcept = 0;

 protected:
  BurstIo() = default;
};

}  // namespace dialcore::dataplane
