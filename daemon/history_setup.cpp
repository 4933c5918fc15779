#include "daemon/history_setup.hpp"

namespace dialcore::daemon {

void render_history_metrics(std::string& out, const control::history::WriterStats& s) {
  const auto line = [&out](const char* name, const char* type, std::uint64_t v) {
    out +=
        std::string("# TYPE ") + name + " " + type + "\n" + name + " " + std::to_string(v) + "\n";
  };
  line("dialcore_history_queue_depth", "gauge", s.queue_depth);
  line("dialcore_history_queue_depth_max", "gauge", s.max_queue_depth);
  line("dialcore_history_accepted_total", "counter", s.accepted);
  line("dialcore_history_written_total", "counter", s.written);
  line("dialcore_history_batches_total", "counter", s.batches);
  line("dialcore_history_rejected_total", "counter", s.rejected);
  line("dialcore_history_store_errors_total", "counter", s.store_errors);
  line("dialcore_history_retries_total", "counter", s.retries);
  line("dialcore_history_queue_full_waits_total", "counter", s.full_waits);
  line("dialcore_history_over_capacity_total", "counter", s.over_capacity);
  line("dialcore_history_lost_total", "counter", s.lost);
}

}  // namespace dialcore::daemon
