#pragma once
// SocketIo: the kernel-socket backend of BurstIo (embedded boxes, developers, CI): one
// non-blocking UDP socket per local RTP/RTCP port, IPv4 or IPv6, all in one level-triggered
// epoll set. A burst is one epoll_wait (skipped while events from the last one remain), one
// receive call per ready socket, and one send call per distinct sending port. Packets live in a
// PacketPool sized at construction.
//
// What batching can buy with one socket per port. recvmmsg and sendmmsg work on one socket, so
// they batch only the datagrams queued on, or leaving by, the same port. A relay of many calls
// at 50 packets/s per port finds one datagram per ready socket and sends each packet from a
// different port: about one receive and one send call per packet whatever we do, and the
// kernel's UDP path (~1 µs to receive, ~4 µs to send with loopback delivery, this machine kind)
// dominates the system-call entry. Measured, `io_bench "[.bench]"`, CPU per relayed packet
// (rx_burst + tx_burst, burst 32, 172-byte datagrams, loopback; medians of 7 x 4,000 turns,
// three runs):
//   1,000 ports, one datagram per ready port:  SocketIo ~6.6-7.1 µs, 2.03 calls/packet;
//                                              plain epoll + recvfrom/sendto ~6.6-7.3 µs
//   one port with 32 queued:                   SocketIo ~5.0-5.3 µs, 0.09 calls/packet;
//                                              plain, reading until EAGAIN, ~5.7-6.1 µs
// The counters show which case a box is in: io_rx_calls and io_tx_calls against io_rx_packets
// and io_tx_packets. Crossing sockets in one call needs io_uring, or one socket for many ports
// (eBPF sk_lookup): see README.md.
//
// How much to read. Asking recvmmsg for 32 datagrams on a socket that holds one costs ~0.7 µs
// more than recvfrom (~1.9 against ~1.15 µs: message headers copied in and out, a second
// receive tried; io_bench "single-datagram calls"); in the relay of many calls above, always
// asking 32 cost 7.8 µs per packet instead of 6.9. So a socket is read one datagram at a time
// (recvfrom) unless it shows a backlog: its read in the previous poll got all it asked and epoll
// reports it ready again at once. Then it gets the rest of the burst in one recvmmsg; a port
// that falls behind reaches full batches within two polls. Likewise a send group of one
// datagram goes by sendto, not sendmmsg (~0.2-0.4 µs cheaper).
//
// Connected sends (the measured lever: the kernel skips the route lookup and uses the socket's
// cached route, ~0.6-1.6 µs less per send, io_bench "single-datagram calls"). A port that sends
// to the address it last received from (symmetric RTP: the remote is latched) gets a second
// socket on the same address and port, connected to that remote, and sends on it with no
// address (send/sendmmsg). The kernel delivers the remote's datagrams to the connected socket
// (it scores higher in the UDP lookup) and everything else to the port's first, unconnected
// socket, so a source that moves (NAT rebinding, re-latching) still reaches the worker; when the
// port then sends to the new source, the connected socket is reconnected to it (at most once per
// kReconnectPolls polls, so a flapping remote costs no connect per packet; in between it is sent
// with its address). The second socket is bound with SO_REUSEPORT set on both for that one bind
// and cleared right after, so no one else can bind the port. Both sockets are in the epoll set
// under the same PortId. A port whose remote is never one it received from (asymmetric peers)
// keeps sending unconnected. Counters: io_connects, io_connect_failed, io_tx_connected.
//
// Why level-triggered: rx_burst reads each ready socket once per poll and stops when the
// caller's burst is full, possibly before a socket is drained. Level-triggered epoll reports that
// socket again at the next epoll_wait, behind the sockets already ready (the kernel re-queues it
// at the tail), so a flooded port cannot starve the others and we keep no list of half-drained
// sockets. Edge-triggered would oblige us to read every socket until EAGAIN (one more call per
// ready socket per turn) or to keep that list ourselves.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dataplane/io/burst_io.hpp"
#include "dataplane/io/packet_pool.hpp"

namespace dialcore::dataplane {

struct SocketIoConfig {
  std::size_t max_ports = 1024;     // port table: two per leg with RTCP on its own port
  std::size_t pool_packets = 4096;  // ~2.1 KiB each: every packet the worker holds at once
};

class SocketIo final : public BurstIo {
 public:
  // Startup: allocates the pool, the port table and the burst scratch, creates the epoll set.
  // Throws std::system_error when epoll cannot be created (fatal: the worker cannot run).
  explicit SocketIo(const SocketIoConfig& config);
  ~SocketIo() override;  // closes every open port

  OpenResult open_port(const NetAddress& local) noexcept override;
  bool close_port(PortId port) noexcept override;
  NetAddress local_address(PortId port) const noexcept override;

  // One epoll_wait (skipped while events from the last one remain), then one recvfrom or
  // recvmmsg per ready socket. Idle (nothing ready): ~0.24 µs CPU. Busy: see the top of file.
  std::size_t rx_burst(std::span<Packet*> out, std::uint64_t now_ns) noexcept override;
  // One sendto or sendmmsg per distinct port in each run of kMaxBurst packets (more only after
  // an error). Cost: see the top of file.
  std::size_t tx_burst(std::span<Packet* const> packets) noexcept override;
  // A shortfall (pool empty) is counted in io_alloc_failed.
  std::size_t alloc(std::span<Packet*> out) noexcept override {
    const std::size_t got = pool_.alloc(out);
    if (got < out.size()) stats_.add(IoCounter::AllocFailed, out.size() - got);
    return got;
  }
  void free(std::span<Packet* const> packets) noexcept override { pool_.free(packets); }
  bool wait_rx(int timeout_ms) noexcept override;

  const IoStats& stats() const noexcept override { return stats_; }

  std::size_t open_port_count() const noexcept { return ports_.size() - free_ports_.size(); }
  std::size_t free_packets() const noexcept { return pool_.available(); }

 private:
  struct PortSlot {
    int fd = -1;                   // unconnected socket; -1 while the slot is free
    int conn_fd = -1;              // connected to conn_remote; -1 until the remote is latched
    std::uint32_t generation = 1;  // bumped by close_port; never 0, below 2^31
    NetAddress local;
    NetAddress conn_remote;            // what conn_fd is connected to
    NetAddress last_rx;                // source of the last datagram on fd (unconnected)
    std::uint64_t full_read_poll = 0;  // the poll whose read of this port filled all it asked
    std::uint64_t connect_poll = 0;    // the poll of the last connect attempt
  };
  struct Scratch;  // the burst's system-call arrays (socket_io.cpp), allocated once
  struct Received {
    std::size_t consumed = 0;   // buffers the datagrams filled, truncated ones included
    std::size_t delivered = 0;  // datagrams handed to the caller
  };

  static constexpr std::uint64_t kReconnectPolls = 64;

  const PortSlot* find(PortId port) const noexcept;
  bool wants_connect(const PortSlot& slot, const NetAddress& remote) const noexcept;
  void connect_port(PortId port, PortSlot& slot, const NetAddress& remote,
                    IoCounts& counts) noexcept;
  PortSlot* find(PortId port) noexcept;
  std::size_t poll_ready(int timeout_ms, IoCounts& counts) noexcept;
  Received receive(PortId port, PortSlot& slot, bool connected, std::span<Packet*> bufs,
                   std::span<Packet*> out, std::uint64_t now_ns, IoCounts& counts) noexcept;
  std::size_t send_run(std::span<Packet* const> run, IoCounts& counts) noexcept;
  std::size_t send_group(int fd, std::size_t n, IoCounts& counts) noexcept;
  void close_fds(PortSlot& slot) noexcept;

  PacketPool pool_;
  std::vector<PortSlot> ports_;            // sized once; indexed by PortId::index
  std::vector<std::uint32_t> free_ports_;  // free slot indices; capacity reserved once
  std::unique_ptr<Scratch> scratch_;
  int epoll_fd_ = -1;
  std::uint64_t poll_count_ = 0;  // epoll_waits so far: the cached events belong to the last
  IoStats stats_;
};

}  // namespace dialcore::dataplane
