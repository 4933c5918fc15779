#pragma once
// The call history writer's counters for /metrics (a Metrics source).

#include <string>

#include "control/history/history_writer.hpp"

namespace dialcore::daemon {

// dialcore_history_queue_depth, _written_total, _batches_total, _rejected_total,
// _store_errors_total, _retries_total, _queue_full_waits_total, _over_capacity_total, _lost_total.
void render_history_metrics(std::string& out, const control::history::WriterStats& s);

}  // namespace dialcore::daemon
