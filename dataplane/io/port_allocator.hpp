#pragma once
// PortAllocator: opens RTP ports the usual way (RFC 3550 section 11): an even port for RTP and,
// unless RTCP is multiplexed, the odd port above it for RTCP, both inside a configured range
// (rtpengine's port-min/port-max). One per worker, over that worker's share of the range.
//
// It asks the BurstIo, not a bitmap of its own: other processes hold ports too (the machine is
// shared, a SIP stack binds its own), and only a bind knows. A busy pair is skipped.
//
// It continues after the last pair it handed out instead of starting from the bottom: a pair
// just closed is reused last, so the late packets of a finished call do not land on a new leg.
//
// Setup only (a command, never per packet): each candidate costs a bind, ~5 µs; in a sparsely
// used range the first candidate is almost always free.

#include <cstddef>
#include <cstdint>

#include "dataplane/api/net_address.hpp"
#include "dataplane/io/burst_io.hpp"

namespace dialcore::dataplane {

struct PortRange {
  std::uint16_t first = 0;  // inclusive
  std::uint16_t last = 0;   // inclusive
};

enum class RtcpPort : std::uint8_t {
  Separate = 0,  // RTP on an even port, RTCP on the odd port above it
  Muxed = 1,     // RFC 5761: RTCP shares the RTP port; only the even port is opened
};

struct AllocatedPorts {
  PortId rtp;
  PortId rtcp;                                  // invalid with RtcpPort::Muxed
  NetAddress local;                             // the RTP port's bound address
  OpenStatus status = OpenStatus::SystemError;  // InUse: every pair of the range is taken
  int sys_errno = 0;

  bool ok() const noexcept { return status == OpenStatus::Ok; }
};

class PortAllocator {
 public:
  // Candidates are the even ports p of the range (2 or more) with p + 1 also in it.
  explicit PortAllocator(PortRange range) noexcept;

  std::size_t pair_count() const noexcept { return count_; }

  // Opens the next free pair at `ip` (its port is ignored) on `io`, trying each candidate at most
  // once. Stops at the first failure that another port number would not cure (not a local
  // address, table full, ...) and returns it; InUse when every pair is taken.
  AllocatedPorts open(BurstIo& io, const NetAddress& ip, RtcpPort rtcp) noexcept;

 private:
  std::uint32_t first_even_ = 0;
  std::size_t count_ = 0;
  std::size_t next_ = 0;  // candidate tried first by the next open()
};

}  // namespace dialcore::dataplane
