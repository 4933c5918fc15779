#pragma once
// RtcpCompound: a compound RTCP packet (RFC 3550 section 6.1) validated as a whole by
// parse_rtcp, then walked part by part without a copy:
//
//   RtcpCompound rtcp;
//   if (parse_rtcp(bytes, rtcp) != RtcpStatus::Ok) { count the drop; }
//   for (const RtcpPart& part : rtcp) { if (part.is(RtcpType::Sr)) ... }
//
// Validation follows appendix A.2 and goes further, so no reader can run past a part: every
// part is version 2 and its length stays inside the packet; the lengths add up to the packet
// exactly; only the last part may be padded, by 1 .. its body length; the first part is SR or
// RR (unless RFC 5506 reduced-size RTCP was negotiated); SR/RR hold their report blocks,
// SDES chunks are well formed, BYE's reason fits, APP has its SSRC and name. Network input:
// never asserts or throws; a failure is an RtcpStatus, counted as a drop.
//
// Cost, `build/bin/rtcp_packet_test "[.bench]"` (same setup as rtp_packet.hpp): parse_rtcp
// ~13 ns for SR with one report block + SDES CNAME (80 bytes); ~36 ns with walking the parts
// and reading the SSRC and report block. RTCP is about one packet per leg per 5 s: not the
// hot path.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dataplane/rtp/byte_order.hpp"
#include "dataplane/rtp/rtcp_part.hpp"

namespace dialcore::dataplane::rtp {

inline constexpr std::size_t kMaxRtcpPacketBytes = 2048;  // as kMaxRtpPacketBytes

// In check order; within a part: version, first-part type, length, padding, type's contents.
enum class RtcpStatus : std::uint8_t {
  Ok = 0,
  Oversized,       // more than kMaxRtcpPacketBytes
  TooShort,        // fewer than 4 bytes: not even one header
  BadVersion,      // a part's version field is not 2
  BadFirstType,    // the first part is not SR or RR (compound rules)
  LengthPastEnd,   // a part's length field runs past the end of the packet
  TrailingBytes,   // 1-3 bytes left after the last part: not a header
  BadPadding,      // P on a part that is not the last, or a count of 0 or past the body
  PartTooShort,    // SR under 24 bytes of body, RR or APP under 4 / 8
  BadReportCount,  // SR/RR: the report blocks run past the part
  BadSdes,         // an SDES chunk or item runs past the part, or chunks do not fill it
  BadBye,          // BYE: the SSRC list or the reason runs past the part
};
inline constexpr std::size_t kRtcpStatusCount = 12;

inline constexpr std::array<std::string_view, kRtcpStatusCount> kRtcpStatusNames = {
    "ok",           "oversized",     "too_short",      "bad_version",
    "bad_first_type", "length_past_end", "trailing_bytes", "bad_padding",
    "part_too_short", "bad_report_count", "bad_sdes",     "bad_bye"};

constexpr std::string_view to_string(RtcpStatus s) noexcept {
  return kRtcpStatusNames[static_cast<std::size_t>(s)];
}

// Compound: the first part must be SR or RR (RFC 3550). ReducedSize: any type may come first
// (RFC 5506, for peers that negotiated a=rtcp-rsize, e.g. WebRTC feedback packets).
enum class RtcpRules : std::uint8_t { Compound, ReducedSize };

class RtcpCompound {
 public:
  class Iterator {
   public:
    using value_type = RtcpPart;
    using difference_type = std::ptrdiff_t;

    Iterator() = default;
    RtcpPart operator*() const noexcept;
    Iterator& operator++() noexcept {
      at_ += part_size(at_);
      return *this;
    }
    Iterator operator++(int) noexcept {
      Iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const Iterator&, const Iterator&) = default;

   private:
    friend class RtcpCompound;
    explicit Iterator(const std::uint8_t* at) : at_(at) {}
    static std::size_t part_size(const std::uint8_t* p) noexcept {
      return (std::size_t{load_be16(p + 2)} + 1) * 4;
    }
    const std::uint8_t* at_ = nullptr;
  };

  // Empty until parse_rtcp returns Ok for it.
  Iterator begin() const noexcept { return Iterator(bytes_.data()); }
  Iterator end() const noexcept { return Iterator(bytes_.data() + bytes_.size()); }
  std::size_t part_count() const noexcept { return parts_; }
  std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

 private:
  friend RtcpStatus parse_rtcp(std::span<const std::uint8_t>, RtcpCompound&, RtcpRules) noexcept;
  std::span<const std::uint8_t> bytes_{};
  std::size_t parts_ = 0;
};

// Validates the whole UDP payload as one compound packet; `out` is set only on Ok.
RtcpStatus parse_rtcp(std::span<const std::uint8_t> bytes, RtcpCompound& out,
                      RtcpRules rules = RtcpRules::Compound) noexcept;

}  // namespace dialcore::dataplane::rtp
