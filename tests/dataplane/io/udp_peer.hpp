#pragma once
// Test helpers for the socket backend: UdpPeer, a plain non-blocking UDP socket on loopback
// playing the far end; loopback addresses; and a bounded receive loop over a BurstIo.
// Every port is chosen at run time (bind to port 0, or probed): the machine is shared.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dataplane/io/burst_io.hpp"
#include "dataplane/io/sock_addr.hpp"

namespace dialcore::test {

using dataplane::NetAddress;

inline NetAddress loopback_v4(std::uint16_t port = 0) { return NetAddress::v4(127, 0, 0, 1, port); }
inline NetAddress loopback_v6(std::uint16_t port = 0) {
  std::array<std::uint8_t, 16> bytes{};
  bytes[15] = 1;
  return NetAddress::v6(bytes, port);
}

class UdpPeer {
 public:
  // Binds `local` (port 0: the kernel picks). Check ok(): a fixed port may be taken.
  explicit UdpPeer(const NetAddress& local) {
    dataplane::SockAddr addr{};
    const socklen_t len = dataplane::to_sock_addr(local, addr);
    fd_ = ::socket(addr.base.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    const int on = 1;
    if (local.family == dataplane::AddressFamily::V6) {
      ::setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
    }
    dataplane::SockAddr bound{};
    socklen_t bound_len = sizeof(bound);
    if (::bind(fd_, &addr.base, len) != 0 || ::getsockname(fd_, &bound.base, &bound_len) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    local_ = dataplane::from_sock_addr(bound, bound_len);
  }
  ~UdpPeer() {
    if (fd_ >= 0) ::close(fd_);
  }
  UdpPeer(const UdpPeer&) = delete;
  UdpPeer& operator=(const UdpPeer&) = delete;

  bool ok() const { return fd_ >= 0; }
  const NetAddress& address() const { return local_; }
  int fd() const { return fd_; }

  bool send_to(const NetAddress& to, std::span<const std::uint8_t> bytes) const {
    dataplane::SockAddr addr{};
    const socklen_t len = dataplane::to_sock_addr(to, addr);
    return ::sendto(fd_, bytes.data(), bytes.size(), 0, &addr.base, len) ==
           static_cast<ssize_t>(bytes.size());
  }

  struct Datagram {
    std::vector<std::uint8_t> bytes;
    NetAddress from;
  };
  // Waits at most timeout_ms for one datagram.
  std::optional<Datagram> receive(int timeout_ms = 1000) const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
    Datagram d;
    d.bytes.resize(65536);
    dataplane::SockAddr from{};
    socklen_t from_len = sizeof(from);
    const ssize_t n = ::recvfrom(fd_, d.bytes.data(), d.bytes.size(), 0, &from.base, &from_len);
    if (n < 0) return std::nullopt;
    d.bytes.resize(static_cast<std::size_t>(n));
    d.from = dataplane::from_sock_addr(from, from_len);
    return d;
  }

 private:
  int fd_ = -1;
  NetAddress local_;
};

// Calls rx_burst until `expected` packets came or `max_waits` waits of 100 ms found nothing
// (bounded: the test ends by itself even when packets are lost). Appends to `out`.
inline std::size_t receive_packets(dataplane::BurstIo& io, std::vector<dataplane::Packet*>& out,
                                   std::size_t expected, int max_waits = 20) {
  std::array<dataplane::Packet*, 64> burst{};
  std::size_t got = 0;
  int waits = 0;
  while (got < expected && waits < max_waits) {
    const std::size_t n = io.rx_burst(burst, 1000 + got);
    out.insert(out.end(), burst.begin(), burst.begin() + static_cast<std::ptrdiff_t>(n));
    got += n;
    if (n == 0) {
      io.wait_rx(100);
      ++waits;
    }
  }
  return got;
}

// A payload that says which datagram it is: byte i = (tag + i) mod 256, `len` bytes.
inline std::vector<std::uint8_t> tagged_payload(std::uint8_t tag, std::size_t len) {
  std::vector<std::uint8_t> bytes(len);
  for (std::size_t i = 0; i < len; ++i) bytes[i] = static_cast<std::uint8_t>(tag + i);
  return bytes;
}

}  // namespace dialcore::test
