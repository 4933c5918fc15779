#pragma once
// Test packets built field by field from a description, independently of rtp_writer.hpp and
// rtcp_writer.hpp, so the parsers are not only checked against our own builders. STYLE.md:
// test vectors are generated, not inline byte arrays.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dialcore::test {

using Bytes = std::vector<std::uint8_t>;

inline void put8(Bytes& b, unsigned v) { b.push_back(static_cast<std::uint8_t>(v)); }
inline void put16(Bytes& b, unsigned v) {
  put8(b, v >> 8);
  put8(b, v);
}
inline void put32(Bytes& b, std::uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xFFFFu);
}

struct RtpSpec {
  unsigned version = 2;
  bool marker = false;
  unsigned payload_type = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::vector<std::uint32_t> csrcs;
  bool extension = false;
  std::uint16_t extension_profile = 0xBEDE;
  unsigned extension_words = 0;      // data words after the 4-byte extension header
  std::size_t payload_bytes = 0;     // filled with payload_fill + index
  std::uint8_t payload_fill = 0x40;  // 0 with fill_zero
  bool fill_zero = false;
  unsigned padding = 0;  // 0: P clear; else P set and `padding` bytes, the last holding the count
};

inline Bytes build_rtp(const RtpSpec& s) {
  Bytes b;
  put8(b, s.version << 6 | (s.padding != 0 ? 0x20u : 0u) | (s.extension ? 0x10u : 0u) |
              (static_cast<unsigned>(s.csrcs.size()) & 0x0Fu));
  put8(b, (s.marker ? 0x80u : 0u) | (s.payload_type & 0x7Fu));
  put16(b, s.sequence);
  put32(b, s.timestamp);
  put32(b, s.ssrc);
  for (std::uint32_t c : s.csrcs) put32(b, c);
  if (s.extension) {
    put16(b, s.extension_profile);
    put16(b, s.extension_words);
    for (unsigned i = 0; i < 4 * s.extension_words; ++i) put8(b, s.fill_zero ? 0 : 0xE0 + i % 16);
  }
  for (std::size_t i = 0; i < s.payload_bytes; ++i) {
    put8(b, s.fill_zero ? 0 : (s.payload_fill + i) & 0xFFu);
  }
  for (unsigned i = 1; i < s.padding; ++i) put8(b, 0);
  if (s.padding != 0) put8(b, s.padding);
  return b;
}

// An RTCP part header: version 2, padding flag, count, type, length in words minus one.
inline void put_rtcp_header(Bytes& b, unsigned count, unsigned type, unsigned length_words,
                            bool padding = false) {
  put8(b, 0x80u | (padding ? 0x20u : 0u) | (count & 0x1Fu));
  put8(b, type);
  put16(b, length_words);
}

// A report block with recognisable values derived from `seed`.
inline void put_report_block(Bytes& b, std::uint32_t seed) {
  put32(b, 0x1000 + seed);               // ssrc
  put32(b, (seed & 0xFFu) << 24 | seed);  // fraction lost, cumulative lost
  put32(b, 0x20000 + seed);              // extended highest seq
  put32(b, 40 + seed);                   // jitter
  put32(b, 0x5000 + seed);               // lsr
  put32(b, 0x6000 + seed);               // dlsr
}

inline void put_rr(Bytes& b, std::uint32_t ssrc, unsigned blocks) {
  put_rtcp_header(b, blocks, 201, 1 + 6 * blocks);
  put32(b, ssrc);
  for (unsigned i = 0; i < blocks; ++i) put_report_block(b, i + 1);
}

inline void put_sr(Bytes& b, std::uint32_t ssrc, unsigned blocks) {
  put_rtcp_header(b, blocks, 200, 6 + 6 * blocks);
  put32(b, ssrc);
  put32(b, 0xE1234567u);  // NTP seconds
  put32(b, 0x80000000u);  // NTP fraction: half a second
  put32(b, 160000);       // RTP timestamp
  put32(b, 1000);         // packets
  put32(b, 160000);       // octets
  for (unsigned i = 0; i < blocks; ++i) put_report_block(b, i + 1);
}

// SDES with one chunk holding one CNAME item, END and padding to the word.
inline void put_sdes_cname(Bytes& b, std::uint32_t ssrc, std::size_t cname_bytes) {
  const std::size_t chunk = (4 + 2 + cname_bytes + 1 + 3) / 4 * 4;
  put_rtcp_header(b, 1, 202, static_cast<unsigned>(chunk / 4));
  put32(b, ssrc);
  put8(b, 1);
  put8(b, static_cast<unsigned>(cname_bytes));
  for (std::size_t i = 0; i < cname_bytes; ++i) put8(b, static_cast<unsigned>('a' + i % 26));
  for (std::size_t i = 4 + 2 + cname_bytes; i < chunk; ++i) put8(b, 0);
}

}  // namespace dialcore::test
