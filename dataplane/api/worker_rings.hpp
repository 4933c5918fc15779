#pragma once
// WorkerRings: the two rings between control and one worker. Built at startup, before the worker
// runs (it allocates); control then owns a CommandChannel on it and the worker a WorkerEndpoint,
// so each ring has exactly one producer thread and one consumer thread.

#include <cstddef>

#include "dataplane/api/commands.hpp"
#include "dataplane/api/events.hpp"
#include "dataplane/api/spsc_ring.hpp"

namespace dialcore::dataplane {

struct WorkerRings {
  // Capacities are rounded up to powers of two. The event ring carries the worker's own events
  // as well as replies, so give it more room than the command ring (2x or more).
  WorkerRings(std::size_t command_capacity, std::size_t event_capacity)
      : commands(command_capacity), events(event_capacity) {}

  SpscRing<Command> commands;  // control produces, the worker consumes
  SpscRing<Event> events;      // the worker produces, control consumes
};

}  // namespace dialcore::dataplane
