#include "daemon/dataplane_setup.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace dialcore::daemon {

std::optional<dataplane::NetAddress> parse_ip(const std::string& text) {
  dataplane::NetAddress addr;
  if (::inet_pton(AF_INET, text.c_str(), addr.bytes.data()) == 1) {
    addr.family = dataplane::AddressFamily::V4;
    return addr;
  }
  if (::inet_pton(AF_INET6, text.c_str(), addr.bytes.data()) == 1) {
    addr.family = dataplane::AddressFamily::V6;
    return addr;
  }
  return std::nullopt;
}

dataplane::RuntimeSettings runtime_settings(const config::Dataplane& config) {
  dataplane::RuntimeSettings s;
  s.cores = config.workers;
  s.pin = config.pin_workers;
  s.rtp_ports = dataplane::PortRange{config.rtp_port_first, config.rtp_port_last};
  s.legs_per_worker = config.legs_per_worker;
  s.idle.sleep_us = config.idle_sleep_us;
  if (config.backend == config::Backend::Dpdk) {
    const config::DpdkSettings& d = config.dpdk;
    s.backend = dataplane::RuntimeBackend::Dpdk;
    s.dpdk.eal_args = d.eal_args;
    dataplane::DpdkIoConfig& io = s.dpdk.io;
    io.device = d.device;
    io.port_id = d.port;
    for (const std::string& text : config.addresses) {
      if (const auto addr = parse_ip(text)) io.addresses.push_back(*addr);
    }
    for (int p : d.prefix_lengths) io.prefix_lengths.push_back(static_cast<std::uint8_t>(p));
    if (const auto gw = parse_ip(d.gateway)) io.gateway = *gw;
    io.next_hop_mac = parse_mac(d.gateway_mac);
    io.mac = parse_mac(d.mac);
    io.exception_devargs = d.exception_path;
    io.rx_checksum = d.rx_checksum == config::RxChecksum::Trust ? dataplane::RxChecksum::Trust
                                                                 : dataplane::RxChecksum::Verify;
    s.dpdk.allow_hardware_steering = d.steering == config::DpdkSteering::Auto;
  }
  return s;
}

dataplane::MacAddress parse_mac(const std::string& text) {
  dataplane::MacAddress mac{};
  unsigned b[6];
  if (std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4],
                  &b[5]) == 6) {
    for (int i = 0; i < 6; ++i) mac[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(b[i]);
  }
  return mac;
}

control::media::MediaSettings media_settings(const config::Dataplane& config) {
  control::media::MediaSettings s;
  for (const std::string& text : config.addresses) {
    const auto addr = parse_ip(text);
    if (!addr) return {};
    s.addresses.push_back(*addr);
  }
  s.rtp_timeout_ms = config.no_rtp_timeout_ms;
  return s;
}

namespace {

struct Writer {
  std::string& out;
  void family(const std::string& name, const char* type, std::string_view help) {
    out += "# HELP " + name + " ";
    out.append(help);
    out += ".\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const std::string& name, const std::string& labels, double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", value);
    out += name + "{" + labels + "} " + text + "\n";
  }
  void sample(const std::string& name, const std::string& labels, std::uint64_t value) {
    out += name + "{" + labels + "} " + std::to_string(value) + "\n";
  }
};

std::string worker_labels(const dataplane::WorkerSnapshot& s) {
  return "worker=\"" + std::to_string(s.worker) + "\",core=\"" + std::to_string(s.core) + "\"";
}

}  // namespace

void render_dataplane_metrics(std::string& out, const dataplane::Runtime& runtime,
                              const control::media::MediaService& media) {
  Writer w{out};
  std::vector<dataplane::WorkerSnapshot> snaps;
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < runtime.worker_count(); ++i) {
    snaps.push_back(runtime.snapshot(i));
    labels.push_back(worker_labels(snaps.back()));
  }
  for (std::size_t c = 0; c < dataplane::kWorkerCounterCount; ++c) {
    const auto& info = dataplane::kWorkerCounterInfo[c];
    const std::string name = "dialcore_worker_" + std::string(info.name) + "_total";
    w.family(name, "counter", info.help);
    for (std::size_t i = 0; i < snaps.size(); ++i) w.sample(name, labels[i], snaps[i].counters[c]);
  }
  for (std::size_t c = 0; c < dataplane::kIoCounterCount; ++c) {
    const auto& info = dataplane::kIoCounterInfo[c];
    const std::string name = "dialcore_worker_" + std::string(info.name) + "_total";
    w.family(name, "counter", info.help);
    for (std::size_t i = 0; i < snaps.size(); ++i) w.sample(name, labels[i], snaps[i].io.values[c]);
  }
  struct Gauge {
    const char* name;
    const char* type;
    const char* help;
    std::uint64_t (*value)(const dataplane::WorkerSnapshot&);
  };
  static constexpr Gauge kGauges[] = {
      {"dialcore_worker_up", "gauge", "1 while the worker thread runs its loop",
       [](const dataplane::WorkerSnapshot& s) -> std::uint64_t { return s.running ? 1 : 0; }},
      {"dialcore_worker_pinned", "gauge", "1 when the worker thread is pinned to its core",
       [](const dataplane::WorkerSnapshot& s) -> std::uint64_t { return s.pinned ? 1 : 0; }},
      {"dialcore_worker_legs", "gauge", "legs in use on the worker",
       [](const dataplane::WorkerSnapshot& s) -> std::uint64_t { return s.legs; }},
      {"dialcore_worker_leg_capacity", "gauge", "leg table capacity of the worker",
       [](const dataplane::WorkerSnapshot& s) -> std::uint64_t { return s.leg_capacity; }},
      {"dialcore_worker_command_ring_depth", "gauge", "commands waiting in the worker's ring",
       [](const dataplane::WorkerSnapshot& s) -> std::uint64_t { return s.command_ring_depth; }},
      {"dialcore_worker_event_ring_depth", "gauge", "replies and events waiting for control",
       [](const dataplane::WorkerSnapshot& s) -> std::uint64_t { return s.event_ring_depth; }},
      {"dialcore_worker_idle_sleeps_total", "counter", "idle back-off sleeps of the worker",
       [](const dataplane::WorkerSnapshot& s) -> std::uint64_t { return s.idle_sleeps; }},
      {"dialcore_worker_idle_parks_total", "counter",
       "1 ms waits in the backend after a long idle spell",
       [](const dataplane::WorkerSnapshot& s) -> std::uint64_t { return s.idle_parks; }},
      {"dialcore_worker_port_refused_total", "counter",
       "port opens refused: the port belongs to another worker's shard",
       [](const dataplane::WorkerSnapshot& s) -> std::uint64_t { return s.port_refused; }},
  };
  for (const Gauge& g : kGauges) {
    w.family(g.name, g.type, g.help);
    for (std::size_t i = 0; i < snaps.size(); ++i) w.sample(g.name, labels[i], g.value(snaps[i]));
  }
  // The DPDK backend's own counters (drops by reason, ARP, exception path, software dispatch).
  if (!snaps.empty() && snaps[0].dpdk) {
    for (std::size_t c = 0; c < dataplane::kDpdkCounterCount; ++c) {
      const auto& info = dataplane::kDpdkCounterInfo[c];
      const std::string name = "dialcore_worker_" + std::string(info.name) + "_total";
      w.family(name, "counter", info.help);
      for (std::size_t i = 0; i < snaps.size(); ++i) w.sample(name, labels[i], snaps[i].dpdk_counters[c]);
    }
  }
  w.family("dialcore_worker_cpu_seconds_total", "counter", "CPU time of the worker thread");
  for (std::size_t i = 0; i < snaps.size(); ++i) {
    w.sample("dialcore_worker_cpu_seconds_total", labels[i],
             static_cast<double>(snaps[i].cpu_ns) / 1e9);
  }

  // Control's side, per worker: what the CommandChannel and MediaService saw.
  struct ChannelMetric {
    const char* name;
    const char* help;
    std::uint64_t (*value)(const dataplane::ChannelCounters&);
  };
  static constexpr ChannelMetric kChannel[] = {
      {"dialcore_media_commands_total", "commands sent to the worker",
       [](const dataplane::ChannelCounters& c) { return c.submitted; }},
      {"dialcore_media_commands_busy_ring_full_total", "commands refused: command ring full",
       [](const dataplane::ChannelCounters& c) { return c.busy_ring_full; }},
      {"dialcore_media_commands_busy_in_flight_total", "commands refused: too many unanswered",
       [](const dataplane::ChannelCounters& c) { return c.busy_in_flight; }},
      {"dialcore_media_commands_timeouts_total", "commands not answered in time",
       [](const dataplane::ChannelCounters& c) { return c.timeouts; }},
      {"dialcore_media_late_replies_total", "replies after their command timed out",
       [](const dataplane::ChannelCounters& c) { return c.late_replies; }},
      {"dialcore_media_events_total", "worker events received",
       [](const dataplane::ChannelCounters& c) { return c.events; }},
  };
  for (const ChannelMetric& m : kChannel) {
    w.family(m.name, "counter", m.help);
    for (std::uint32_t i = 0; i < media.worker_count(); ++i) {
      w.sample(m.name, labels[i], m.value(media.channel_counters(i)));
    }
  }
  w.family("dialcore_media_legs", "gauge", "legs control holds on the worker");
  for (std::uint32_t i = 0; i < media.worker_count(); ++i) {
    w.sample("dialcore_media_legs", labels[i], static_cast<std::uint64_t>(media.legs(i)));
  }
  const control::media::MediaCounters& c = media.counters();
  const std::pair<const char*, std::uint64_t> totals[] = {
      {"dialcore_media_busy_failures_total", c.busy_failures},
      {"dialcore_media_busy_retries_total", c.busy_retries},
      {"dialcore_media_late_creates_destroyed_total", c.late_creates_destroyed},
      {"dialcore_media_events_dropped_total", c.events_dropped},
  };
  for (const auto& [name, value] : totals) {
    out += "# TYPE " + std::string(name) + " counter\n" + name + " " + std::to_string(value) + "\n";
  }
}

}  // namespace dialcore::daemon
