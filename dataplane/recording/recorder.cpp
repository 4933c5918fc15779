#include "dataplane/recording/recorder.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "codecs/names/codec_registry.hpp"
#include "dataplane/recording/file_io.hpp"
#include "dataplane/recording/path_template.hpp"
#include "dataplane/recording/wav_format.hpp"

namespace dialcore::dataplane::recording {

struct Recorder::Active {
  RecordingId id;
  std::size_t input = 0;
  Sidecar meta;
  std::string base;  // path without extension
  std::unique_ptr<AudioSink> sink;
  bool paused = false;
  bool dirty = false;  // markers since the last sidecar write
  std::uint64_t next_flush_ns = 0;
  std::size_t open_index = 0;  // in open_
  std::uint64_t counted_bytes = 0;  // of the file, already added to BytesWritten
  int sidecar_fd = -1;               // open from start to end (see write_sidecar)
  std::size_t sidecar_bytes = 0;     // its length
  ~Active() {
    if (sidecar_fd >= 0) ::close(sidecar_fd);
  }
};

namespace {

constexpr std::uint64_t kScanEveryNs = 5'000'000;
constexpr std::size_t kBurst = 256;
constexpr std::size_t kSidecarPad = 4096;  // see write_sidecar()

}  // namespace

Recorder::Recorder(const RecordingConfig& config, std::vector<RecorderInput> inputs,
                   SpscRing<RecordingEvent>& events)
    : config_(config), inputs_(std::move(inputs)), events_(events), batch_(kBurst) {
  table_.resize(inputs_.size());
  for (auto& t : table_) t.resize(config_.max_recordings_per_worker);
  returns_.reserve(kBurst);
}

Recorder::~Recorder() { close_all(); }

Recorder::Active* Recorder::find(std::size_t input, const RecItem& item) {
  if (item.slot >= table_[input].size()) return nullptr;
  Active* rec = table_[input][item.slot].get();
  return rec != nullptr && rec->id.generation == item.generation ? rec : nullptr;
}

void Recorder::post(const RecordingEvent& event) {
  if (!events_.try_push(event)) stats_.add(RecorderCounter::EventsDropped);
}

void Recorder::set_live(const LiveRecordingSettings& settings) {
  {
    const std::lock_guard<std::mutex> lock(live_mutex_);
    live_ = settings;
  }
  live_pending_.store(true, std::memory_order_release);
}

void Recorder::take_live() {
  const std::lock_guard<std::mutex> lock(live_mutex_);
  live_pending_.store(false, std::memory_order_relaxed);
  config_.root = live_.root;
  config_.path_template = live_.path_template;
  config_.flush_interval_ms = std::clamp<std::uint32_t>(live_.flush_interval_ms, 10, 1000);
  config_.file_mode = live_.file_mode;
}

bool Recorder::poll(std::uint64_t now_ns) {
  bool worked = false;
  if (live_pending_.load(std::memory_order_acquire)) take_live();  // a reload: rare
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    RecorderInput& in = inputs_[i];
    // Bounded per turn, so flushes stay on time under a flood.
    for (int round = 0; round < 16; ++round) {
      const std::size_t n = in.link->to_recorder.try_pop_burst(batch_);
      if (n == 0) break;
      worked = true;
      returns_.clear();
      for (std::size_t k = 0; k < n; ++k) {
        handle(i, batch_[k], now_ns);
        if (batch_[k].chunk != kNoChunk) returns_.push_back(batch_[k].chunk);
      }
      // Never short: the return ring holds the whole pool.
      in.link->returns.try_push_burst(returns_);
    }
  }
  if (now_ns >= next_scan_ns_) {
    next_scan_ns_ = now_ns + kScanEveryNs;
    for (std::size_t k = 0; k < open_.size();) {
      Active& rec = *open_[k];
      if (now_ns < rec.next_flush_ns) {
        ++k;
        continue;
      }
      rec.next_flush_ns = now_ns + std::uint64_t{config_.flush_interval_ms} * 1'000'000;
      stats_.add(RecorderCounter::Flushes);
      const int err = rec.sink->flush(config_.fsync);
      count_bytes(rec);
      worked = true;
      if (err != 0) {
        fail(rec, err);  // removes open_[k]
        continue;
      }
      if (rec.dirty) {
        rec.meta.frames = rec.sink->frames();
        write_sidecar(rec);
      }
      ++k;
    }
  }
  return worked;
}

void Recorder::handle(std::size_t input, const RecItem& item, std::uint64_t now_ns) {
  if (item.kind == ItemKind::Start) return start(input, item, now_ns);
  Active* rec = find(input, item);
  if (rec == nullptr) {
    stats_.add(RecorderCounter::ItemsDiscarded);
    return;
  }
  switch (item.kind) {
    case ItemKind::Audio: return audio(*rec, inputs_[input], item);
    case ItemKind::Marker: return marker(*rec, item);
    case ItemKind::Stop: return stop(*rec, item.offset_frames);
    case ItemKind::Start: return;
  }
}

void Recorder::start(std::size_t input, const RecItem& item, std::uint64_t now_ns) {
  // A reload made before this start was sent is visible here (the ring's acquire): it applies.
  if (live_pending_.load(std::memory_order_acquire)) take_live();
  RecordingStart req;
  std::memcpy(&req, inputs_[input].storage->chunk(item.chunk), sizeof(req));
  const RecordingId id{inputs_[input].worker, item.slot, item.generation};
  auto& entry = table_[input][item.slot];
  if (entry) finish(*entry, RecordingState::Off, OffReason::Shutdown, 0);  // a lost stop

  auto rec = std::make_unique<Active>();
  rec->id = id;
  rec->input = input;
  Sidecar& m = rec->meta;
  m.call_id = std::string(text_of(req.call_id));
  (req.group == RecordingGroup::Queue ? m.queue : m.campaign) = std::string(text_of(req.campaign));
  m.agent = std::string(text_of(req.agent));
  m.customer_leg = req.customer_leg.packed();
  m.agent_leg = req.agent_leg.packed();
  m.start_unix_ms = req.start_unix_ms;
  m.codec = std::string(codecs::codec_info(req.codec).sdp_name);
  m.format = req.format;
  m.sample_rate_hz = req.sample_rate_hz;

  SinkOptions options;
  options.format = req.format;
  options.sample_rate_hz = req.sample_rate_hz;
  options.buffer_frames = req.sample_rate_hz * config_.flush_interval_ms / 1000;
  options.comment_call_id = m.call_id;
  options.file_mode = config_.file_mode;
  const std::string base = recording_base_path(config_.root, config_.path_template, req);
  int error = make_parent_dirs(base);
  for (int attempt = 0; error == 0 && attempt < 100; ++attempt) {
    // Never overwrite: a second recording of one call gets "-1", "-2", ...
    rec->base = attempt == 0 ? base : base + "-" + std::to_string(attempt);
    if (::access((rec->base + ".json").c_str(), F_OK) == 0) {
      error = EEXIST;
    } else {
      rec->sink = open_sink(rec->base + audio_extension(req.format), options, error);
    }
    if (error != EEXIST) break;
    error = 0;
  }
  if (rec->sink == nullptr && error == 0) error = EEXIST;
  if (rec->sink != nullptr) {
    m.channels = rec->sink->channels();
    m.sha256_offset = rec->sink->sha256_offset();
    const std::string name = rec->base + audio_extension(req.format);
    m.audio_file = name.substr(name.rfind('/') + 1);
    if (!write_sidecar(*rec)) {
      error = errno != 0 ? errno : EIO;
      rec->sink->close(false);
      rec->sink.reset();
      ::unlink(name.c_str());
      if (rec->sidecar_fd >= 0) ::unlink((rec->base + ".json").c_str());  // ours: created above
    }
  }
  if (rec->sink == nullptr) {
    stats_.add(RecorderCounter::OpenFailed);
    RecordingEvent ev;
    ev.id = id;
    ev.state = RecordingState::Off;
    ev.reason = OffReason::OpenFailed;
    ev.error = error;
    post(ev);
    return;
  }
  stats_.add(RecorderCounter::Started);
  rec->next_flush_ns = now_ns + std::uint64_t{config_.flush_interval_ms} * 1'000'000;
  rec->open_index = open_.size();
  open_.push_back(rec.get());
  open_files_.store(open_.size(), std::memory_order_relaxed);  // Relaxed: a gauge
  RecordingEvent ev;
  ev.id = id;
  ev.state = RecordingState::Recording;
  post(ev);
  entry = std::move(rec);
}

void Recorder::audio(Active& rec, const RecorderInput& in, const RecItem& item) {
  const std::uint64_t written = rec.sink->frames();
  std::uint64_t offset = item.offset_frames;
  const std::int16_t* pcm = in.storage->samples(item.chunk);
  std::uint64_t frames = item.frames;
  if (offset > written) {  // a pause, or chunks the worker had to drop: silence keeps the time
    stats_.add(RecorderCounter::GapFrames, offset - written);
    rec.meta.gap_frames += offset - written;
    if (const int err = rec.sink->append(nullptr, offset - written); err != 0) return fail(rec, err);
  } else if (offset < written) {  // overlaps what is written (a re-anchored channel): skip it
    const std::uint64_t skip = std::min(written - offset, frames);
    pcm += skip * 2;
    frames -= skip;
  }
  stats_.add(RecorderCounter::ChunksWritten);
  if (frames == 0) return;
  if (const int err = rec.sink->append(pcm, frames); err != 0) fail(rec, err);
}

void Recorder::marker(Active& rec, const RecItem& item) {
  rec.meta.markers.push_back(Marker{item.marker, item.offset_frames, std::string(text_of(item.text))});
  rec.dirty = true;
  if (item.marker == MarkerKind::Pause || item.marker == MarkerKind::Resume) {
    rec.paused = item.marker == MarkerKind::Pause;
    RecordingEvent ev;
    ev.id = rec.id;
    ev.state = rec.paused ? RecordingState::Paused : RecordingState::Recording;
    ev.offset_frames = item.offset_frames;
    post(ev);
  }
}

void Recorder::stop(Active& rec, std::uint64_t offset_frames) {
  const std::uint64_t written = rec.sink->frames();
  if (offset_frames > written) {  // stopped while paused: the pause runs to the end
    rec.meta.gap_frames += offset_frames - written;
    stats_.add(RecorderCounter::GapFrames, offset_frames - written);
    if (const int err = rec.sink->append(nullptr, offset_frames - written); err != 0) return fail(rec, err);
  }
  finish(rec, RecordingState::Off, OffReason::Stopped, 0);
}

void Recorder::fail(Active& rec, int error) {
  const OffReason reason = error == ENOSPC ? OffReason::DiskFull
                           : error == EFBIG ? OffReason::TooLarge
                                            : OffReason::WriteError;
  stats_.add(reason == OffReason::DiskFull ? RecorderCounter::DiskFull : RecorderCounter::WriteErrors);
  finish(rec, RecordingState::Off, reason, error);
}

void Recorder::finish(Active& rec, RecordingState state, OffReason reason, int error) {
  const int close_error = rec.sink->close(config_.fsync);
  count_bytes(rec);
  if (reason == OffReason::Stopped && close_error != 0) {  // the last flush failed
    reason = close_error == ENOSPC ? OffReason::DiskFull : OffReason::WriteError;
    error = close_error;
    stats_.add(reason == OffReason::DiskFull ? RecorderCounter::DiskFull : RecorderCounter::WriteErrors);
  }
  Sidecar& m = rec.meta;
  if (m.format == RecordingFormat::OggOpus) {
    m.frames = rec.sink->frames();
  } else {  // what the file holds, which after a failure is less than what came in
    const std::uint64_t data = rec.sink->bytes_on_disk() - std::min<std::uint64_t>(rec.sink->bytes_on_disk(), kWavHeaderBytes);
    m.frames = data / (2u * m.channels);
  }
  m.sha256 = rec.sink->sha256_hex();
  switch (reason) {
    case OffReason::Stopped: m.status = "complete"; break;
    case OffReason::DiskFull: m.status = "disk_full"; break;
    case OffReason::TooLarge: m.status = "too_large"; break;
    case OffReason::Shutdown: m.status = "interrupted"; break;
    default: m.status = "write_error"; break;
  }
  write_sidecar(rec);
  if (reason == OffReason::Stopped) stats_.add(RecorderCounter::Completed);
  RecordingEvent ev;
  ev.id = rec.id;
  ev.state = state;
  ev.reason = reason;
  ev.error = error;
  ev.offset_frames = m.frames;
  ev.frames = m.frames;
  post(ev);
  // Out of the flush list (swap with the last) and out of the table.
  Active* last = open_.back();
  open_[rec.open_index] = last;
  last->open_index = rec.open_index;
  open_.pop_back();
  open_files_.store(open_.size(), std::memory_order_relaxed);  // Relaxed: a gauge
  table_[rec.input][rec.id.slot].reset();  // destroys rec
}

// In place: created with the recording (exclusive, 0640), then overwritten from byte 0 by one
// pwrite of the whole text, padded with spaces to at least kSidecarPad bytes (one page), so
//  - a rewrite of that size needs no new block: it works on a full disk (the disk_full status);
//  - no temporary file and rename per update: creating and deleting an inode per update cost
//    more than the audio itself at 1,000 recordings (ext4 inode allocation, `dialbench
//    recording` under perf);
//  - a process killed mid-update cannot leave half a text (a single write to the page cache
//    completes before the signal is acted on); a torn page after power loss is a parse
//    failure that the repair scan handles (it rebuilds the sidecar from the audio file).
bool Recorder::write_sidecar(Active& rec) {
  std::string text = to_json(rec.meta);
  if (text.size() < kSidecarPad) text.append(kSidecarPad - text.size() - 1, ' ').push_back('\n');
  const std::string path = rec.base + ".json";
  int err = 0;
  if (rec.sidecar_fd < 0) {
    rec.sidecar_fd = create_file_0640(path, err, config_.file_mode);
    if (rec.sidecar_fd < 0) {
      errno = err;
      return false;
    }
  }
  if (text.size() < rec.sidecar_bytes) {  // never shorter than before: pad to the old length
    text.resize(rec.sidecar_bytes, ' ');
    text.back() = '\n';
  }
  std::size_t written = 0;
  err = pwrite_all(rec.sidecar_fd, std::as_bytes(std::span<const char>(text.data(), text.size())), 0, written);
  if (err == 0 && config_.fsync && ::fdatasync(rec.sidecar_fd) != 0) err = errno;
  if (err == 0) {
    rec.sidecar_bytes = text.size();
    rec.dirty = false;
  }
  errno = err;
  return err == 0;
}

void Recorder::count_bytes(Active& rec) {
  const std::uint64_t now = rec.sink->bytes_on_disk();
  if (now > rec.counted_bytes) stats_.add(RecorderCounter::BytesWritten, now - rec.counted_bytes);
  rec.counted_bytes = std::max(rec.counted_bytes, now);
}

void Recorder::close_all() {
  while (!open_.empty()) finish(*open_.back(), RecordingState::Off, OffReason::Shutdown, 0);
}

}  // namespace dialcore::dataplane::recording
