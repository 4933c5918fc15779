#include "dataplane/rtp/rtcp_writer.hpp"

#include <algorithm>
#include <cstring>

#include "dataplane/rtp/byte_order.hpp"
#include "dataplane/rtp/rtcp_packet.hpp"
#include "dataplane/rtp/rtcp_part.hpp"

namespace dialcore::dataplane::rtp {

namespace {

constexpr std::size_t kSsrcBytes = 4;

void write_report_block(std::uint8_t* p, const RtcpReportBlock& b) noexcept {
  std::int32_t lost = b.cumulative_lost;
  lost = lost > kMaxCumulativeLost ? kMaxCumulativeLost : lost;
  lost = lost < kMinCumulativeLost ? kMinCumulativeLost : lost;
  store_be32(p, b.ssrc);
  // fraction_lost in the top byte, cumulative lost as 24-bit two's complement below it.
  store_be32(p + 4, std::uint32_t{b.fraction_lost} << 24 |
                        (static_cast<std::uint32_t>(lost) & 0xFFFFFFu));
  store_be32(p + 8, b.highest_seq);
  store_be32(p + 12, b.jitter);
  store_be32(p + 16, b.lsr);
  store_be32(p + 20, b.dlsr);
}

std::size_t round_up4(std::size_t n) noexcept { return (n + 3) & ~std::size_t{3}; }

}  // namespace

std::uint8_t* RtcpWriter::begin_part(std::size_t bytes, std::size_t count,
                                     std::uint8_t type) noexcept {
  // The parser's limit too, so whatever we build, we would accept.
  const std::size_t room = std::min(out_.size(), kMaxRtcpPacketBytes);
  if (!ok_ || count > kRtcpMaxReportBlocks || size_ > room || bytes > room - size_) {
    ok_ = false;
    return nullptr;
  }
  std::uint8_t* p = out_.data() + size_;
  p[0] = static_cast<std::uint8_t>(0x80u | count);  // version 2, no padding
  p[1] = type;
  store_be16(p + 2, static_cast<std::uint16_t>(bytes / 4 - 1));  // length: words minus one
  size_ += bytes;
  return p;
}

bool RtcpWriter::sender_report(std::uint32_t ssrc, const RtcpSenderInfo& info,
                               std::span<const RtcpReportBlock> blocks) noexcept {
  const std::size_t bytes = kRtcpHeaderBytes + kSsrcBytes + kRtcpSenderInfoBytes +
                            kRtcpReportBlockBytes * blocks.size();
  std::uint8_t* p = begin_part(bytes, blocks.size(), static_cast<std::uint8_t>(RtcpType::Sr));
  if (p == nullptr) return false;
  store_be32(p + 4, ssrc);
  store_be64(p + 8, info.ntp);
  store_be32(p + 16, info.rtp_timestamp);
  store_be32(p + 20, info.packets);
  store_be32(p + 24, info.octets);
  p += 28;
  for (const RtcpReportBlock& b : blocks) {
    write_report_block(p, b);
    p += kRtcpReportBlockBytes;
  }
  return true;
}

bool RtcpWriter::receiver_report(std::uint32_t ssrc,
                                 std::span<const RtcpReportBlock> blocks) noexcept {
  const std::size_t bytes = kRtcpHeaderBytes + kSsrcBytes + kRtcpReportBlockBytes * blocks.size();
  std::uint8_t* p = begin_part(bytes, blocks.size(), static_cast<std::uint8_t>(RtcpType::Rr));
  if (p == nullptr) return false;
  store_be32(p + 4, ssrc);
  p += 8;
  for (const RtcpReportBlock& b : blocks) {
    write_report_block(p, b);
    p += kRtcpReportBlockBytes;
  }
  return true;
}

bool RtcpWriter::sdes_cname(std::uint32_t ssrc, std::string_view cname) noexcept {
  if (cname.size() > 255) {
    ok_ = false;
    return false;
  }
  // SSRC, CNAME item (type, length, text), then 1-4 null octets: the END item and padding.
  const std::size_t chunk = round_up4(kSsrcBytes + 2 + cname.size() + 1);
  std::uint8_t* p = begin_part(kRtcpHeaderBytes + chunk, 1,
                               static_cast<std::uint8_t>(RtcpType::Sdes));
  if (p == nullptr) return false;
  std::memset(p + kRtcpHeaderBytes, 0, chunk);
  store_be32(p + 4, ssrc);
  p[8] = static_cast<std::uint8_t>(SdesItem::Cname);
  p[9] = static_cast<std::uint8_t>(cname.size());
  if (!cname.empty()) std::memcpy(p + 10, cname.data(), cname.size());
  return true;
}

bool RtcpWriter::bye(std::span<const std::uint32_t> ssrcs, std::string_view reason) noexcept {
  if (reason.size() > 255) {
    ok_ = false;
    return false;
  }
  const std::size_t list = kSsrcBytes * ssrcs.size();
  const std::size_t tail = reason.empty() ? 0 : round_up4(1 + reason.size());
  std::uint8_t* p = begin_part(kRtcpHeaderBytes + list + tail, ssrcs.size(),
                               static_cast<std::uint8_t>(RtcpType::Bye));
  if (p == nullptr) return false;
  p += kRtcpHeaderBytes;
  for (std::uint32_t ssrc : ssrcs) {
    store_be32(p, ssrc);
    p += kSsrcBytes;
  }
  if (tail != 0) {
    std::memset(p, 0, tail);
    p[0] = static_cast<std::uint8_t>(reason.size());
    std::memcpy(p + 1, reason.data(), reason.size());
  }
  return true;
}

}  // namespace dialcore::dataplane::rtp
