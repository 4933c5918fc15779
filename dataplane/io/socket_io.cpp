#include "dataplane/io/socket_io.hpp"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>
#include <span>
#include <system_error>
#include <utility>

#include "dataplane/io/sock_addr.hpp"

namespace dialcore::dataplane {

// The arrays the system calls of one burst read and write. Allocated once, reused every burst;
// behind a pointer so socket_io.hpp stays free of system headers.
struct SocketIo::Scratch {
  std::array<epoll_event, kMaxBurst> events{};  // from the last epoll_wait
  std::size_t next_event = 0;                   // events[next_event, event_count) not yet read
  std::size_t event_count = 0;
  std::array<mmsghdr, kMaxBurst> msgs{};
  std::array<iovec, kMaxBurst> iovs{};
  std::array<SockAddr, kMaxBurst> addrs{};
  std::array<Packet*, kMaxBurst> staged{};  // rx: taken from the pool for this burst
};

// send_run marks done packets in one 64-bit word.
static_assert(kMaxBurst <= 64);

namespace {

// A PortId travels through epoll as the event's 64-bit user data, with the top bit saying
// which of the port's sockets is ready (set: the connected one). Generations stay below 2^31.
constexpr std::uint64_t kConnectedBit = std::uint64_t{1} << 63;
constexpr std::uint32_t kMaxGeneration = 0x7fffffff;
std::uint64_t pack(PortId port, bool connected) {
  return std::uint64_t{port.generation} << 32 | port.index | (connected ? kConnectedBit : 0);
}
PortId unpack(std::uint64_t data) {
  return PortId{static_cast<std::uint32_t>(data),
                static_cast<std::uint32_t>((data & ~kConnectedBit) >> 32)};
}
bool is_connected_event(std::uint64_t data) { return (data & kConnectedBit) != 0; }

int set_reuse_port(int fd, int on) {
  return ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
}
int set_v6_only(int fd) {
  const int on = 1;
  return ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
}

OpenStatus open_status(int err) {
  switch (err) {
    case EADDRINUSE: return OpenStatus::InUse;
    case EADDRNOTAVAIL: return OpenStatus::NotLocal;
    case EACCES:
    case EPERM: return OpenStatus::Denied;
    default: return OpenStatus::SystemError;
  }
}

bool would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

// Receives into `msgs` from `fd` like recvmmsg: returns how many came, or -1 with errno. One
// datagram asked: recvfrom, the cheapest receive call (io_bench "single-datagram calls";
// recvmmsg copies message headers in and out). MSG_TRUNC makes recvfrom return the datagram's
// real length, so truncation is still seen.
int receive_some(int fd, std::span<mmsghdr> msgs) noexcept {
  if (msgs.size() == 1) {
    msghdr& h = msgs[0].msg_hdr;
    const ssize_t r =
        ::recvfrom(fd, h.msg_iov->iov_base, h.msg_iov->iov_len, MSG_DONTWAIT | MSG_TRUNC,
                   static_cast<sockaddr*>(h.msg_name), &h.msg_namelen);
    if (r < 0) return -1;
    const auto len = static_cast<std::size_t>(r);
    h.msg_flags = len > h.msg_iov->iov_len ? MSG_TRUNC : 0;
    msgs[0].msg_len = static_cast<unsigned>(std::min(len, h.msg_iov->iov_len));
    return 1;
  }
  return ::recvmmsg(fd, msgs.data(), static_cast<unsigned>(msgs.size()), MSG_DONTWAIT, nullptr);
}

// Sends `msgs` on `fd` like sendmmsg: returns how many went, or -1 with errno. A lone datagram
// goes by sendto, ~0.2-0.4 µs cheaper than sendmmsg of one (io_bench "single-datagram calls"):
// in a relay of many calls most groups are one datagram (socket_io.hpp).
int send_some(int fd, std::span<mmsghdr> msgs) noexcept {
  if (msgs.size() == 1) {
    msghdr& h = msgs[0].msg_hdr;
    const ssize_t r = ::sendto(fd, h.msg_iov->iov_base, h.msg_iov->iov_len, MSG_DONTWAIT,
                               static_cast<const sockaddr*>(h.msg_name), h.msg_namelen);
    if (r < 0) return -1;
    msgs[0].msg_len = static_cast<unsigned>(r);
    return 1;
  }
  return ::sendmmsg(fd, msgs.data(), static_cast<unsigned>(msgs.size()), MSG_DONTWAIT);
}

}  // namespace

SocketIo::SocketIo(const SocketIoConfig& config)
    : pool_(config.pool_packets),
      ports_(config.max_ports),
      scratch_(std::make_unique<Scratch>()),
      epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  free_ports_.reserve(config.max_ports);
  for (std::size_t i = config.max_ports; i-- > 0;) {
    free_ports_.push_back(static_cast<std::uint32_t>(i));  // slot 0 on top: handed out first
  }
}

SocketIo::~SocketIo() {
  for (const PortSlot& slot : ports_) {
    if (slot.fd >= 0) ::close(slot.fd);
    if (slot.conn_fd >= 0) ::close(slot.conn_fd);
  }
  ::close(epoll_fd_);
}

const SocketIo::PortSlot* SocketIo::find(PortId port) const noexcept {
  if (port.index >= ports_.size()) return nullptr;
  const PortSlot& slot = ports_[port.index];
  return slot.fd >= 0 && slot.generation == port.generation ? &slot : nullptr;
}

SocketIo::PortSlot* SocketIo::find(PortId port) noexcept {
  return const_cast<PortSlot*>(std::as_const(*this).find(port));
}

OpenResult SocketIo::open_port(const NetAddress& local) noexcept {
  OpenResult result;
  result.local = local;
  SockAddr addr{};
  const socklen_t len = to_sock_addr(local, addr);
  if (len == 0) {
    result.status = OpenStatus::BadAddress;
    return result;
  }
  if (free_ports_.empty()) {
    result.status = OpenStatus::TableFull;
    return result;
  }
  const int fd = ::socket(addr.base.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    result.sys_errno = errno;
    result.status = open_status(result.sys_errno);
    return result;
  }
  const std::uint32_t index = free_ports_.back();
  PortSlot& slot = ports_[index];
  // SO_REUSEADDR stays off (the default): with it, two sockets may bind one UDP port and the
  // kernel hands each datagram to just one of them, so a port someone holds must fail here.
  // IPV6_V6ONLY: an IPv6 port does not also receive IPv4 (mapped) traffic on the same number,
  // which belongs to whoever opens that IPv4 port.
  SockAddr bound{};
  socklen_t bound_len = sizeof(bound);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = pack(PortId{index, slot.generation}, false);
  if ((local.family == AddressFamily::V6 && set_v6_only(fd) != 0) ||
      ::bind(fd, &addr.base, len) != 0 || ::getsockname(fd, &bound.base, &bound_len) != 0 ||
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    result.sys_errno = errno;
    result.status = open_status(result.sys_errno);
    ::close(fd);
    return result;
  }
  free_ports_.pop_back();  // reserved capacity: never allocates
  slot.fd = fd;
  slot.local = from_sock_addr(bound, bound_len);
  result.port = PortId{index, slot.generation};
  result.local = slot.local;
  result.status = OpenStatus::Ok;
  return result;
}

bool SocketIo::close_port(PortId port) noexcept {
  if (find(port) == nullptr) return false;
  PortSlot& slot = ports_[port.index];
  close_fds(slot);
  slot.local = NetAddress{};
  slot.conn_remote = NetAddress{};
  slot.last_rx = NetAddress{};
  slot.full_read_poll = 0;
  slot.connect_poll = 0;
  slot.generation = slot.generation == kMaxGeneration ? 1 : slot.generation + 1;
  free_ports_.push_back(port.index);  // capacity reserved for every slot: never allocates
  return true;
}

// close() alone would leave the registration behind if the descriptor had been duplicated;
// remove it explicitly. Events of this port already fetched are skipped by their generation.
void SocketIo::close_fds(PortSlot& slot) noexcept {
  for (int* fd : {&slot.fd, &slot.conn_fd}) {
    if (*fd < 0) continue;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, *fd, nullptr);
    ::close(*fd);
    *fd = -1;
  }
}

// Connect when the port sends to the source it last heard from (the remote is latched), unless
// already connected there or a connect was tried less than kReconnectPolls polls ago.
bool SocketIo::wants_connect(const PortSlot& slot, const NetAddress& remote) const noexcept {
  return remote.port != 0 && remote == slot.last_rx && !(remote == slot.conn_remote) &&
         (slot.connect_poll == 0 || poll_count_ >= slot.connect_poll + kReconnectPolls);
}

// Setup work on the send path, once per latched remote (a few system calls, ~10-20 µs; never
// allocates). See socket_io.hpp, "Connected sends". A failure leaves the port sending with
// addresses on whichever socket it had, and is retried after kReconnectPolls.
void SocketIo::connect_port(PortId port, PortSlot& slot, const NetAddress& remote,
                            IoCounts& counts) noexcept {
  slot.connect_poll = std::max<std::uint64_t>(poll_count_, 1);
  SockAddr to{};
  const socklen_t to_len = to_sock_addr(remote, to);
  if (slot.conn_fd >= 0) {  // reconnect: datagrams from the old remote now reach fd
    if (::connect(slot.conn_fd, &to.base, to_len) != 0) {
      ++counts[IoCounter::ConnectFailed];
      return;
    }
    slot.conn_remote = remote;
    ++counts[IoCounter::Connects];
    return;
  }
  SockAddr local{};
  const socklen_t local_len = to_sock_addr(slot.local, local);
  const int fd = ::socket(local.base.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = pack(port, true);
  // Connected before it joins epoll: a datagram the kernel gave it while still unconnected
  // waits in its queue and is read once registered (level-triggered).
  const bool ok = fd >= 0 && set_reuse_port(slot.fd, 1) == 0 && set_reuse_port(fd, 1) == 0 &&
                  (slot.local.family != AddressFamily::V6 || set_v6_only(fd) == 0) &&
                  ::bind(fd, &local.base, local_len) == 0 && ::connect(fd, &to.base, to_len) == 0 &&
                  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
  // Closed again for anyone else: a later bind of this port fails with EADDRINUSE.
  set_reuse_port(slot.fd, 0);
  if (fd >= 0) set_reuse_port(fd, 0);
  if (!ok) {
    if (fd >= 0) ::close(fd);
    ++counts[IoCounter::ConnectFailed];
    return;
  }
  slot.conn_fd = fd;
  slot.conn_remote = remote;
  ++counts[IoCounter::Connects];
}

NetAddress SocketIo::local_address(PortId port) const noexcept {
  const PortSlot* slot = find(port);
  return slot != nullptr ? slot->local : NetAddress{};
}

std::size_t SocketIo::poll_ready(int timeout_ms, IoCounts& counts) noexcept {
  Scratch& s = *scratch_;
  const int n = ::epoll_wait(epoll_fd_, s.events.data(), static_cast<int>(kMaxBurst), timeout_ms);
  ++counts[IoCounter::PollCalls];
  ++poll_count_;
  if (n < 0 && errno != EINTR) ++counts[IoCounter::RxErrors];
  s.next_event = 0;
  s.event_count = n > 0 ? static_cast<std::size_t>(n) : 0;
  return s.event_count;
}

bool SocketIo::wait_rx(int timeout_ms) noexcept {
  const Scratch& s = *scratch_;
  if (s.next_event < s.event_count) return true;  // rx_burst has not used the last poll yet
  IoCounts counts;
  const bool ready = poll_ready(std::max(timeout_ms, 0), counts) > 0;  // never -1: forever
  stats_.add(counts);
  return ready;
}

std::size_t SocketIo::rx_burst(std::span<Packet*> out, std::uint64_t now_ns) noexcept {
  const std::size_t want = std::min(out.size(), kMaxBurst);
  Scratch& s = *scratch_;
  if (want == 0) return 0;
  IoCounts counts;
  if (s.next_event == s.event_count && poll_ready(0, counts) == 0) {
    stats_.add(counts);
    return 0;
  }
  // Buffers for the whole burst in one pool call; those left over go back at the end.
  const std::size_t staged = pool_.alloc(std::span<Packet*>(s.staged.data(), want));
  std::size_t used = 0;
  std::size_t got = 0;
  while (got < want && s.next_event < s.event_count) {
    if (used == staged) {  // pool empty: the datagrams wait in the kernel for the next burst
      ++counts[IoCounter::RxNoBuffer];
      break;
    }
    // Read each ready socket once per poll, even when it fills our buffers: level-triggered
    // epoll reports it again, behind the others (fairness; see socket_io.hpp).
    const std::uint64_t data = s.events[s.next_event++].data.u64;
    const PortId port = unpack(data);
    PortSlot* slot = find(port);
    if (slot == nullptr) continue;  // closed since the poll
    const bool connected = is_connected_event(data);
    if (connected && slot->conn_fd < 0) continue;
    // One datagram, unless the last poll's read filled all it asked and the port is ready
    // again: a backlog (see socket_io.hpp, "How much to read").
    const bool backlog = slot->full_read_poll != 0 && slot->full_read_poll + 1 == poll_count_;
    const std::size_t ask = backlog ? staged - used : 1;
    const Received r =
        receive(port, *slot, connected, std::span<Packet*>(s.staged.data() + used, ask),
                out.subspan(got), now_ns, counts);
    if (r.consumed == ask) slot->full_read_poll = poll_count_;
    used += r.consumed;
    got += r.delivered;
  }
  pool_.free(std::span<Packet* const>(s.staged.data() + used, staged - used));
  stats_.add(counts);
  return got;
}

// One receive call into `bufs`; puts the good datagrams at the front of `out`. `bufs` is never
// longer than `out`.
SocketIo::Received SocketIo::receive(PortId port, PortSlot& slot, bool connected,
                                     std::span<Packet*> bufs, std::span<Packet*> out,
                                     std::uint64_t now_ns, IoCounts& counts) noexcept {
  Scratch& s = *scratch_;
  for (std::size_t i = 0; i < bufs.size(); ++i) {
    s.iovs[i] = iovec{bufs[i]->data, bufs[i]->capacity};
    msghdr& h = s.msgs[i].msg_hdr;
    h = msghdr{};
    h.msg_name = &s.addrs[i];
    h.msg_namelen = sizeof(SockAddr);
    h.msg_iov = &s.iovs[i];
    h.msg_iovlen = 1;
  }
  const int r = receive_some(connected ? slot.conn_fd : slot.fd,
                             std::span<mmsghdr>(s.msgs.data(), bufs.size()));
  ++counts[IoCounter::RxCalls];
  if (r <= 0) {
    if (r < 0 && !would_block(errno) && errno != EINTR) ++counts[IoCounter::RxErrors];
    return Received{};
  }
  const auto n = static_cast<std::size_t>(r);
  std::size_t delivered = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Packet* p = bufs[i];
    const msghdr& h = s.msgs[i].msg_hdr;
    if ((h.msg_flags & MSG_TRUNC) != 0) {  // larger than the buffer: never a partial datagram
      ++counts[IoCounter::RxTruncated];
      pool_.free(std::span<Packet* const>(&p, 1));
      continue;
    }
    p->len = s.msgs[i].msg_len;
    p->port = port;
    p->remote = from_sock_addr(s.addrs[i], h.msg_namelen);
    p->rx_ns = now_ns;
    counts[IoCounter::RxBytes] += p->len;
    out[delivered++] = p;
  }
  // The source a latching worker will answer: connect_port's cue. Datagrams on conn_fd come
  // from conn_remote, so only the unconnected socket's sources matter.
  if (delivered > 0 && !connected) slot.last_rx = out[delivered - 1]->remote;
  counts[IoCounter::RxPackets] += delivered;
  return Received{n, delivered};
}

std::size_t SocketIo::tx_burst(std::span<Packet* const> packets) noexcept {
  IoCounts counts;
  std::size_t sent = 0;
  for (std::size_t start = 0; start < packets.size(); start += kMaxBurst) {
    const auto run = packets.subspan(start, std::min(kMaxBurst, packets.size() - start));
    sent += send_run(run, counts);
    pool_.free(run);
  }
  stats_.add(counts);
  return sent;
}

// Sends up to kMaxBurst packets: one sendmmsg per distinct port, each port's packets in their
// order in `run` (RTP sequence order survives). Grouping scans the run once per port: at most
// 32 x 32 compares, nothing beside a system call.
std::size_t SocketIo::send_run(std::span<Packet* const> run, IoCounts& counts) noexcept {
  Scratch& s = *scratch_;
  std::uint64_t done = 0;  // bit j: run[j] is queued for a send or dropped
  std::size_t sent = 0;
  for (std::size_t i = 0; i < run.size(); ++i) {
    if ((done >> i & 1) != 0) continue;
    const PortId port = run[i]->port;
    PortSlot* slot = find(port);
    if (slot != nullptr && wants_connect(*slot, run[i]->remote)) {
      connect_port(port, *slot, run[i]->remote, counts);
    }
    std::size_t n = 0;
    for (std::size_t j = i; j < run.size(); ++j) {
      if ((done >> j & 1) != 0 || !(run[j]->port == port)) continue;
      done |= std::uint64_t{1} << j;
      const Packet& p = *run[j];
      if (slot == nullptr) {
        ++counts[IoCounter::TxBadPort];
        continue;
      }
      // Checked here, not by the kernel: a failed datagram costs a system call of its own.
      if (p.remote.family != slot->local.family || p.remote.port == 0) {
        ++counts[IoCounter::TxBadAddress];
        continue;
      }
      assert(p.len <= p.capacity);
      s.iovs[n] = iovec{p.data, p.len};
      msghdr& h = s.msgs[n].msg_hdr;
      h = msghdr{};
      // To the connected remote: no address, the kernel uses the socket's cached route.
      if (slot->conn_fd < 0 || !(p.remote == slot->conn_remote)) {
        h.msg_name = &s.addrs[n];
        h.msg_namelen = to_sock_addr(p.remote, s.addrs[n]);
      }
      h.msg_iov = &s.iovs[n];
      h.msg_iovlen = 1;
      ++n;
    }
    if (n > 0) sent += send_group(slot->conn_fd >= 0 ? slot->conn_fd : slot->fd, n, counts);
  }
  return sent;
}

// sendmmsg of msgs[0, n) on one socket, never waiting. A full socket (EAGAIN, ENOBUFS) drops the
// rest of the group: retrying would spin. Any other error drops only the datagram it names
// (sendmmsg reports it on the call after the ones it sent) and the rest are tried. Each call
// either sends or drops at least one datagram, except on EINTR, which is retried a bounded number
// of times.
std::size_t SocketIo::send_group(int fd, std::size_t n, IoCounts& counts) noexcept {
  Scratch& s = *scratch_;
  std::size_t next = 0;
  std::size_t sent = 0;
  int interrupted = 0;
  while (next < n) {
    const int r = send_some(fd, std::span<mmsghdr>(s.msgs.data() + next, n - next));
    ++counts[IoCounter::TxCalls];
    if (r > 0) {
      for (std::size_t i = next; i < next + static_cast<std::size_t>(r); ++i) {
        counts[IoCounter::TxBytes] += s.msgs[i].msg_len;
        if (s.msgs[i].msg_hdr.msg_name == nullptr) ++counts[IoCounter::TxConnected];
      }
      next += static_cast<std::size_t>(r);
      sent += static_cast<std::size_t>(r);
      continue;
    }
    const int err = r < 0 ? errno : EIO;  // 0 sent and no error: not expected; drop one
    if (err == EINTR && ++interrupted <= 2) continue;
    if (would_block(err) || err == ENOBUFS) {
      counts[IoCounter::TxFull] += n - next;
      break;
    }
    ++counts[IoCounter::TxErrors];
    ++next;
  }
  counts[IoCounter::TxPackets] += sent;
  return sent;
}

}  // namespace dialcore::dataplane
