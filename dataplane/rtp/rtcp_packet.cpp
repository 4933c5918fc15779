#include "dataplane/rtp/rtcp_packet.hpp"

namespace dialcore::dataplane::rtp {

namespace {

constexpr std::size_t kSsrcBytes = 4;

// The checks of one part's contents, by type. `body` excludes header and padding.
RtcpStatus check_contents(std::uint8_t type, std::size_t count,
                          std::span<const std::uint8_t> body) noexcept {
  switch (static_cast<RtcpType>(type)) {
    case RtcpType::Sr:
      if (body.size() < kSsrcBytes + kRtcpSenderInfoBytes) return RtcpStatus::PartTooShort;
      if ((body.size() - kSsrcBytes - kRtcpSenderInfoBytes) / kRtcpReportBlockBytes < count) {
        return RtcpStatus::BadReportCount;
      }
      return RtcpStatus::Ok;  // bytes after the blocks: profile-specific extensions, allowed
    case RtcpType::Rr:
      if (body.size() < kSsrcBytes) return RtcpStatus::PartTooShort;
      if ((body.size() - kSsrcBytes) / kRtcpReportBlockBytes < count) {
        return RtcpStatus::BadReportCount;
      }
      return RtcpStatus::Ok;
    case RtcpType::Sdes:
      return walk_sdes(body, count, [](std::uint32_t, std::uint8_t, std::string_view) {})
                 ? RtcpStatus::Ok
                 : RtcpStatus::BadSdes;
    case RtcpType::Bye: {
      const std::size_t list = kSsrcBytes * count;
      if (body.size() < list) return RtcpStatus::BadBye;
      if (body.size() == list) return RtcpStatus::Ok;
      return body.size() - list - 1 < body[list] ? RtcpStatus::BadBye : RtcpStatus::Ok;
    }
    case RtcpType::App:
      return body.size() < kSsrcBytes + 4 ? RtcpStatus::PartTooShort : RtcpStatus::Ok;
    default:
      return RtcpStatus::Ok;  // feedback, XR, unknown: the length check is all we can do
  }
}

}  // namespace

RtcpPart RtcpCompound::Iterator::operator*() const noexcept {
  const std::size_t size = part_size(at_);
  // parse_rtcp allowed P only on the last part, whose last octet is the compound's last.
  const std::size_t padding = (at_[0] & 0x20u) != 0 ? at_[size - 1] : 0;
  return RtcpPart(at_, size, size - kRtcpHeaderBytes - padding);
}

RtcpStatus parse_rtcp(std::span<const std::uint8_t> bytes, RtcpCompound& out,
                      RtcpRules rules) noexcept {
  const std::size_t size = bytes.size();
  if (size > kMaxRtcpPacketBytes) return RtcpStatus::Oversized;
  if (size < kRtcpHeaderBytes) return RtcpStatus::TooShort;
  const std::uint8_t* p = bytes.data();

  std::size_t at = 0;
  std::size_t parts = 0;
  while (at < size) {
    if (size - at < kRtcpHeaderBytes) return RtcpStatus::TrailingBytes;
    const std::uint8_t* part = p + at;
    if (part[0] >> 6 != 2) return RtcpStatus::BadVersion;
    const std::uint8_t type = part[1];
    if (parts == 0 && rules == RtcpRules::Compound &&
        type != static_cast<std::uint8_t>(RtcpType::Sr) &&
        type != static_cast<std::uint8_t>(RtcpType::Rr)) {
      return RtcpStatus::BadFirstType;
    }
    const std::size_t part_size = (std::size_t{load_be16(part + 2)} + 1) * 4;
    if (part_size > size - at) return RtcpStatus::LengthPastEnd;

    std::size_t padding = 0;
    if ((part[0] & 0x20u) != 0) {
      // RFC 3550 6.4.1 / A.2: only the last part of a compound may carry padding.
      if (at + part_size != size) return RtcpStatus::BadPadding;
      padding = part[part_size - 1];
      if (padding == 0 || padding > part_size - kRtcpHeaderBytes) return RtcpStatus::BadPadding;
    }
    const std::span<const std::uint8_t> body(part + kRtcpHeaderBytes,
                                             part_size - kRtcpHeaderBytes - padding);
    const RtcpStatus contents = check_contents(type, part[0] & 0x1Fu, body);
    if (contents != RtcpStatus::Ok) return contents;
    at += part_size;
    ++parts;
  }
  out.bytes_ = bytes;
  out.parts_ = parts;
  return RtcpStatus::Ok;
}

}  // namespace dialcore::dataplane::rtp
