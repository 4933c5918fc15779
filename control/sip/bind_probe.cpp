#include "control/sip/bind_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dialcore::control::sip {

std::optional<std::string> probe_bind(const config::Endpoint& endpoint,
                                      config::SipTransport transport) {
  sockaddr_storage storage{};
  socklen_t size = 0;
  const int family = endpoint.ipv6 ? AF_INET6 : AF_INET;
  if (endpoint.ipv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(endpoint.port);
    if (inet_pton(AF_INET6, endpoint.address.c_str(), &a->sin6_addr) != 1) {
      return "'" + endpoint.address + "' is not an IPv6 address";
    }
    size = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    a->sin_family = AF_INET;
    a->sin_port = htons(endpoint.port);
    if (inet_pton(AF_INET, endpoint.address.c_str(), &a->sin_addr) != 1) {
      return "'" + endpoint.address + "' is not an IPv4 address";
    }
    size = sizeof *a;
  }
  const int type = transport == config::SipTransport::Tcp ? SOCK_STREAM : SOCK_DGRAM;
  const int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  if (type == SOCK_STREAM) {
    const int one = 1;  // as sofia does: a TIME_WAIT from a previous run must not block us
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&storage), size);
  const int error = errno;
  ::close(fd);
  if (rc != 0) {
    return "cannot bind " + endpoint.address + ":" + std::to_string(endpoint.port) + ": " +
           std::strerror(error);
  }
  return std::nullopt;
}

}  // namespace dialcore::control::sip
