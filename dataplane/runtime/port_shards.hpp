#pragma once
// split_port_range: the configured RTP port range cut into one contiguous shard per worker, so a
// port names its worker (the DPDK backend will steer by the same ranges). Shards hold whole
// RTP/RTCP pairs (even RTP port, odd RTCP port above it); pairs are shared out as evenly as
// possible, the first shards taking one more when they do not divide.

#include <cstddef>
#include <optional>
#include <vector>

#include "dataplane/io/port_allocator.hpp"

namespace dialcore::dataplane {

// Empty when the range holds fewer pairs than workers (or workers == 0).
std::vector<PortRange> split_port_range(PortRange range, std::size_t workers);

// The shard holding `port`, if any.
std::optional<std::size_t> shard_of(const std::vector<PortRange>& shards, std::uint16_t port);

}  // namespace dialcore::dataplane
