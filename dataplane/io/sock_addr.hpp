#pragma once
// Internal to dataplane/io (the socket backend and its tests): SockAddr, room for an IPv4 or
// IPv6 socket address, and the conversions from and to NetAddress. Per packet on both paths, so
// inline, branch on the family once, and copy fixed sizes.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "dataplane/api/net_address.hpp"

namespace dialcore::dataplane {

// 28 bytes instead of sockaddr_storage's 128: a burst's addresses stay in a few cache lines.
union SockAddr {
  sockaddr base;
  sockaddr_in v4;
  sockaddr_in6 v6;
};

// Writes `addr` into `out`; returns the length for the system call, 0 for an empty address.
inline socklen_t to_sock_addr(const NetAddress& addr, SockAddr& out) noexcept {
  if (addr.family == AddressFamily::V4) {
    out.v4 = sockaddr_in{};
    out.v4.sin_family = AF_INET;
    out.v4.sin_port = htons(addr.port);
    std::memcpy(&out.v4.sin_addr, addr.bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  if (addr.family == AddressFamily::V6) {
    out.v6 = sockaddr_in6{};
    out.v6.sin6_family = AF_INET6;
    out.v6.sin6_port = htons(addr.port);
    std::memcpy(&out.v6.sin6_addr, addr.bytes.data(), 16);
    return sizeof(sockaddr_in6);
  }
  return 0;
}

// The address the kernel wrote into `in` (len bytes); empty for any other family or length.
inline NetAddress from_sock_addr(const SockAddr& in, socklen_t len) noexcept {
  NetAddress addr;
  if (in.base.sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    std::memcpy(addr.bytes.data(), &in.v4.sin_addr, 4);
    addr.port = ntohs(in.v4.sin_port);
    addr.family = AddressFamily::V4;
  } else if (in.base.sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    std::memcpy(addr.bytes.data(), &in.v6.sin6_addr, 16);
    addr.port = ntohs(in.v6.sin6_port);
    addr.family = AddressFamily::V6;
  }
  return addr;
}

}  // namespace dialcore::dataplane
