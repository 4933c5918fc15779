#pragma once
// RtcpWriter: builds a compound RTCP packet (RFC 3550 section 6) into a caller's buffer, for the
// legs where we terminate media (prompts, transcoding) and must report as an endpoint:
//
//   RtcpWriter w(buffer);
//   const RtcpReportBlock block = receiver_stats.report_block(now_ns);
//   if (sender_stats.sent_any()) {  // RFC 3550 6.4: SR when we send, else RR
//     w.sender_report(our_ssrc, sender_stats.sender_info(ntp, now_ns, clock_hz), {&block, 1});
//   } else {
//     w.receiver_report(our_ssrc, {&block, 1});
//   }
//   w.sdes_cname(our_ssrc, cname);  // RFC 3550 6.1: every compound carries a CNAME
//   if (w.ok()) send(w.bytes());
//
// Each append is all or nothing: when it does not fit (or its arguments cannot be encoded:
// more than 31 report blocks or BYE sources, an item over 255 bytes) it writes nothing and
// ok() turns false for good, so one check at the end covers the whole packet. No padding is
// written (SRTCP does not need it). Never allocates; the buffer is the caller's.
//
// Cost, `build/bin/rtcp_packet_test "[.bench]"` (same setup as rtp_packet.hpp): SR with one
// report block + SDES CNAME (80 bytes) ~33 ns.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dataplane/rtp/rtcp_report_block.hpp"

namespace dialcore::dataplane::rtp {

class RtcpWriter {
 public:
  explicit RtcpWriter(std::span<std::uint8_t> out) noexcept : out_(out) {}

  bool sender_report(std::uint32_t ssrc, const RtcpSenderInfo& info,
                     std::span<const RtcpReportBlock> blocks) noexcept;
  bool receiver_report(std::uint32_t ssrc, std::span<const RtcpReportBlock> blocks) noexcept;
  // One chunk with one CNAME item (RFC 3550 6.5.1), e.g. "dialcore@<worker>.<leg>".
  bool sdes_cname(std::uint32_t ssrc, std::string_view cname) noexcept;
  bool bye(std::span<const std::uint32_t> ssrcs, std::string_view reason = {}) noexcept;

  bool ok() const noexcept { return ok_; }
  std::size_t size() const noexcept { return size_; }
  std::span<const std::uint8_t> bytes() const noexcept { return out_.first(size_); }

 private:
  // Reserves `bytes` (a multiple of 4) for a part and writes its header; nullptr when it does
  // not fit, which also clears ok_.
  std::uint8_t* begin_part(std::size_t bytes, std::size_t count, std::uint8_t type) noexcept;

  std::span<std::uint8_t> out_;
  std::size_t size_ = 0;
  bool ok_ = true;
};

}  // namespace dialcore::dataplane::rtp
