#include "daemon/recording_setup.hpp"

#include <sched.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <span>
#include <system_error>

#include "dataplane/recording/recording_api_event.hpp"
#include "dataplane/recording/recording_stats.hpp"

namespace dialcore::daemon {

namespace rec = dataplane::recording;

namespace {

constexpr std::uint32_t kMaxFlushMs = 1000;  // the recorder's bound (RecordingService clamps)
constexpr auto kPollEvery = std::chrono::milliseconds(20);

void log_line(const std::string& text) {
  std::fprintf(stderr, "dialcored: recording: %s\n", text.c_str());
  std::fflush(stderr);
}

// The listed cores this process may not run on, as a message; empty when all are available.
std::string unavailable_core(const std::vector<int>& cores) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return "sched_getaffinity failed";
  for (std::size_t i = 0; i < cores.size(); ++i) {
    const int c = cores[i];
    if (c < 0 || c >= CPU_SETSIZE || !CPU_ISSET(c, &allowed)) {
      return "recording.cores[" + std::to_string(i) + "]: core " + std::to_string(c) +
             " does not exist or is not available to this process (it may use " +
             std::to_string(CPU_COUNT(&allowed)) +
             " cores); set dataplane.pin_workers: false to run unpinned";
    }
  }
  return "";
}

// Appended, not chained `+`: GCC 12's -Wrestrict false positive on such chains.
std::string cannot_create(const std::string& path, const std::error_code& ec) {
  std::string text = "cannot create ";
  text.append(path).append(": ").append(ec.message());
  return text;
}

// StartRecordingArgs::format of the YAML's recording.format.
std::uint8_t format_code(config::RecordingFormat f) {
  switch (f) {
    case config::RecordingFormat::WavStereo: return 0;
    case config::RecordingFormat::WavMono: return 1;
    case config::RecordingFormat::Opus: return 2;
  }
  return 0;
}

}  // namespace

rec::RecordingConfig recording_config(const config::Config& config, bool pin,
                                      std::string* warning) {
  const config::Recording& r = config.recording;
  rec::RecordingConfig c;
  c.root = config::resolve_data_path(config, r.directory);
  c.path_template = r.path_layout;
  if (pin) {
    c.cores = r.cores;
  } else {
    c.cores.clear();
    c.threads = static_cast<std::uint32_t>(std::max<std::size_t>(r.cores.size(), 1));
  }
  c.flush_interval_ms = std::min(r.flush_interval_ms, kMaxFlushMs);
  if (r.flush_interval_ms > kMaxFlushMs && warning != nullptr) {
    *warning = "recording.flush_interval_ms " + std::to_string(r.flush_interval_ms) +
               " is above the recorder's maximum; using " + std::to_string(kMaxFlushMs) + " ms";
  }
  c.file_mode = r.file_mode;
  // One recording per call (two legs): the worker's leg table bounds its recordings.
  c.max_recordings_per_worker = std::clamp<std::uint32_t>(config.dataplane.legs_per_worker / 2, 1,
                                                          c.max_recordings_per_worker);
  return c;
}

RecordingSetup::RecordingSetup(const config::Config& config)
    : config_(recording_config(config, config.dataplane.pin_workers, &warning_)) {
  format_ = format_code(config.recording.format);
  sample_rate_hz_ = static_cast<std::uint16_t>(config.recording.sample_rate_hz);
}

RecordingSetup::~RecordingSetup() { stop(); }

std::optional<std::string> RecordingSetup::start(std::size_t workers) {
  if (!warning_.empty()) log_line("warning: " + warning_);
  std::error_code ec;
  std::filesystem::create_directories(config_.root, ec);
  if (ec) return cannot_create(config_.root, ec);
  if (!config_.cores.empty()) {
    if (std::string why = unavailable_core(config_.cores); !why.empty()) return why;
  }
  // Before any recorder runs: what a crash left behind is made playable and described.
  repair_ = rec::repair_recordings(config_.root);
  for (const auto& f : repair_.repaired) log_line("repaired after an unclean stop: " + f);
  for (const auto& f : repair_.failed) log_line("repair failed: " + f);
  for (const auto& f : repair_.removed) log_line("removed a leftover temporary file: " + f);
  if (!repair_.repaired.empty() || !repair_.failed.empty() || !repair_.removed.empty()) {
    log_line("start-up repair: " + std::to_string(repair_.repaired.size()) + " repaired, " +
             std::to_string(repair_.failed.size()) + " failed, " +
             std::to_string(repair_.removed.size()) + " temporary files removed");
  }
  service_ = std::make_unique<rec::RecordingService>(config_, static_cast<std::uint16_t>(workers));
  if (!service_->start()) {
    service_.reset();
    return "recorder threads could not be started or pinned to recording.cores";
  }
  std::string cores;
  for (int c : config_.cores) {  // appended: GCC 12's -Wrestrict false positive on `"," + ...`
    if (!cores.empty()) cores += ',';
    cores += std::to_string(c);
  }
  log_line(std::to_string(service_->recorders()) + " recorder threads" +
           (cores.empty() ? " (unpinned)" : " on cores " + cores + " (pinned)") + " for " +
           std::to_string(workers) + " workers, into " + config_.root);
  return std::nullopt;
}

std::vector<rec::RecordingProducer*> RecordingSetup::producers() {
  std::vector<rec::RecordingProducer*> out;
  if (!service_) return out;
  for (std::size_t w = 0; w < service_->workers(); ++w) {
    out.push_back(&service_->producer(static_cast<std::uint16_t>(w)));
  }
  return out;
}

void RecordingSetup::poll_events_on(boost::asio::io_context& io) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io);
  timer_ = timer;
  // The handler owns the timer: destroying `io` destroys the pending handler and the timer with
  // it, whatever this object's lifetime.
  struct Tick {
    RecordingSetup* self;
    std::shared_ptr<boost::asio::steady_timer> timer;
    void operator()(const boost::system::error_code& e) {
      if (e || self->stopped_) return;
      self->poll();
      timer->expires_after(kPollEvery);
      timer->async_wait(Tick{self, timer});
    }
  };
  timer->expires_after(kPollEvery);
  timer->async_wait(Tick{this, timer});
}

void RecordingSetup::poll() {
  if (!service_) return;
  std::array<rec::RecordingEvent, 64> events;
  bool off = false;
  for (int round = 0; round < 64; ++round) {  // bounded: at most 4,096 events a tick
    const std::size_t n = service_->poll_events(events);
    for (std::size_t i = 0; i < n; ++i) {
      if (events[i].state == rec::RecordingState::Off) off = true;
      if (handler_) {
        handler_(rec::to_api_event(events[i]));
        ++delivered_;
      } else {
        ++unhandled_;
      }
    }
    if (n < events.size()) break;
  }
  if (off && index_) index_->scan(wall_ms_());
}

std::size_t RecordingSetup::index_into(control::history::CallHistory& history,
                                       control::store::Store& store,
                                       std::function<std::int64_t()> wall_ms) {
  history_ = &history;
  wall_ms_ = std::move(wall_ms);
  index_ = std::make_unique<RecordingIndex>(
      config_.root, config_.path_template,
      [&history](const control::store::Recording& row) {
        if (auto r = history.recording_file(row); !r) {
          log_line("index row refused for " + row.path + ": " + r.error().message);
        }
      });
  history.set_recording_observer(
      [index = index_.get()](std::string_view call, std::string_view leg, std::int64_t at_ms) {
        index->expect(call, leg, at_ms);
      });
  const std::size_t n = index_->index_existing(store);
  if (n > 0) log_line("start-up index: " + std::to_string(n) + " recordings reported to the store");
  return n;
}

void RecordingSetup::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (auto t = timer_.lock()) t->cancel();
  if (!service_) return;
  std::uint64_t open = 0;  // ended by the shutdown (workers joined: no new ones come)
  for (std::size_t r = 0; r < service_->recorders(); ++r)
    open += service_->recorder(r).open_files();
  service_->stop();  // drains the rings, ends open recordings (Off/Shutdown events)
  poll();            // those last events to the call owner, their rows to the history
  if (history_ != nullptr) history_->set_recording_observer(nullptr);
  log_line("stopped (" + std::to_string(service_->recorders()) + " recorder threads joined, " +
           std::to_string(open) + " recordings ended by the shutdown)");
}

std::optional<std::string> RecordingSetup::apply(const config::Config& config) {
  std::string warning;
  rec::RecordingConfig next = recording_config(config, !config_.cores.empty(), &warning);
  if (!warning.empty()) log_line("warning: " + warning);
  const std::uint8_t format = format_code(config.recording.format);
  const auto rate = static_cast<std::uint16_t>(config.recording.sample_rate_hz);
  const bool changed = next.root != config_.root || next.path_template != config_.path_template ||
                       next.flush_interval_ms != config_.flush_interval_ms ||
                       next.file_mode != config_.file_mode || format != format_ ||
                       rate != sample_rate_hz_;
  if (!changed) return std::nullopt;
  std::error_code ec;
  std::filesystem::create_directories(next.root, ec);
  if (ec) {
    const std::string why = cannot_create(next.root, ec);
    log_line("reload: " + why + "; recording settings unchanged");
    return why;
  }
  config_.root = next.root;
  config_.path_template = next.path_template;
  config_.flush_interval_ms = next.flush_interval_ms;
  config_.file_mode = next.file_mode;
  format_ = format;
  sample_rate_hz_ = rate;
  if (service_) {
    service_->apply_live(rec::LiveRecordingSettings{config_.root, config_.path_template,
                                                    config_.flush_interval_ms, config_.file_mode});
  }
  if (index_) index_->set_layout(config_.root, config_.path_template);
  char mode[8];
  std::snprintf(mode, sizeof(mode), "%04o", config_.file_mode & 07777);
  std::string text = "reload: new recordings into ";
  text.append(config_.root).append(", layout ").append(config_.path_template);
  text.append(", flush ").append(std::to_string(config_.flush_interval_ms)).append(" ms, mode ");
  text.append(mode);
  log_line(text);
  return std::nullopt;
}

dataplane::StartRecordingArgs RecordingSetup::start_args(const std::string& call_id,
                                                         const std::string& campaign,
                                                         const std::string& agent,
                                                         std::uint64_t start_unix_ms) const {
  dataplane::StartRecordingArgs a;
  a.start_unix_ms = start_unix_ms;
  rec::copy_text(a.call_id, call_id);
  rec::copy_text(a.campaign, campaign);
  rec::copy_text(a.agent, agent);
  a.sample_rate_hz = sample_rate_hz_;
  a.format = format_;
  return a;
}

void RecordingSetup::render_metrics(std::string& out) const {
  const auto family = [&out](const std::string& name, const char* type, std::string_view help) {
    out += "# HELP " + name + " ";
    out.append(help);
    out += ".\n# TYPE " + name + " " + type + "\n";
  };
  const auto sample = [&out](const std::string& name, const std::string& labels, std::uint64_t v) {
    out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(v) + "\n";
  };
  const std::size_t recorders = service_ ? service_->recorders() : 0;
  const std::size_t workers = service_ ? service_->workers() : 0;
  const auto recorder_label = [](std::size_t r) {
    return "recorder=\"" + std::to_string(r) + "\"";
  };
  const auto worker_label = [](std::size_t w) { return "worker=\"" + std::to_string(w) + "\""; };

  family("dialcore_recording_recorder_threads", "gauge", "recorder threads running");
  sample("dialcore_recording_recorder_threads", "", running() ? recorders : 0);
  family("dialcore_recording_files_open", "gauge", "recordings with an open file");
  for (std::size_t r = 0; r < recorders; ++r) {
    sample("dialcore_recording_files_open", recorder_label(r), service_->recorder(r).open_files());
  }
  for (std::size_t c = 0; c < rec::kRecorderCounterCount; ++c) {
    const std::string name =
        "dialcore_recording_" + std::string(rec::kRecorderCounterNames[c]) + "_total";
    family(name, "counter", rec::kRecorderCounterHelp[c]);
    for (std::size_t r = 0; r < recorders; ++r) {
      sample(name, recorder_label(r),
             service_->recorder(r).stats().read(static_cast<rec::RecorderCounter>(c)));
    }
  }
  std::uint64_t dropped = 0;
  for (std::size_t c = 0; c < rec::kProducerCounterCount; ++c) {
    const std::string name =
        "dialcore_recording_" + std::string(rec::kProducerCounterNames[c]) + "_total";
    family(name, "counter", rec::kProducerCounterHelp[c]);
    for (std::size_t w = 0; w < workers; ++w) {
      const auto& stats = service_->producer(static_cast<std::uint16_t>(w)).stats();
      const auto counter = static_cast<rec::ProducerCounter>(c);
      const std::uint64_t v = stats.read(counter);
      sample(name, worker_label(w), v);
      if (counter == rec::ProducerCounter::ChunksDroppedRingFull ||
          counter == rec::ProducerCounter::ChunksDroppedPoolEmpty) {
        dropped += v;
      }
    }
  }
  family("dialcore_recording_dropped_chunks_total", "counter",
         "audio chunks the workers dropped (ring full or no free chunk), all workers");
  sample("dialcore_recording_dropped_chunks_total", "", dropped);
  family("dialcore_recording_events_delivered_total", "counter",
         "recording state events handed to the call owner");
  sample("dialcore_recording_events_delivered_total", "", delivered_);
  family("dialcore_recording_events_unhandled_total", "counter",
         "recording state events dropped: no call owner has set a handler");
  sample("dialcore_recording_events_unhandled_total", "", unhandled_);
  family("dialcore_recording_repaired_at_start", "gauge",
         "recordings repaired at start-up (left open by an unclean stop)");
  sample("dialcore_recording_repaired_at_start", "", repair_.repaired.size());
  family("dialcore_recording_repair_failed_at_start", "gauge",
         "files the start-up repair could not fix");
  sample("dialcore_recording_repair_failed_at_start", "", repair_.failed.size());
  const RecordingIndexStats idx = index_ ? index_->stats() : RecordingIndexStats{};
  family("dialcore_recording_index_rows_total", "counter",
         "recording index rows handed to the call history (finished, repaired, cut short)");
  sample("dialcore_recording_index_rows_total", "", idx.rows);
  family("dialcore_recording_index_pending", "gauge",
         "recordings reported by the call owner whose file is not finished yet");
  sample("dialcore_recording_index_pending", "", index_ ? index_->pending() : 0);
  family("dialcore_recording_index_unresolved_total", "counter",
         "reported recordings whose sidecar was not found within a minute");
  sample("dialcore_recording_index_unresolved_total", "", idx.unresolved);
  family("dialcore_recording_cpu_seconds_total", "counter", "CPU time of the recorder threads");
  char cpu[64];
  std::snprintf(cpu, sizeof cpu, "%.9g",
                service_ ? static_cast<double>(service_->recorder_cpu_ns()) / 1e9 : 0.0);
  out += std::string("dialcore_recording_cpu_seconds_total ") + cpu + "\n";
}

}  // namespace dialcore::daemon
