#pragma once
// Time conversions for RTP and RTCP. Time is passed in (ARCHITECTURE.md): the worker reads its
// clock once per burst and hands nanoseconds down; nothing here reads a clock.

#include <cstdint>

namespace dialcore::dataplane::rtp {

inline constexpr std::uint64_t kNsPerSecond = 1'000'000'000;

// floor(ns * rate_hz / 1e9) without a 128-bit product: whole seconds and the remainder are
// scaled apart (ns = s * 1e9 + r, so the sum is exact). Both divisions are by a constant, so
// they compile to multiplies. Exact for any ns when rate_hz <= 1e9.
constexpr std::uint64_t ns_to_ticks(std::uint64_t ns, std::uint32_t rate_hz) noexcept {
  return ns / kNsPerSecond * rate_hz + ns % kNsPerSecond * rate_hz / kNsPerSecond;
}

// The same in RTP timestamp units, modulo 2^32 as RTP timestamps are.
constexpr std::uint32_t ns_to_rtp_units(std::uint64_t ns, std::uint32_t clock_hz) noexcept {
  return static_cast<std::uint32_t>(ns_to_ticks(ns, clock_hz));
}

// NTP 32.32 fixed point (RFC 3550 section 4) from Unix time in ns; NTP's era starts 1900.
inline constexpr std::uint64_t kNtpUnixOffsetSeconds = 2'208'988'800;
constexpr std::uint64_t ntp_from_unix_ns(std::uint64_t unix_ns) noexcept {
  const std::uint64_t seconds = unix_ns / kNsPerSecond + kNtpUnixOffsetSeconds;
  const std::uint64_t fraction = (unix_ns % kNsPerSecond << 32) / kNsPerSecond;  // < 2^62: fits
  return seconds << 32 | fraction;
}

// The middle 32 bits of an NTP timestamp: RTCP's LSR (RFC 3550 6.4.1).
constexpr std::uint32_t ntp_middle32(std::uint64_t ntp) noexcept {
  return static_cast<std::uint32_t>(ntp >> 16);
}

}  // namespace dialcore::dataplane::rtp
