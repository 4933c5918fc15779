#include "sim/common/net_text.hpp"

#include <arpa/inet.h>

#include <array>
#include <stdexcept>

namespace dialcore::sim {

dataplane::NetAddress net_address(const std::string& host, std::uint16_t port) {
  std::array<std::uint8_t, 16> b{};
  if (::inet_pton(AF_INET, host.c_str(), b.data()) == 1) {
    return dataplane::NetAddress::v4(b[0], b[1], b[2], b[3], port);
  }
  if (::inet_pton(AF_INET6, host.c_str(), b.data()) == 1) return dataplane::NetAddress::v6(b, port);
  throw std::runtime_error(host + ": not an IP address");
}

std::string ip_text(const dataplane::NetAddress& a) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(a.family == dataplane::AddressFamily::V6 ? AF_INET6 : AF_INET, a.bytes.data(), text, sizeof text);
  return text;
}

}  // namespace dialcore::sim
