#include "dataplane/io/port_allocator.hpp"

namespace dialcore::dataplane {

PortAllocator::PortAllocator(PortRange range) noexcept {
  std::uint32_t first = range.first < 2 ? 2 : range.first;  // port 0 means "any": never a candidate
  first += first % 2;
  first_even_ = first;
  // Pairs [p, p + 1] that fit: p = first, first + 2, ..., while p + 1 <= last.
  count_ = range.last >= first + 1 ? (range.last - first + 1) / 2 : 0;
}

AllocatedPorts PortAllocator::open(BurstIo& io, const NetAddress& ip, RtcpPort rtcp) noexcept {
  AllocatedPorts result;
  result.status = OpenStatus::InUse;
  for (std::size_t tried = 0; tried < count_; ++tried) {
    const std::size_t candidate = next_;
    next_ = next_ + 1 == count_ ? 0 : next_ + 1;
    NetAddress local = ip;
    local.port = static_cast<std::uint16_t>(first_even_ + 2 * candidate);
    const OpenResult rtp = io.open_port(local);
    if (rtp.status == OpenStatus::InUse) continue;
    if (!rtp.ok()) {
      result.status = rtp.status;
      result.sys_errno = rtp.sys_errno;
      return result;
    }
    if (rtcp == RtcpPort::Separate) {
      ++local.port;
      const OpenResult rtcp_open = io.open_port(local);
      if (!rtcp_open.ok()) {
        io.close_port(rtp.port);
        if (rtcp_open.status == OpenStatus::InUse) continue;
        result.status = rtcp_open.status;
        result.sys_errno = rtcp_open.sys_errno;
        return result;
      }
      result.rtcp = rtcp_open.port;
    }
    result.rtp = rtp.port;
    result.local = rtp.local;
    result.status = OpenStatus::Ok;
    return result;
  }
  return result;
}

}  // namespace dialcore::dataplane
