#pragma once
// RtpSenderStats: what an SR says about a stream we send (RFC 3550 6.4.1): packets and payload
// octets sent, and the RTP timestamp that corresponds to the SR's NTP time. That timestamp is
// extrapolated from the last packet sent, at the stream's clock, because the SR is sent between
// packets ("not necessarily equal to the timestamp in any adjacent data packet").
// Time is passed in. Header-only: a few adds per packet.

#include <cstddef>
#include <cstdint>

#include "dataplane/rtp/rtcp_report_block.hpp"
#include "dataplane/rtp/rtp_clock.hpp"

namespace dialcore::dataplane::rtp {

class RtpSenderStats {
 public:
  // One packet we sent: its (rewritten) RTP timestamp and its payload size, at now_ns.
  void on_sent(std::uint32_t rtp_ts, std::size_t payload_bytes, std::uint64_t now_ns) noexcept {
    ++packets_;  // both wrap modulo 2^32, as the SR fields do
    octets_ += static_cast<std::uint32_t>(payload_bytes);
    last_ts_ = rtp_ts;
    last_sent_ns_ = now_ns;
    sent_ = true;
  }

  bool sent_any() const noexcept { return sent_; }  // RFC 3550 6.4: SR only if we sent
  std::uint32_t packets() const noexcept { return packets_; }
  std::uint32_t octets() const noexcept { return octets_; }

  // The sender info of an SR built at now_ns, whose wallclock is `ntp`.
  RtcpSenderInfo sender_info(std::uint64_t ntp, std::uint64_t now_ns,
                             std::uint32_t clock_hz) const noexcept {
    const std::uint64_t since = now_ns > last_sent_ns_ ? now_ns - last_sent_ns_ : 0;
    return RtcpSenderInfo{ntp, last_ts_ + ns_to_rtp_units(since, clock_hz), packets_, octets_};
  }

 private:
  std::uint32_t packets_ = 0;
  std::uint32_t octets_ = 0;
  std::uint32_t last_ts_ = 0;
  bool sent_ = false;
  std::uint64_t last_sent_ns_ = 0;
};

}  // namespace dialcore::dataplane::rtp
