#pragma once
// Counts heap allocations made by this process, including those of C libraries (libopus,
// bcg729, later DPDK helpers): alloc_counter.cpp replaces malloc and friends in the test
// executable, forwarding to glibc. Only for builds without sanitizers, which own malloc.

#include <cstddef>

namespace dialcore::test {

std::size_t allocations();  // malloc/calloc/realloc/aligned calls so far, on any thread

}  // namespace dialcore::test
