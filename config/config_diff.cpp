#include "config/config_diff.hpp"

#include <span>

namespace dialcore::config {

namespace {

struct KeyCheck {
  const char* path;
  bool (*changed)(const Config&, const Config&);
};

template <auto Member>
bool changed(const Config& a, const Config& b) {
  return a.*Member != b.*Member;
}

template <auto Section, auto Field>
bool changed(const Config& a, const Config& b) {
  return (a.*Section).*Field != (b.*Section).*Field;
}

// THE TABLE of what needs a restart: sockets, cores, memory sized at start, the store handle.
constexpr KeyCheck kRestart[] = {
    {"data_dir", changed<&Config::data_dir>},
    {"dataplane.backend", changed<&Config::dataplane, &Dataplane::backend>},
    {"dataplane.workers", changed<&Config::dataplane, &Dataplane::workers>},
    {"dataplane.pin_workers", changed<&Config::dataplane, &Dataplane::pin_workers>},
    {"dataplane.idle_sleep_us", changed<&Config::dataplane, &Dataplane::idle_sleep_us>},
    {"dataplane.addresses", changed<&Config::dataplane, &Dataplane::addresses>},
    {"dataplane.rtp_port_first", changed<&Config::dataplane, &Dataplane::rtp_port_first>},
    {"dataplane.rtp_port_last", changed<&Config::dataplane, &Dataplane::rtp_port_last>},
    {"dataplane.legs_per_worker", changed<&Config::dataplane, &Dataplane::legs_per_worker>},
    {"dataplane.dpdk", changed<&Config::dataplane, &Dataplane::dpdk>},
    {"sip.interfaces", changed<&Config::sip, &Sip::interfaces>},
    {"sip.timers", changed<&Config::sip, &Sip::timers>},
    {"sip.realm", changed<&Config::sip, &Sip::realm>},
    {"recording.cores", changed<&Config::recording, &Recording::cores>},
    {"store", changed<&Config::store>},
    {"api.listen", changed<&Config::api, &Api::listen>},
    {"api.tls", changed<&Config::api, &Api::tls>},
};

// Everything else, applied by a reload to what starts after it (new calls, new logins).
constexpr KeyCheck kLive[] = {
    {"dataplane.no_rtp_timeout_ms", changed<&Config::dataplane, &Dataplane::no_rtp_timeout_ms>},
    {"sip.trunks", changed<&Config::sip, &Sip::trunks>},
    {"recording.directory", changed<&Config::recording, &Recording::directory>},
    {"recording.path_layout", changed<&Config::recording, &Recording::path_layout>},
    {"recording.format", changed<&Config::recording, &Recording::format>},
    {"recording.sample_rate_hz", changed<&Config::recording, &Recording::sample_rate_hz>},
    {"recording.flush_interval_ms", changed<&Config::recording, &Recording::flush_interval_ms>},
    {"recording.file_mode", changed<&Config::recording, &Recording::file_mode>},
    {"api.admin_token", changed<&Config::api, &Api::admin_token>},
    {"api.supervisor_token", changed<&Config::api, &Api::supervisor_token>},
    {"api.max_body_bytes", changed<&Config::api, &Api::max_body_bytes>},
    {"api.login_rate_limit.max_attempts", changed<&Config::api, &Api::login_max_attempts>},
    {"api.login_rate_limit.window_s", changed<&Config::api, &Api::login_window_s>},
    {"organisation", changed<&Config::organisation>},
    {"pause_reasons", changed<&Config::pause_reasons>},
    {"wrap_codes", changed<&Config::wrap_codes>},
    {"teams", changed<&Config::teams>},
    {"queues", changed<&Config::queues>},
    {"campaigns", changed<&Config::campaigns>},
    {"agents", changed<&Config::agents>},
};

std::vector<std::string> changed_keys(std::span<const KeyCheck> table, const Config& a,
                                      const Config& b) {
  std::vector<std::string> out;
  for (const auto& k : table)
    if (k.changed(a, b)) out.emplace_back(k.path);
  return out;
}

std::vector<std::string> paths(std::span<const KeyCheck> table) {
  std::vector<std::string> out;
  for (const auto& k : table) out.emplace_back(k.path);
  return out;
}

}  // namespace

ConfigDiff diff(const Config& old_config, const Config& new_config) {
  return {changed_keys(kRestart, old_config, new_config),
          changed_keys(kLive, old_config, new_config)};
}

std::vector<std::string> restart_keys() { return paths(kRestart); }
std::vector<std::string> live_keys() { return paths(kLive); }

}  // namespace dialcore::config
