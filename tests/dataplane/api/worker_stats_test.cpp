#include <catch2/catch.hpp>

#include <cctype>
#include <cstddef>
#include <memory>
#include <set>
#include <string_view>

#include "dataplane/api/worker_stats.hpp"

using namespace dialcore::dataplane;

static_assert(alignof(WorkerStats) == 64 && sizeof(WorkerStats) % 64 == 0);
static_assert(kWorkerCounterCount == static_cast<std::size_t>(WorkerCounter::JbConcealed) + 1);

TEST_CASE("counter names are unique snake_case with help text", "[stats]") {
  std::set<std::string_view> names;
  for (const CounterInfo& info : kWorkerCounterInfo) {
    CHECK_FALSE(info.name.empty());
    CHECK_FALSE(info.help.empty());
    for (char ch : info.name) {
      CHECK((std::islower(static_cast<unsigned char>(ch)) || ch == '_'));
    }
    names.insert(info.name);
  }
  CHECK(names.size() == kWorkerCounterCount);
  CHECK(kWorkerCounterInfo[static_cast<std::size_t>(WorkerCounter::RxNoLeg)].name == "rx_no_leg");
}

TEST_CASE("counters start at zero, add and read back", "[stats]") {
  auto stats = std::make_unique<WorkerStats>();
  for (std::uint64_t v : stats->snapshot()) CHECK(v == 0);
  stats->add(WorkerCounter::TxPackets);
  stats->add(WorkerCounter::TxPackets, 31);
  stats->add(WorkerCounter::EventsDropped, 2);
  CHECK(stats->read(WorkerCounter::TxPackets) == 32);
  const auto values = stats->snapshot();
  CHECK(values[static_cast<std::size_t>(WorkerCounter::TxPackets)] == 32);
  CHECK(values[static_cast<std::size_t>(WorkerCounter::EventsDropped)] == 2);
  CHECK(values[static_cast<std::size_t>(WorkerCounter::RxPackets)] == 0);
}
