#pragma once
// The two RTCP report structures (RFC 3550 section 6.4.1), decoded: what rtcp_packet.hpp reads
// out of SR/RR packets, what RtpReceiverStats and RtpSenderStats produce, and what
// RtcpWriter puts on the wire.

#include <cstddef>
#include <cstdint>

namespace dialcore::dataplane::rtp {

inline constexpr std::size_t kRtcpReportBlockBytes = 24;
inline constexpr std::size_t kRtcpSenderInfoBytes = 20;
inline constexpr std::size_t kRtcpMaxReportBlocks = 31;  // the 5-bit RC field

// What one receiver says about one source.
struct RtcpReportBlock {
  std::uint32_t ssrc = 0;            // the source reported on
  std::uint8_t fraction_lost = 0;    // since the previous report, fixed point /256
  std::int32_t cumulative_lost = 0;  // 24-bit signed on the wire: duplicates can make it < 0
  std::uint32_t highest_seq = 0;     // extended: cycles << 16 | highest sequence number
  std::uint32_t jitter = 0;          // interarrival jitter, RTP timestamp units
  std::uint32_t lsr = 0;             // middle 32 bits of the last SR's NTP time; 0 = none yet
  std::uint32_t dlsr = 0;            // delay since that SR, 1/65536 s; 0 = none yet

  friend constexpr bool operator==(const RtcpReportBlock&, const RtcpReportBlock&) = default;
};

// What a sender says about its own stream, in an SR.
struct RtcpSenderInfo {
  std::uint64_t ntp = 0;            // wallclock, NTP 32.32
  std::uint32_t rtp_timestamp = 0;  // the same instant in the stream's RTP clock
  std::uint32_t packets = 0;        // sent since the stream started (mod 2^32)
  std::uint32_t octets = 0;         // payload octets sent, headers and padding excluded

  friend constexpr bool operator==(const RtcpSenderInfo&, const RtcpSenderInfo&) = default;
};

// cumulative_lost as 24-bit two's complement, clamped (RFC 3550 A.3).
inline constexpr std::int32_t kMaxCumulativeLost = 0x7FFFFF;
inline constexpr std::int32_t kMinCumulativeLost = -0x800000;

}  // namespace dialcore::dataplane::rtp
