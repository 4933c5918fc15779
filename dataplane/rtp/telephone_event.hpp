#pragma once
// The RFC 4733 telephone-event payload (section 2.3) and the RFC 2198 redundancy wrapper that
// may carry it, read and written on the packet buffer.
//
// A telephone-event payload is one or more 4-byte blocks: event code (0-15 are the DTMF keys
// 0-9 * # A-D), E (end) bit, R bit, volume (-dBm0), duration (timestamp units since the event's
// timestamp). Several blocks in one packet are consecutive events (RFC 4733 2.5.1.5): block i
// starts where block i-1 ends, so its start is the packet timestamp plus the durations before it.
//
// Network input never asserts or reads out of bounds: a payload that is empty or not whole
// blocks parses to 0 blocks (a counted drop), and so does a malformed RED header.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dataplane/rtp/byte_order.hpp"

namespace dialcore::dataplane::rtp {

inline constexpr std::size_t kTelephoneEventBytes = 4;

struct TelephoneEventBlock {
  std::uint8_t event = 0;  // RFC 4733 3.2: 0-9, 10 '*', 11 '#', 12-15 A-D
  bool end = false;
  std::uint8_t volume = 10;  // 0-63, power level in -dBm0
  std::uint16_t duration = 0;

  friend constexpr bool operator==(const TelephoneEventBlock&, const TelephoneEventBlock&) = default;
};

// Blocks of `payload` into `out` (at most out.size()); 0 when the payload is empty or not a
// whole number of blocks.
inline std::size_t parse_telephone_events(std::span<const std::uint8_t> payload,
                                          std::span<TelephoneEventBlock> out) noexcept {
  if (payload.empty() || payload.size() % kTelephoneEventBytes != 0) return 0;
  std::size_t n = 0;
  for (std::size_t off = 0; off < payload.size() && n < out.size(); off += kTelephoneEventBytes) {
    const std::uint8_t* p = payload.data() + off;
    out[n++] = TelephoneEventBlock{p[0], (p[1] & 0x80u) != 0, static_cast<std::uint8_t>(p[1] & 0x3Fu),
                                   load_be16(p + 2)};
  }
  return n;
}

inline void write_telephone_event(std::span<std::uint8_t, kTelephoneEventBytes> out,
                                  const TelephoneEventBlock& b) noexcept {
  out[0] = b.event;
  out[1] = static_cast<std::uint8_t>((b.end ? 0x80u : 0u) | (b.volume & 0x3Fu));
  store_be16(out.data() + 2, b.duration);
}

// DTMF keys as RFC 4733 event codes and back. -1 / 0 for anything else.
constexpr int dtmf_event_code(char key) noexcept {
  if (key >= '0' && key <= '9') return key - '0';
  if (key == '*') return 10;
  if (key == '#') return 11;
  if (key >= 'A' && key <= 'D') return 12 + (key - 'A');
  if (key >= 'a' && key <= 'd') return 12 + (key - 'a');
  return -1;
}
constexpr char dtmf_event_key(std::uint8_t code) noexcept {
  constexpr std::array<char, 16> kKeys = {'0', '1', '2', '3', '4', '5', '6', '7',
                                          '8', '9', '*', '#', 'A', 'B', 'C', 'D'};
  return code < kKeys.size() ? kKeys[code] : '\0';
}

// One block of an RFC 2198 payload: its payload type, how far its timestamp lies before the
// packet's, and its data inside the packet buffer.
struct RedBlock {
  std::uint8_t payload_type = 0;
  std::uint16_t ts_offset = 0;  // 14 bits; 0 for the primary (last) block
  std::span<const std::uint8_t> data;
};

// RFC 2198 section 3: 4-byte headers (F=1: PT, 14-bit offset, 10-bit length) for the redundant
// blocks, a 1-byte header (F=0: PT) for the primary, then the blocks' data in the same order.
// Returns the number of blocks written (oldest first, primary last), or 0 when malformed or
// when `out` is too small for them all.
inline std::size_t parse_red(std::span<const std::uint8_t> payload, std::span<RedBlock> out) noexcept {
  std::size_t n = 0, off = 0, data_bytes = 0;
  while (true) {
    if (off >= payload.size() || n >= out.size()) return 0;
    const std::uint8_t* h = payload.data() + off;
    if ((h[0] & 0x80u) == 0) {  // primary: the rest of the payload after the redundant data
      off += 1;
      if (off + data_bytes > payload.size()) return 0;
      out[n++].payload_type = static_cast<std::uint8_t>(h[0] & 0x7Fu);
      break;
    }
    if (off + 4 > payload.size()) return 0;
    const std::uint32_t word = load_be32(h);
    out[n].payload_type = static_cast<std::uint8_t>((word >> 24) & 0x7Fu);
    out[n].ts_offset = static_cast<std::uint16_t>((word >> 10) & 0x3FFFu);
    out[n].data = std::span<const std::uint8_t>(payload.data(), word & 0x3FFu);  // length only, for now
    data_bytes += word & 0x3FFu;
    ++n;
    off += 4;
  }
  std::size_t at = off;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const std::size_t len = out[i].data.size();
    out[i].data = payload.subspan(at, len);
    at += len;
  }
  out[n - 1].data = payload.subspan(at);
  return n;
}

}  // namespace dialcore::dataplane::rtp
