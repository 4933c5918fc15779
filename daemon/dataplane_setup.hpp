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

// Either backend: with dpdk, the EAL arguments, the port and the link (addresses, prefixes,
// gateway, MACs, exception path, steering) from dataplane.dpdk.
dataplane::RuntimeSettings runtime_settings(const config::Dataplane& config);
// "aa:bb:cc:dd:ee:ff" (config validation checked it); all zero when empty.
dataplane::MacAddress parse_mac(const std::string& text);

// Declared before the Runtime in dialcored's main: its destructor runs after the Runtime's and
// releases what the DPDK backend held for the process (EAL's runtime directory).
struct DataplaneProcess {
  DataplaneProcess() = default;
  DataplaneProcess(const DataplaneProcess&) = delete;
  DataplaneProcess& operator=(const DataplaneProcess&) = delete;
  ~DataplaneProcess() { dataplane::release_dataplane_process(); }
};
// Empty addresses when one does not parse (config validation already checked them).
control::media::MediaSettings media_settings(const config::Dataplane& config);

// Prometheus text: per worker (label worker="i", core="c") every WorkerStats and IoStats counter,
// legs, ring depths, idle sleeps, CPU seconds; per worker the control side's command counters.
void render_dataplane_metrics(std::string& out, const dataplane::Runtime& runtime,
                              const control::media::MediaService& media);

}  // namespace dialcore::daemon
