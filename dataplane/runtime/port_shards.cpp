#include "dataplane/runtime/port_shards.hpp"

namespace dialcore::dataplane {

std::vector<PortRange> split_port_range(PortRange range, std::size_t workers) {
  std::uint32_t first = range.first < 2 ? 2 : range.first;
  first += first % 2;
  const std::size_t pairs = range.last >= first + 1 ? (range.last - first + 1) / 2 : 0;
  if (workers == 0 || pairs < workers) return {};
  std::vector<PortRange> shards;
  shards.reserve(workers);
  std::size_t start = 0;
  for (std::size_t w = 0; w < workers; ++w) {
    const std::size_t count = pairs / workers + (w < pairs % workers ? 1 : 0);
    const std::uint32_t lo = first + 2 * static_cast<std::uint32_t>(start);
    const std::uint32_t hi = lo + 2 * static_cast<std::uint32_t>(count) - 1;
    shards.push_back(PortRange{static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)});
    start += count;
  }
  return shards;
}

std::optional<std::size_t> shard_of(const std::vector<PortRange>& shards, std::uint16_t port) {
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (port >= shards[i].first && port <= shards[i].last) return i;
  }
  return std::nullopt;
}

}  // namespace dialcore::dataplane
