#include "dataplane/recording/recording_producer.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace dialcore::dataplane::recording {

RecordingProducer::RecordingProducer(std::uint16_t worker, ChunkStorage& storage,
                                     std::span<RecorderLink* const> links,
                                     std::uint32_t max_recordings)
    : worker_(worker),
      storage_(storage),
      links_(links),
      frames_per_chunk_(static_cast<std::uint32_t>(storage.frames_per_chunk())),
      slots_(std::make_unique<Slot[]>(max_recordings)),
      max_slots_(std::min<std::uint32_t>(max_recordings, UINT16_MAX)),
      free_(std::make_unique<std::uint32_t[]>(storage.count())),
      backlog_(std::make_unique<Backlog[]>(links.size())) {
  static_assert(sizeof(RecordingStart) <= 10 * 16 * 2 * sizeof(std::int16_t),
                "a start request must fit the smallest chunk (10 ms)");
  for (std::uint32_t i = storage.count(); i > 0; --i) free_[free_count_++] = i - 1;
}

const RecordingProducer::Slot* RecordingProducer::find(RecordingId id) const noexcept {
  if (id.worker != worker_ || id.slot >= max_slots_) return nullptr;
  const Slot& s = slots_[id.slot];
  return s.active && s.generation == id.generation ? &s : nullptr;
}
RecordingProducer::Slot* RecordingProducer::find(RecordingId id) noexcept {
  return const_cast<Slot*>(std::as_const(*this).find(id));
}

std::uint64_t RecordingProducer::frames_at(const Slot& s, std::uint64_t now_ns) const noexcept {
  if (now_ns <= s.start_ns) return 0;
  return (now_ns - s.start_ns) / 1000 * s.rate_hz / 1'000'000;  // us resolution: no overflow
}

void RecordingProducer::reclaim() noexcept {
  for (RecorderLink* link : links_) {
    free_count_ += static_cast<std::uint32_t>(link->returns.try_pop_burst(
        std::span<std::uint32_t>(free_.get() + free_count_, storage_.count() - free_count_)));
  }
}

std::uint32_t RecordingProducer::acquire() noexcept {
  if (free_count_ == 0) reclaim();
  if (free_count_ == 0) return kNoChunk;
  return free_[--free_count_];
}

void RecordingProducer::poll() noexcept {
  reclaim();
  for (std::size_t r = 0; r < links_.size(); ++r) {
    Backlog& b = backlog_[r];
    while (b.count > 0 && links_[r]->to_recorder.try_push(b.items[b.head])) {
      b.head = (b.head + 1) % kBacklog;
      --b.count;
    }
  }
}

bool RecordingProducer::send(std::uint16_t recorder, const RecItem& item) noexcept {
  Backlog& b = backlog_[recorder];
  if (b.count == 0 && links_[recorder]->to_recorder.try_push(item)) return true;
  if (b.count == kBacklog) {
    stats_.add(ProducerCounter::ControlRejected);
    return false;
  }
  b.items[(b.head + b.count) % kBacklog] = item;
  ++b.count;
  stats_.add(ProducerCounter::ControlBacklogged);
  return true;
}

RecItem RecordingProducer::item_for(const Slot& s, RecordingId id, ItemKind kind) const noexcept {
  (void)s;
  RecItem item;
  item.kind = kind;
  item.slot = id.slot;
  item.generation = id.generation;
  return item;
}

ProducerStatus RecordingProducer::start(const RecordingStart& request, std::uint64_t now_ns,
                                        RecordingId& out) noexcept {
  if (request.sample_rate_hz != 8000 && request.sample_rate_hz != 16000) {
    return ProducerStatus::BadArgument;
  }
  std::uint32_t slot = max_slots_;
  for (std::uint32_t i = 0; i < max_slots_; ++i) {
    const std::uint32_t candidate = (next_slot_ + i) % max_slots_;
    if (!slots_[candidate].active) {
      slot = candidate;
      break;
    }
  }
  if (slot == max_slots_) {
    stats_.add(ProducerCounter::StartsRejected);
    return ProducerStatus::NoSlot;
  }
  const std::uint32_t chunk = acquire();
  if (chunk == kNoChunk) {
    stats_.add(ProducerCounter::StartsRejected);
    return ProducerStatus::NoChunk;
  }
  std::memcpy(storage_.chunk(chunk), &request, sizeof(request));
  Slot& s = slots_[slot];
  const RecordingId id{worker_, static_cast<std::uint16_t>(slot), s.generation};
  const auto recorder = static_cast<std::uint16_t>((worker_ + slot) % links_.size());
  RecItem item = item_for(s, id, ItemKind::Start);
  item.chunk = chunk;
  if (!send(recorder, item)) {
    release(chunk);
    return ProducerStatus::Busy;
  }
  next_slot_ = (slot + 1) % max_slots_;
  s.active = true;
  s.paused = false;
  s.recorder = recorder;
  s.rate_hz = request.sample_rate_hz;
  s.start_ns = now_ns;
  s.cursor = {0, 0};
  s.chunk = {kNoChunk, kNoChunk};
  s.chunk_start = 0;
  s.filled = {0, 0};
  out = id;
  return ProducerStatus::Ok;
}

bool RecordingProducer::open_chunk(Slot& s, int which) noexcept {
  const std::uint32_t c = acquire();
  if (c == kNoChunk) return false;
  std::memset(storage_.chunk(c), 0, storage_.bytes_per_chunk());  // a silent channel stays silent
  s.chunk[which] = c;
  s.filled[which] = 0;
  return true;
}

void RecordingProducer::hand_off(Slot& s, std::uint32_t frames) noexcept {
  const std::uint32_t c = s.chunk[0];
  if (c != kNoChunk) {
    if (frames == 0) {
      release(c);
    } else {
      const RecordingId id{worker_, static_cast<std::uint16_t>(&s - slots_.get()), s.generation};
      RecItem item = item_for(s, id, ItemKind::Audio);
      item.chunk = c;
      item.frames = frames;
      item.offset_frames = s.chunk_start;
      // Audio never overtakes a held control item: with a backlog, the ring is full anyway.
      if (backlog_[s.recorder].count == 0 && links_[s.recorder]->to_recorder.try_push(item)) {
        stats_.add(ProducerCounter::ChunksSent);
      } else {
        release(c);
        stats_.add(ProducerCounter::ChunksDroppedRingFull);
      }
    }
  }
  s.chunk = {s.chunk[1], kNoChunk};
  s.filled = {s.filled[1], 0};
  s.chunk_start += frames_per_chunk_;
}

void RecordingProducer::hand_off_all(Slot& s) noexcept {
  hand_off(s, s.filled[0]);
  hand_off(s, s.filled[0]);
  s.chunk_start = std::max(s.cursor[0], s.cursor[1]);
}

void RecordingProducer::write(Slot& s, Channel channel, std::uint64_t pos,
                              std::span<const std::int16_t> pcm) noexcept {
  const std::size_t ch = static_cast<std::size_t>(channel);
  const std::uint64_t cap = frames_per_chunk_;
  while (!pcm.empty()) {
    if (s.chunk[0] == kNoChunk && s.chunk[1] == kNoChunk) s.chunk_start = pos;  // (re)anchor
    if (pos < s.chunk_start) {  // older than what is open: already handed off
      const auto skip = static_cast<std::size_t>(std::min<std::uint64_t>(s.chunk_start - pos, pcm.size()));
      stats_.add(ProducerCounter::FramesLate, skip);
      pos += skip;
      pcm = pcm.subspan(skip);
      continue;
    }
    const std::uint64_t rel = pos - s.chunk_start;
    if (rel >= 2 * cap) {  // this channel runs two chunks ahead: the current one is done
      hand_off(s, static_cast<std::uint32_t>(cap));
      if (s.chunk[0] == kNoChunk && pos >= s.chunk_start + cap) s.chunk_start = pos;
      continue;
    }
    const int which = rel < cap ? 0 : 1;
    const std::uint64_t base = s.chunk_start + static_cast<std::uint64_t>(which) * cap;
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(base + cap - pos, pcm.size()));
    if (s.chunk[which] == kNoChunk && !open_chunk(s, which)) {
      stats_.add(ProducerCounter::ChunksDroppedPoolEmpty);
      pos += n;
      pcm = pcm.subspan(n);
      continue;
    }
    std::int16_t* dst = storage_.samples(s.chunk[which]) + (pos - base) * 2 + ch;
    for (std::size_t i = 0; i < n; ++i) dst[2 * i] = pcm[i];
    pos += n;
    pcm = pcm.subspan(n);
    s.filled[which] = std::max(s.filled[which], static_cast<std::uint32_t>(pos - base));
  }
  s.cursor[ch] = pos;
  if (std::min(s.cursor[0], s.cursor[1]) >= s.chunk_start + cap) hand_off(s, static_cast<std::uint32_t>(cap));
}

// Cost: see the header.
void RecordingProducer::push(RecordingId id, Channel channel, std::span<const std::int16_t> pcm,
                             std::uint64_t now_ns) noexcept {
  Slot* s = find(id);
  if (s == nullptr) {
    stats_.add(ProducerCounter::StaleIds);
    return;
  }
  if (s->paused || pcm.empty()) return;
  const std::uint64_t end = frames_at(*s, now_ns);
  const std::uint64_t expected = end > pcm.size() ? end - pcm.size() : 0;
  const std::uint64_t tolerance = s->rate_hz * 60 / 1000;
  std::uint64_t& cursor = s->cursor[static_cast<std::size_t>(channel)];
  const std::uint64_t distance = cursor > expected ? cursor - expected : expected - cursor;
  write(*s, channel, distance <= tolerance ? cursor : expected, pcm);
}

ProducerStatus RecordingProducer::stop(RecordingId id, std::uint64_t now_ns) noexcept {
  Slot* s = find(id);
  if (s == nullptr) {
    stats_.add(ProducerCounter::StaleIds);
    return ProducerStatus::Stale;
  }
  RecItem item = item_for(*s, id, ItemKind::Stop);
  item.offset_frames = s->paused ? frames_at(*s, now_ns) : std::max(s->cursor[0], s->cursor[1]);
  hand_off_all(*s);
  if (!send(s->recorder, item)) return ProducerStatus::Busy;
  s->active = false;
  ++s->generation;
  if (s->generation == 0) s->generation = 1;
  return ProducerStatus::Ok;
}

ProducerStatus RecordingProducer::pause(RecordingId id, std::uint64_t now_ns) noexcept {
  Slot* s = find(id);
  if (s == nullptr || s->paused) return ProducerStatus::Stale;
  RecItem item = item_for(*s, id, ItemKind::Marker);
  item.marker = MarkerKind::Pause;
  item.offset_frames = frames_at(*s, now_ns);
  hand_off_all(*s);
  if (!send(s->recorder, item)) return ProducerStatus::Busy;
  s->paused = true;
  return ProducerStatus::Ok;
}

ProducerStatus RecordingProducer::resume(RecordingId id, std::uint64_t now_ns) noexcept {
  Slot* s = find(id);
  if (s == nullptr || !s->paused) return ProducerStatus::Stale;
  RecItem item = item_for(*s, id, ItemKind::Marker);
  item.marker = MarkerKind::Resume;
  item.offset_frames = frames_at(*s, now_ns);
  if (!send(s->recorder, item)) return ProducerStatus::Busy;
  s->paused = false;
  s->cursor = {item.offset_frames, item.offset_frames};
  s->chunk_start = item.offset_frames;
  return ProducerStatus::Ok;
}

ProducerStatus RecordingProducer::mark(RecordingId id, MarkerKind kind, std::string_view text,
                                       std::uint64_t now_ns) noexcept {
  if (kind == MarkerKind::Pause || kind == MarkerKind::Resume) return ProducerStatus::BadArgument;
  Slot* s = find(id);
  if (s == nullptr) {
    stats_.add(ProducerCounter::StaleIds);
    return ProducerStatus::Stale;
  }
  RecItem item = item_for(*s, id, ItemKind::Marker);
  item.marker = kind;
  item.offset_frames = frames_at(*s, now_ns);
  copy_text(item.text, text);
  return send(s->recorder, item) ? ProducerStatus::Ok : ProducerStatus::Busy;
}

}  // namespace dialcore::dataplane::recording
