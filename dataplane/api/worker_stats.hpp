#pragma once
// WorkerStats: one worker's counters, in one cache-aligned block that only the worker writes and
// control reads for metrics. The counters are declared once, in DIALCORE_WORKER_COUNTERS; the
// enum, the count and the name table all expand from it, so they cannot drift (VPP's
// foreach_*_error tables). Adding a counter is one line there.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

// X(Enumerator, "metric_name", "help text")
#define DIALCORE_WORKER_COUNTERS(X)                                                     \
  X(RxPackets, "rx_packets", "packets received")                                        \
  X(RxBytes, "rx_bytes", "bytes received, UDP payload")                                 \
  X(TxPackets, "tx_packets", "packets sent")                                            \
  X(TxBytes, "tx_bytes", "bytes sent, UDP payload")                                     \
  X(RxNoLeg, "rx_no_leg", "packets dropped: no leg on the destination port")            \
  X(RxMalformed, "rx_malformed", "packets dropped: RTP/RTCP parse failed")              \
  X(RxSrtpFailed, "rx_srtp_failed", "packets dropped: SRTP authentication or replay")   \
  X(TxDropped, "tx_dropped", "packets dropped: TX queue or socket buffer full")         \
  X(Commands, "commands", "commands handled, one reply each")                           \
  X(CommandErrors, "command_errors", "commands answered with a status other than ok")   \
  X(EventsDropped, "events_dropped", "events dropped: event ring full (never replies)") \
  X(LoopTurns, "loop_turns", "turns of the worker loop")                                \
  X(IdleTurns, "idle_turns", "turns of the worker loop that found no work")             \
  X(DtmfKeys, "dtmf_keys", "DTMF keys reported to control (masked ones included)")     \
  X(DtmfMaskedKeys, "dtmf_masked_keys", "DTMF keys captured while masking was armed")   \
  X(DtmfEventsSuppressed, "dtmf_events_suppressed",                                     \
    "RFC 4733 packets not forwarded: masking armed")                                    \
  X(DtmfMalformed, "dtmf_malformed", "RFC 4733 packets dropped: malformed payload")     \
  X(DtmfSent, "dtmf_sent_packets", "RFC 4733 packets we originated")                    \
  X(DspUndecodable, "dsp_undecodable", "audio frames the DSP tap could not decode (codec or rate)") \
  X(RecordingUnrecorded, "recording_unrecorded",                                         \
    "audio frames of a recorded call not recorded: codec not decodable here or other rate") \
  X(AmdFrames, "amd_frames", "20 ms frames analysed by answering-machine detection")    \
  X(AmdEvents, "amd_events", "AMD verdicts, corrections and beeps reported to control") \
  X(ConferenceTicks, "conference_ticks", "20 ms conference mix ticks")                  \
  X(ConferenceUnderruns, "conference_underruns",                                        \
    "conference members' frames mixed as silence: nothing received in time")                    \
  X(RxReordered, "rx_reordered", "RTP packets that arrived after a higher sequence number") \
  X(JbLate, "jb_late", "packets dropped by a jitter buffer: their frame was already played") \
  X(JbConcealed, "jb_concealed", "frames concealed on a transcoded leg (lost or late packets)")

namespace dialcore::dataplane {

enum class WorkerCounter : std::uint16_t {
#define DIALCORE_WORKER_COUNTER_ENUM(id, name, help) id,
  DIALCORE_WORKER_COUNTERS(DIALCORE_WORKER_COUNTER_ENUM)
#undef DIALCORE_WORKER_COUNTER_ENUM
};

inline constexpr std::size_t kWorkerCounterCount = 0
#define DIALCORE_WORKER_COUNTER_ONE(id, name, help) +1
    DIALCORE_WORKER_COUNTERS(DIALCORE_WORKER_COUNTER_ONE);
#undef DIALCORE_WORKER_COUNTER_ONE

struct CounterInfo {
  std::string_view name;  // snake_case; control adds its prefix and unit suffix
  std::string_view help;
};

// Indexed by WorkerCounter.
inline constexpr std::array<CounterInfo, kWorkerCounterCount> kWorkerCounterInfo = {{
#define DIALCORE_WORKER_COUNTER_INFO(id, name, help) CounterInfo{name, help},
    DIALCORE_WORKER_COUNTERS(DIALCORE_WORKER_COUNTER_INFO)
#undef DIALCORE_WORKER_COUNTER_INFO
}};

// Whole cache lines (alignas), so blocks of neighbouring workers never share one.
class alignas(64) WorkerStats {
 public:
  // Worker thread only. On the per-packet path, sum a burst in locals and add once per burst.
  void add(WorkerCounter counter, std::uint64_t n = 1) noexcept {
    std::atomic<std::uint64_t>& c = counters_[index(counter)];
    // Load then store instead of fetch_add: the worker is the only writer, so no increment can
    // be lost, and this avoids a locked instruction. Relaxed: a count, not a synchronisation
    // point; a reader may see it a little late, never torn (64-bit atomic).
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  // Any thread. Relaxed: see add(); counters read together may come from slightly different
  // moments, which metrics accept.
  std::uint64_t read(WorkerCounter counter) const noexcept {
    return counters_[index(counter)].load(std::memory_order_relaxed);
  }

  // Any thread: every counter, indexed like kWorkerCounterInfo.
  std::array<std::uint64_t, kWorkerCounterCount> snapshot() const noexcept {
    std::array<std::uint64_t, kWorkerCounterCount> values{};
    for (std::size_t i = 0; i < kWorkerCounterCount; ++i) {
      values[i] = counters_[i].load(std::memory_order_relaxed);  // Relaxed: see read()
    }
    return values;
  }

 private:
  static constexpr std::size_t index(WorkerCounter counter) {
    return static_cast<std::size_t>(counter);
  }

  std::array<std::atomic<std::uint64_t>, kWorkerCounterCount> counters_{};
};

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

}  // namespace dialcore::dataplane
