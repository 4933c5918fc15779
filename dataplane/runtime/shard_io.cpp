#include "dataplane/runtime/shard_io.hpp"

namespace dialcore::dataplane {

OpenResult ShardIo::open_port(const NetAddress& local) noexcept {
  if (local.port == 0) {
    const AllocatedPorts ports = allocator_.open(inner_, local, RtcpPort::Muxed);
    OpenResult result;
    result.port = ports.rtp;
    result.local = ports.local;
    result.status = ports.status;
    result.sys_errno = ports.sys_errno;
    return result;
  }
  if (local.port < shard_.first || local.port > shard_.last) {
    // Relaxed load + store: this thread is the only writer (see refused()).
    refused_.store(refused_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    OpenResult refused;
    refused.status = OpenStatus::Denied;
    return refused;
  }
  return inner_.open_port(local);
}

}  // namespace dialcore::dataplane
