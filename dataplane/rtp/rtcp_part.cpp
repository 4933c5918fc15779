#include "dataplane/rtp/rtcp_part.hpp"

namespace dialcore::dataplane::rtp {

namespace {

constexpr std::size_t kSsrcBytes = 4;

// Where report block 0 starts in the body, or 0 for a type without report blocks.
std::size_t reports_offset(const RtcpPart& part) noexcept {
  if (part.is(RtcpType::Sr)) return kSsrcBytes + kRtcpSenderInfoBytes;
  if (part.is(RtcpType::Rr)) return kSsrcBytes;
  return 0;
}

// 24-bit two's complement to int32.
std::int32_t sign_extend24(std::uint32_t v) noexcept {
  return static_cast<std::int32_t>((v ^ 0x800000u) & 0xFFFFFFu) - 0x800000;
}

}  // namespace

std::uint32_t rtcp_sender_ssrc(const RtcpPart& part) noexcept {
  const auto body = part.body();
  return body.size() < kSsrcBytes ? 0 : load_be32(body.data());
}

bool read_sender_info(const RtcpPart& part, RtcpSenderInfo& out) noexcept {
  const auto body = part.body();
  if (!part.is(RtcpType::Sr) || body.size() < kSsrcBytes + kRtcpSenderInfoBytes) return false;
  const std::uint8_t* p = body.data() + kSsrcBytes;
  out.ntp = load_be64(p);
  out.rtp_timestamp = load_be32(p + 8);
  out.packets = load_be32(p + 12);
  out.octets = load_be32(p + 16);
  return true;
}

std::size_t report_count(const RtcpPart& part) noexcept {
  const std::size_t offset = reports_offset(part);
  if (offset == 0 || part.body().size() < offset) return 0;
  // parse_rtcp checked the blocks fit; the min keeps this reader safe on its own.
  const std::size_t fit = (part.body().size() - offset) / kRtcpReportBlockBytes;
  return part.count() < fit ? part.count() : fit;
}

RtcpReportBlock report_block(const RtcpPart& part, std::size_t i) noexcept {
  if (i >= report_count(part)) return {};
  const std::uint8_t* p = part.body().data() + reports_offset(part) + i * kRtcpReportBlockBytes;
  RtcpReportBlock block;
  block.ssrc = load_be32(p);
  const std::uint32_t loss = load_be32(p + 4);
  block.fraction_lost = static_cast<std::uint8_t>(loss >> 24);
  block.cumulative_lost = sign_extend24(loss);
  block.highest_seq = load_be32(p + 8);
  block.jitter = load_be32(p + 12);
  block.lsr = load_be32(p + 16);
  block.dlsr = load_be32(p + 20);
  return block;
}

std::size_t bye_count(const RtcpPart& part) noexcept {
  if (!part.is(RtcpType::Bye)) return 0;
  const std::size_t fit = part.body().size() / kSsrcBytes;
  return part.count() < fit ? part.count() : fit;
}

std::uint32_t bye_ssrc(const RtcpPart& part, std::size_t i) noexcept {
  return i < bye_count(part) ? load_be32(part.body().data() + i * kSsrcBytes) : 0;
}

std::string_view bye_reason(const RtcpPart& part) noexcept {
  if (!part.is(RtcpType::Bye)) return {};
  const auto body = part.body();
  const std::size_t list = kSsrcBytes * part.count();
  if (body.size() <= list) return {};
  const std::size_t length = body[list];
  if (body.size() - list - 1 < length) return {};
  return {reinterpret_cast<const char*>(body.data() + list + 1), length};
}

bool read_app(const RtcpPart& part, RtcpApp& out) noexcept {
  const auto body = part.body();
  if (!part.is(RtcpType::App) || body.size() < kSsrcBytes + 4) return false;
  out.ssrc = load_be32(body.data());
  out.subtype = part.count();
  for (std::size_t i = 0; i < 4; ++i) out.name[i] = static_cast<char>(body[kSsrcBytes + i]);
  out.data = body.subspan(kSsrcBytes + 4);
  return true;
}

}  // namespace dialcore::dataplane::rtp
