#pragma once
// Writing RTP headers in place: a fresh 12-byte header in front of a payload (packets we
// originate: prompts, transcoded audio), or new SSRC / sequence / timestamp / payload type /
// marker on a packet we relay, leaving its CSRCs, extension, payload and padding untouched.
//
// The header arguments are fixed-extent spans of 12 bytes: the caller takes them with
// `buffer.first<kRtpHeaderBytes>()` after parse_rtp said Ok (or from a buffer it sized), so the
// bound is in the type and nothing here branches on the length.
//
// Cost, `build/bin/rtp_packet_test "[.bench]"` (same setup as rtp_packet.hpp):
// rewrite_rtp_header ~1.3 ns, write_rtp_header ~3.3 ns (one byte store more, yet measured
// slower in that loop; not on the relay path).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "dataplane/rtp/byte_order.hpp"
#include "dataplane/rtp/rtp_packet.hpp"

namespace dialcore::dataplane::rtp {

// The header fields we originate or rewrite; the rest of a relayed header stays as it came.
struct RtpHeaderFields {
  std::uint32_t ssrc = 0;
  std::uint32_t timestamp = 0;
  std::uint16_t sequence = 0;
  std::uint8_t payload_type = 0;  // 0-127; the top bit is ignored
  bool marker = false;

  friend constexpr bool operator==(const RtpHeaderFields&, const RtpHeaderFields&) = default;
};

using RtpHeaderBytes = std::span<std::uint8_t, kRtpHeaderBytes>;

constexpr RtpHeaderFields header_fields(const RtpPacket& p) noexcept {
  return RtpHeaderFields{p.ssrc, p.timestamp, p.sequence, p.payload_type, p.marker};
}

constexpr std::uint8_t marker_and_payload_type(bool marker, std::uint8_t pt) noexcept {
  return static_cast<std::uint8_t>((marker ? 0x80u : 0u) | (pt & 0x7Fu));
}

// A fresh header: version 2, no padding, no extension, no CSRC.
inline void write_rtp_header(RtpHeaderBytes out, const RtpHeaderFields& f) noexcept {
  std::uint8_t* p = out.data();
  p[0] = kRtpVersion << 6;
  p[1] = marker_and_payload_type(f.marker, f.payload_type);
  store_be16(p + 2, f.sequence);
  store_be32(p + 4, f.timestamp);
  store_be32(p + 8, f.ssrc);
}

// Everything but byte 0 (version, P, X, CC), which describes the rest of the packet.
inline void rewrite_rtp_header(RtpHeaderBytes packet, const RtpHeaderFields& f) noexcept {
  std::uint8_t* p = packet.data();
  p[1] = marker_and_payload_type(f.marker, f.payload_type);
  store_be16(p + 2, f.sequence);
  store_be32(p + 4, f.timestamp);
  store_be32(p + 8, f.ssrc);
}

inline void set_rtp_ssrc(RtpHeaderBytes packet, std::uint32_t ssrc) noexcept {
  store_be32(packet.data() + 8, ssrc);
}
inline void set_rtp_sequence(RtpHeaderBytes packet, std::uint16_t sequence) noexcept {
  store_be16(packet.data() + 2, sequence);
}
inline void set_rtp_timestamp(RtpHeaderBytes packet, std::uint32_t timestamp) noexcept {
  store_be32(packet.data() + 4, timestamp);
}
inline void set_rtp_payload_type(RtpHeaderBytes packet, std::uint8_t pt) noexcept {
  packet[1] = static_cast<std::uint8_t>((packet[1] & 0x80u) | (pt & 0x7Fu));
}
inline void set_rtp_marker(RtpHeaderBytes packet, bool marker) noexcept {
  packet[1] = static_cast<std::uint8_t>((packet[1] & 0x7Fu) | (marker ? 0x80u : 0u));
}

// Header + payload into `out`; returns the packet size, or 0 (nothing written) when it does not
// fit or would exceed kMaxRtpPacketBytes. `payload` may already sit at out[12..] (memmove).
inline std::size_t write_rtp_packet(std::span<std::uint8_t> out, const RtpHeaderFields& f,
                                    std::span<const std::uint8_t> payload) noexcept {
  const std::size_t size = kRtpHeaderBytes + payload.size();
  if (size > out.size() || size > kMaxRtpPacketBytes) return 0;
  if (!payload.empty()) std::memmove(out.data() + kRtpHeaderBytes, payload.data(), payload.size());
  write_rtp_header(out.first<kRtpHeaderBytes>(), f);
  return size;
}

}  // namespace dialcore::dataplane::rtp
