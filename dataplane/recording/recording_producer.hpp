#pragma once
// RecordingProducer: the worker's side of recording (one per worker, built at setup by
// RecordingService). Everything here runs on the worker's thread and never allocates, locks,
// makes a system call or waits: audio is copied into a preallocated chunk, and a full chunk's
// index goes to the recording's recorder thread over an SPSC ring. No free chunk or a full ring
// drops the chunk and counts it (ProducerStats); the recorder writes silence for the gap, so the
// file's timeline stays true.
//
// The worker's hooks (issue 3's worker calls these; see README.md):
//   start/stop/pause/resume/mark  on the recording commands for a call (from control);
//   push(id, Channel, pcm, now_ns) each time a leg of the call yields decoded PCM at the
//                                 recording's rate (after DTMF masking: only masked audio);
//   poll()                        once per loop turn (takes back chunks, retries held items).
//
// Timeline. A recording's offset is frames since start_ns (the worker clock passed to start),
// at its sample rate. push() places a packet's audio so it ends at now_ns; consecutive packets
// of a channel are kept contiguous while they stay within 60 ms of that, so jitter does not
// tear the audio, and a channel that went quiet (DTX, hold) resumes at its true place. Markers
// (pause, resume, tags, announcement, masked spans) take the offset of now_ns.
//
// Two chunks per recording are open at a time, so the customer's and the agent's audio of the
// same moment, arriving a packet apart, land in the same chunk; a chunk goes to the recorder
// when both channels have passed it, or when one channel runs two chunks ahead.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "dataplane/recording/chunk_ring.hpp"
#include "dataplane/recording/recording_stats.hpp"
#include "dataplane/recording/recording_types.hpp"

namespace dialcore::dataplane::recording {

enum class ProducerStatus : std::uint8_t {
  Ok = 0,
  NoSlot,       // start: max_recordings_per_worker reached
  NoChunk,      // start: pool empty
  Busy,         // the recorder's ring and this producer's backlog are full: retry later
  Stale,        // unknown or stale RecordingId, or the recording is not in a state for it
  BadArgument,  // e.g. a sample rate other than 8000/16000
};

class RecordingProducer {
 public:
  static constexpr std::size_t kBacklog = 64;  // control items held per ring while it is full

  // Setup only (allocates). `links[r]` and `storage` belong to RecordingService.
  RecordingProducer(std::uint16_t worker, ChunkStorage& storage,
                    std::span<RecorderLink* const> links, std::uint32_t max_recordings);
  RecordingProducer(const RecordingProducer&) = delete;
  RecordingProducer& operator=(const RecordingProducer&) = delete;

  // Cost (Release, loaded 2-core machine): push of one 20 ms 8 kHz packet ~0.14 us, loop and
  // poll() included (the feeding thread's CPU time over its 1,000,000 pushes in `dialbench
  // recording --streams 1000 --seconds 10 --unpaced`).
  ProducerStatus start(const RecordingStart& request, std::uint64_t now_ns, RecordingId& out) noexcept;
  ProducerStatus stop(RecordingId id, std::uint64_t now_ns) noexcept;
  ProducerStatus pause(RecordingId id, std::uint64_t now_ns) noexcept;
  ProducerStatus resume(RecordingId id, std::uint64_t now_ns) noexcept;
  // Tag, AnnouncementStart/End, MaskBegin/End at now_ns (Pause/Resume: use pause()/resume()).
  ProducerStatus mark(RecordingId id, MarkerKind kind, std::string_view text,
                      std::uint64_t now_ns) noexcept;
  void push(RecordingId id, Channel channel, std::span<const std::int16_t> pcm,
            std::uint64_t now_ns) noexcept;
  void poll() noexcept;

  bool active(RecordingId id) const noexcept { return find(id) != nullptr; }
  std::uint32_t free_chunks() const noexcept { return free_count_; }
  const ProducerStats& stats() const noexcept { return stats_; }

 private:
  struct Slot {
    std::uint32_t generation = 1;
    bool active = false;
    bool paused = false;
    std::uint16_t recorder = 0;
    std::uint32_t rate_hz = 8000;
    std::uint64_t start_ns = 0;
    std::array<std::uint64_t, 2> cursor{};  // next frame each channel writes
    std::array<std::uint32_t, 2> chunk{kNoChunk, kNoChunk};  // [0] current, [1] next
    std::uint64_t chunk_start = 0;                           // first frame of chunk[0]
    std::array<std::uint32_t, 2> filled{};  // highest frame written + 1, per open chunk
  };
  struct Backlog {
    std::array<RecItem, kBacklog> items{};
    std::uint32_t head = 0, count = 0;
  };

  const Slot* find(RecordingId id) const noexcept;
  Slot* find(RecordingId id) noexcept;
  std::uint64_t frames_at(const Slot& s, std::uint64_t now_ns) const noexcept;
  std::uint32_t acquire() noexcept;
  void release(std::uint32_t chunk) noexcept { free_[free_count_++] = chunk; }
  void reclaim() noexcept;
  bool open_chunk(Slot& s, int which) noexcept;
  void write(Slot& s, Channel channel, std::uint64_t pos, std::span<const std::int16_t> pcm) noexcept;
  void hand_off(Slot& s, std::uint32_t frames) noexcept;  // sends chunk[0], shifts chunk[1] in
  void hand_off_all(Slot& s) noexcept;                     // partial chunks too (pause, stop)
  bool send(std::uint16_t recorder, const RecItem& item) noexcept;  // control items: may backlog
  RecItem item_for(const Slot& s, RecordingId id, ItemKind kind) const noexcept;

  std::uint16_t worker_;
  ChunkStorage& storage_;
  std::span<RecorderLink* const> links_;
  std::uint32_t frames_per_chunk_;
  std::unique_ptr<Slot[]> slots_;
  std::uint32_t max_slots_;
  std::uint32_t next_slot_ = 0;  // where the search for a free slot starts
  std::unique_ptr<std::uint32_t[]> free_;
  std::uint32_t free_count_ = 0;
  std::unique_ptr<Backlog[]> backlog_;
  ProducerStats stats_;
};

}  // namespace dialcore::dataplane::recording
