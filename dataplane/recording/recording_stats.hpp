#pragma once
// Counters of the recording path, declared once per side (the WorkerStats pattern): the
// producer's (written by its worker only) and a recorder thread's (written by that thread only).
// Any thread reads them, relaxed, for metrics and tests.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

// X(Enumerator, "metric_name", "help text")
#define DIALCORE_PRODUCER_COUNTERS(X)                                                        \
  X(ChunksSent, "chunks_sent", "audio chunks handed to a recorder")                         \
  X(ChunksDroppedRingFull, "chunks_dropped_ring_full", "audio chunks dropped: ring full")    \
  X(ChunksDroppedPoolEmpty, "chunks_dropped_pool_empty", "audio dropped: no free chunk")     \
  X(FramesLate, "frames_late", "audio frames dropped: older than the open chunks")            \
  X(ControlBacklogged, "control_backlogged", "control items queued behind a full ring")     \
  X(ControlRejected, "control_rejected", "start/stop/marker refused: ring and backlog full") \
  X(StartsRejected, "starts_rejected", "starts refused: no slot or no chunk")                \
  X(StaleIds, "stale_ids", "calls with an unknown or stale RecordingId")

#define DIALCORE_RECORDER_COUNTERS(X)                                                        \
  X(ChunksWritten, "chunks_written", "audio chunks taken into a file")                      \
  X(BytesWritten, "bytes_written", "bytes written to audio files")                          \
  X(GapFrames, "gap_frames", "frames written as silence: pauses and dropped chunks")         \
  X(Started, "recordings_started", "recordings whose file was opened")                      \
  X(Completed, "recordings_completed", "recordings closed by stop")                         \
  X(DiskFull, "disk_full", "recordings ended by ENOSPC")                                    \
  X(OpenFailed, "open_failed", "recordings whose file could not be created")                \
  X(WriteErrors, "write_errors", "recordings ended by another write error")                 \
  X(ItemsDiscarded, "items_discarded", "items for a recording that had already ended")      \
  X(EventsDropped, "events_dropped", "state events dropped: event ring full")               \
  X(Flushes, "flushes", "buffer writes with a header update")

namespace dialcore::dataplane::recording {

// A block of relaxed counters written by one thread. Enum E indexes it.
template <typename E, std::size_t N>
class alignas(64) CounterBlock {
 public:
  // Owner thread only. Load then store: one writer, so no increment is lost, no locked op.
  // Relaxed: a count, not a synchronisation point.
  void add(E c, std::uint64_t n = 1) noexcept {
    auto& a = counters_[static_cast<std::size_t>(c)];
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Any thread. Relaxed: see add().
  std::uint64_t read(E c) const noexcept {
    return counters_[static_cast<std::size_t>(c)].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<std::uint64_t>, N> counters_{};
};

enum class ProducerCounter : std::uint16_t {
#define DIALCORE_REC_ENUM(id, name, help) id,
  DIALCORE_PRODUCER_COUNTERS(DIALCORE_REC_ENUM)
};
enum class RecorderCounter : std::uint16_t { DIALCORE_RECORDER_COUNTERS(DIALCORE_REC_ENUM) };
#undef DIALCORE_REC_ENUM

#define DIALCORE_REC_ONE(id, name, help) +1
inline constexpr std::size_t kProducerCounterCount = 0 DIALCORE_PRODUCER_COUNTERS(DIALCORE_REC_ONE);
inline constexpr std::size_t kRecorderCounterCount = 0 DIALCORE_RECORDER_COUNTERS(DIALCORE_REC_ONE);
#undef DIALCORE_REC_ONE

#define DIALCORE_REC_NAME(id, name, help) std::string_view{name},
inline constexpr std::array<std::string_view, kProducerCounterCount> kProducerCounterNames = {
    DIALCORE_PRODUCER_COUNTERS(DIALCORE_REC_NAME)};
inline constexpr std::array<std::string_view, kRecorderCounterCount> kRecorderCounterNames = {
    DIALCORE_RECORDER_COUNTERS(DIALCORE_REC_NAME)};
#undef DIALCORE_REC_NAME

#define DIALCORE_REC_HELP(id, name, help) std::string_view{help},
inline constexpr std::array<std::string_view, kProducerCounterCount> kProducerCounterHelp = {
    DIALCORE_PRODUCER_COUNTERS(DIALCORE_REC_HELP)};
inline constexpr std::array<std::string_view, kRecorderCounterCount> kRecorderCounterHelp = {
    DIALCORE_RECORDER_COUNTERS(DIALCORE_REC_HELP)};
#undef DIALCORE_REC_HELP

using ProducerStats = CounterBlock<ProducerCounter, kProducerCounterCount>;
using RecorderStats = CounterBlock<RecorderCounter, kRecorderCounterCount>;

}  // namespace dialcore::dataplane::recording
