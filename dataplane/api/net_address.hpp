#pragma once
// An IPv4 or IPv6 transport address as it travels in commands and events: plain bytes, no
// sockaddr (std only, and the same struct serves the socket and DPDK backends).

#include <array>
#include <cstdint>
#include <type_traits>

namespace dialcore::dataplane {

enum class AddressFamily : std::uint8_t { None = 0, V4 = 4, V6 = 6 };

struct NetAddress {
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses bytes[0..3], rest zero
  std::uint16_t port = 0;                // host order
  AddressFamily family = AddressFamily::None;
  std::uint8_t reserved = 0;  // explicit padding, kept zero so equal addresses compare equal

  static constexpr NetAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                                 std::uint16_t port) {
    NetAddress addr;
    addr.bytes = {a, b, c, d};
    addr.port = port;
    addr.family = AddressFamily::V4;
    return addr;
  }
  static constexpr NetAddress v6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port) {
    NetAddress addr;
    addr.bytes = bytes;
    addr.port = port;
    addr.family = AddressFamily::V6;
    return addr;
  }

  constexpr bool empty() const { return family == AddressFamily::None; }

  friend constexpr bool operator==(const NetAddress&, const NetAddress&) = default;
};

static_assert(std::is_trivially_copyable_v<NetAddress>);
static_assert(sizeof(NetAddress) == 20);

}  // namespace dialcore::dataplane
