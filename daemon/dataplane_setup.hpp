#pragma once
// The dataplane's part of dialcored: config::Dataplane turned into the runtime's and the media
// service's settings, and their counters rendered for /metrics (a Metrics source, so control/api
// never depends on the dataplane).

#include <optional>
#include <string>

#include "config/config.hpp"
#include "control/media/media_service.hpp"
#include "dataplane/runtime/runtime.hpp"

namespace dialcore::daemon {

std::optional<dataplane::NetAddress> parse_ip(const std::string& text);

// Socket backend only (the caller refuses dpdk).
dataplane::RuntimeSettings runtime_settings(const config::Dataplane& config);
// Empty addresses when one does not parse (config validation already checked them).
control::media::MediaSettings media_settings(const config::Dataplane& config);

// Prometheus text: per worker (label worker="i", core="c") every WorkerStats and IoStats counter,
// legs, ring depths, idle sleeps, CPU seconds; per worker the control side's command counters.
void render_dataplane_metrics(std::string& out, const dataplane::Runtime& runtime,
                              const control::media::MediaService& media);

}  // namespace dialcore::daemon
