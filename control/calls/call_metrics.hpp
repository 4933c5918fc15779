#pragma once
// CallController's counters as Prometheus text, for api::Metrics::add_source (the daemon
// registers `[&](std::string& out) { append_call_metrics(calls.counters(), calls.live_calls(),
// out); }`): dialcore_calls_<name>_total counters, dialcore_calls_ended_total{outcome="busy"},
// and the dialcore_calls_live gauge.

#include <cstddef>
#include <string>

#include "control/calls/call_types.hpp"

namespace dialcore::control::calls {

void append_call_metrics(const CallCounters& counters, std::size_t live_calls, std::string& out);

}  // namespace dialcore::control::calls
