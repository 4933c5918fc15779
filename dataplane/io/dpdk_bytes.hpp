#pragma once
// Small helpers shared by the DPDK backend's files (dpdk_io.cpp, dpdk_port.cpp): byte order
// without DPDK's C-style-cast macros, and the error DpdkIo/DpdkPort throw at setup.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "dataplane/io/dpdk_io.hpp"

#include "dataplane/io/dpdk_headers.hpp"

namespace dialcore::dataplane::dpdk_detail {

constexpr std::uint32_t be32(std::uint32_t v) {
  return std::endian::native == std::endian::little ? __builtin_bswap32(v) : v;
}
constexpr std::uint16_t be16(std::uint16_t v) {
  if constexpr (std::endian::native == std::endian::big) return v;
  return static_cast<std::uint16_t>(v << 8 | v >> 8);
}

inline bool is_zero(const MacAddress& mac) {
  return std::all_of(mac.begin(), mac.end(), [](std::uint8_t b) { return b == 0; });
}

// Setup failures: fatal for the worker(s), named for the start-up log.
[[noreturn]] inline void fail(const std::string& what, int ret) {
  throw std::runtime_error("DPDK: " + what + " failed: " + rte_strerror(ret < 0 ? -ret : ret));
}

}  // namespace dialcore::dataplane::dpdk_detail
