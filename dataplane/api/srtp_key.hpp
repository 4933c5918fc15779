#pragma once
// SrtpKey: the SDES master key and salt of one direction of a leg (RFC 4568 inline key), as it
// travels in SetSrtp. Fixed arrays: the key never lives on the heap of the message path.

#include <array>
#include <cstdint>
#include <type_traits>

namespace dialcore::dataplane {

// The suites issue 3 requires; numbered because the value travels in commands.
enum class SrtpSuite : std::uint8_t {
  None = 0,                 // plain RTP in this direction
  AesCm128HmacSha1_80 = 1,  // RFC 4568; salt 14 bytes
  AesCm128HmacSha1_32 = 2,  // RFC 4568; salt 14 bytes
  AeadAes128Gcm = 3,        // RFC 7714; salt 12 bytes (salt[12..13] unused, zero)
};

struct SrtpKey {
  SrtpSuite suite = SrtpSuite::None;
  std::uint8_t reserved = 0;
  std::array<std::uint8_t, 16> master_key{};
  std::array<std::uint8_t, 14> master_salt{};

  friend constexpr bool operator==(const SrtpKey&, const SrtpKey&) = default;
};

static_assert(std::is_trivially_copyable_v<SrtpKey>);
static_assert(sizeof(SrtpKey) == 32);

}  // namespace dialcore::dataplane
