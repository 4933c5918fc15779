#pragma once
// RtcpPart: one packet inside a compound RTCP packet (RFC 3550 section 6), as RtcpCompound
// hands it out after parse_rtcp validated the whole compound, and the readers for the types we
// use: SR and RR (sender info, report blocks), SDES (items), BYE (sources, reason), APP.
// Other types (RTPFB, PSFB, XR, ...) pass validation on their length alone and are relayed as
// bytes. Every reader checks the part's type and bounds, so a wrong call returns nothing
// rather than reading past the part.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dataplane/rtp/byte_order.hpp"
#include "dataplane/rtp/rtcp_report_block.hpp"

namespace dialcore::dataplane::rtp {

inline constexpr std::size_t kRtcpHeaderBytes = 4;

enum class RtcpType : std::uint8_t {
  Sr = 200,
  Rr = 201,
  Sdes = 202,
  Bye = 203,
  App = 204,
  Rtpfb = 205,  // RFC 4585 transport feedback (NACK)
  Psfb = 206,   // RFC 4585 payload-specific feedback (PLI, FIR)
  Xr = 207,     // RFC 3611 extended reports
};

enum class SdesItem : std::uint8_t { End = 0, Cname = 1, Name, Email, Phone, Loc, Tool, Note, Priv };

class RtcpPart {
 public:
  std::uint8_t type() const noexcept { return type_; }  // raw packet type, 192-223 after parsing
  bool is(RtcpType t) const noexcept { return type_ == static_cast<std::uint8_t>(t); }
  std::uint8_t count() const noexcept { return count_; }  // RC, SC, or APP's subtype
  // After the 4-byte header, padding excluded.
  std::span<const std::uint8_t> body() const noexcept { return {data_ + kRtcpHeaderBytes, body_}; }
  // The whole part as on the wire, header and padding included (to relay it as it came).
  std::span<const std::uint8_t> bytes() const noexcept { return {data_, size_}; }

 private:
  friend class RtcpCompound;
  RtcpPart(const std::uint8_t* data, std::size_t size, std::size_t body) noexcept
      : data_(data),
        size_(static_cast<std::uint16_t>(size)),
        body_(static_cast<std::uint16_t>(body)),
        type_(data[1]),
        count_(static_cast<std::uint8_t>(data[0] & 0x1Fu)) {}

  const std::uint8_t* data_;
  std::uint16_t size_;
  std::uint16_t body_;
  std::uint8_t type_;
  std::uint8_t count_;
};

// The sender's SSRC: the first word of SR, RR, APP, RTPFB, PSFB and XR (and of SDES/BYE, the
// first listed source). 0 when the body is shorter than a word.
std::uint32_t rtcp_sender_ssrc(const RtcpPart& part) noexcept;

// SR only; false (out untouched) for any other type.
bool read_sender_info(const RtcpPart& part, RtcpSenderInfo& out) noexcept;

// SR and RR: report blocks 0 .. report_count()-1; an out-of-range index returns a zero block.
std::size_t report_count(const RtcpPart& part) noexcept;
RtcpReportBlock report_block(const RtcpPart& part, std::size_t i) noexcept;

// BYE: the sources leaving, and the optional reason (empty when absent).
std::size_t bye_count(const RtcpPart& part) noexcept;
std::uint32_t bye_ssrc(const RtcpPart& part, std::size_t i) noexcept;
std::string_view bye_reason(const RtcpPart& part) noexcept;

struct RtcpApp {
  std::uint32_t ssrc = 0;
  std::uint8_t subtype = 0;
  std::array<char, 4> name{};             // four ASCII characters
  std::span<const std::uint8_t> data{};  // application-dependent, a multiple of 4 bytes
};
// APP only; false (out untouched) for any other type.
bool read_app(const RtcpPart& part, RtcpApp& out) noexcept;

// Walks the SDES chunks of `body` (count chunks), calling item(ssrc, type, value) for each
// item but END. True when every chunk is well formed (RFC 3550 6.5: an SSRC, items, a null
// octet, then null octets to the next 32-bit boundary) and the chunks fill the body exactly.
// Bounds-checked, so parse_rtcp validates with it and the readers below reuse it.
template <typename ItemFn>
bool walk_sdes(std::span<const std::uint8_t> body, std::size_t count, ItemFn&& item) noexcept {
  const std::uint8_t* p = body.data();
  const std::size_t size = body.size();
  std::size_t at = 0;
  for (std::size_t chunk = 0; chunk < count; ++chunk) {
    if (size - at < 4) return false;
    const std::uint32_t ssrc = load_be32(p + at);
    at += 4;
    for (;;) {
      if (at >= size) return false;  // no null octet before the end
      const std::uint8_t type = p[at];
      if (type == 0) break;
      if (size - at < 2 || size - at - 2 < p[at + 1]) return false;
      const std::size_t length = p[at + 1];
      item(ssrc, type, std::string_view(reinterpret_cast<const char*>(p + at + 2), length));
      at += 2 + length;
    }
    at = (at + 4) & ~std::size_t{3};  // past the null octet, up to the next word
    if (at > size) return false;
  }
  return at == size;
}

// SDES only: item(ssrc, type, value) for every item of every chunk.
template <typename ItemFn>
void for_each_sdes_item(const RtcpPart& part, ItemFn&& item) noexcept {
  if (part.is(RtcpType::Sdes)) walk_sdes(part.body(), part.count(), item);
}

}  // namespace dialcore::dataplane::rtp
