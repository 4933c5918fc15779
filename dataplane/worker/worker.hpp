#pragma once
// Worker: one dataplane core's run-to-completion loop (DPDK's l3fwd shape). Each turn, in this
// order, and why:
//   1. commands (a bounded number), so setup never starves and a new leg is in place before
//      its first packets are looked up;
//   2. one RX burst, each packet relayed in place (SRTP, parse, latch, stats, rewrite, SRTP)
//      or transcoded into a fresh packet, collected into one TX burst;
//   3. the TX burst flushed and the dropped packets freed, once per burst;
//   4. timeouts, at most every timeout_scan_ns.
// The worker owns its legs, its BurstIo and its stats; control reaches it only through
// WorkerRings. Time is passed in (poll(now_ns)); nothing here reads a clock, locks or waits,
// and the packet path does not allocate (setup commands may: SRTP contexts, codecs).

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "dataplane/api/commands.hpp"
#include "dataplane/api/events.hpp"
#include "dataplane/api/worker_endpoint.hpp"
#include "dataplane/api/worker_rings.hpp"
#include "dataplane/api/worker_stats.hpp"
#include "dataplane/io/burst_io.hpp"
#include "dataplane/recording/recording_producer.hpp"
#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/worker/conference.hpp"
#include "dataplane/worker/leg_amd.hpp"
#include "dataplane/worker/leg_dtmf.hpp"
#include "dataplane/worker/leg_recording.hpp"
#include "dataplane/worker/leg_table.hpp"
#include "dataplane/worker/prompt_player.hpp"

namespace dialcore::dataplane {

struct WorkerConfig {
  std::uint32_t max_legs = 1024;
  std::uint32_t max_ports = 1024;          // the backend's port table size
  std::uint32_t commands_per_turn = 32;
  std::uint64_t timeout_scan_ns = 100'000'000;
  std::uint64_t seed = 1;                  // our SSRCs, first sequence numbers and timestamps
  // DSP pools (leg_dtmf.hpp); 0 = sized from max_legs: detectors max_legs, maskers and
  // in-band generators max_legs / 8 (at least 1).
  std::uint32_t dtmf_detectors = 0;
  std::uint32_t dtmf_maskers = 0;
  std::uint32_t dtmf_generators = 0;
  // AMD analyses at once (AmdSlot, leg_amd.hpp: 2,912 B each); 0 = max_legs.
  std::uint32_t amd_detectors = 0;
  // Conferences at once (Conference, conference.hpp: ~15 KiB each); 0 = max(1, max_legs / 16).
  std::uint32_t conferences = 0;
  const PromptLibrary* prompts = nullptr;  // clips for PlayAudio; read-only once the worker runs
  // This worker's side of RecordingService (service.producer(w)); null: the recording commands
  // reply Unsupported. Used on the worker's thread only.
  recording::RecordingProducer* recorder = nullptr;
  // Transcoded legs decode through a jitter buffer (dataplane/rtp/jitter_buffer.hpp) whose
  // delay adapts between these bounds; off: decoded as received (no delay, no reordering).
  bool jitter_buffer = true;
  std::uint32_t jitter_min_ms = 20;
  std::uint32_t jitter_max_ms = 120;
};

class Worker {
 public:
  Worker(const WorkerConfig& config, BurstIo& io, WorkerRings& rings);

  // One turn at now_ns. True when it did any work (for the idle back-off of a shared core).
  bool poll(std::uint64_t now_ns) noexcept;

  const WorkerStats& stats() const noexcept { return stats_; }
  std::uint32_t legs() const noexcept { return legs_.size(); }

 private:
  ReplyStatus handle(const Command& cmd, Event& reply, std::uint64_t now_ns) noexcept;
  ReplyStatus create_leg(const Command& cmd, Event& reply, std::uint64_t now_ns) noexcept;
  ReplyStatus destroy_leg(Leg& leg, std::uint64_t now_ns) noexcept;
  ReplyStatus set_codec(Leg& leg, const SetCodecArgs& args) noexcept;
  ReplyStatus set_srtp(Leg& leg, const SetSrtpArgs& args) noexcept;
  ReplyStatus bridge(Leg& a, Leg& b) noexcept;
  void unbridge(Leg& leg) noexcept;
  ReplyStatus setup_transcoding(Leg& from, Leg& to) noexcept;
  // DTMF (worker_dtmf.cpp)
  ReplyStatus set_dtmf(Leg& leg, const SetDtmfArgs& args) noexcept;
  ReplyStatus mask_dtmf(Leg& leg, const MaskDtmfArgs& args) noexcept;
  ReplyStatus send_dtmf(Leg& leg, const SendDtmfArgs& args, std::uint64_t now_ns) noexcept;
  void release_dtmf(Leg& leg) noexcept;
  bool can_tap(const Leg& leg) const noexcept;
  LegDtmf& dtmf(const Leg& leg) noexcept { return dtmf_[leg.id.index]; }
  void sync_dsp_flags(Leg& leg) noexcept;  // Leg::dsp_tap / dsp_out from its LegDtmf
  // An RFC 4733 packet the leg received; false when it must not be forwarded (masking armed).
  bool on_telephone_event(Leg& leg, const rtp::RtpPacket& rtp, std::span<const std::uint8_t> payload,
                          std::uint64_t now_ns) noexcept;
  // The per-leg frame hook before encode: detection or masking of what `leg` received (in
  // place), then in-band keys for `to` (the leg the audio goes to) written over it.
  // True when pcm was rewritten.
  bool dsp_frame(Leg& leg, Leg* to, std::span<std::int16_t> pcm, std::uint64_t now_ns) noexcept;
  // The same on a G.711 payload relayed as it is: decoded, tapped, re-encoded when changed.
  // The decoded audio is also what recording takes (record_received, `bridged` the leg's peer).
  void dsp_g711(Leg& leg, Leg* to, const Leg* bridged, codecs::CodecId codec,
                std::span<std::uint8_t> payload, std::uint64_t now_ns) noexcept;
  void post_dtmf(Leg& leg, const DtmfEventArgs& args) noexcept;
  void report_telephone_event(Leg& leg, const rtp::TelephoneEventReport& report) noexcept;
  void poll_dtmf_senders(std::uint64_t now_ns) noexcept;
  // Answering-machine detection (worker_amd.cpp)
  ReplyStatus start_amd(Leg& leg, const AmdArgs& args, std::uint64_t now_ns) noexcept;
  void release_amd(Leg& leg) noexcept;  // the analysis finished (packet path: frees nothing)
  void stop_amd(Leg& leg) noexcept;     // StopAmd, DestroyLeg: also frees its decoder
  bool decode_for_amd(Leg& leg, codecs::CodecId codec, std::span<const std::uint8_t> payload,
                      std::span<std::int16_t> pcm, std::uint64_t now_ns) noexcept;
  bool can_amd(const Leg& leg) const noexcept;
  // What the leg received, decoded (8 or 16 kHz), into its detector 20 ms at a time.
  void feed_amd(Leg& leg, std::span<const std::int16_t> pcm, std::uint32_t rate_hz,
                std::uint64_t now_ns) noexcept;
  void post_amd(Leg& leg, AmdSlot& slot, std::span<const dsp::AmdEvent> events,
                std::uint64_t now_ns) noexcept;
  void scan_amd(Leg& leg, std::uint64_t now_ns) noexcept;  // RTP gaps as silence; the guard
  // Prompts and tones (worker_prompts.cpp)
  ReplyStatus play_audio(Leg& leg, const PlayAudioArgs& args, std::uint64_t now_ns) noexcept;
  ReplyStatus stop_audio(Leg& leg, std::uint64_t now_ns) noexcept;
  void end_audio(Leg& leg, bool stopped, std::uint64_t now_ns) noexcept;
  static bool playing(const Leg& leg) noexcept { return leg.playing; }
  void poll_players(std::uint64_t now_ns) noexcept;

  // Conferences (worker_conference.cpp)
  ReplyStatus conference_join(Leg& leg, const ConferenceJoinArgs& args, std::uint64_t now_ns) noexcept;
  ReplyStatus conference_leave(Leg& leg) noexcept;
  ReplyStatus conference_codec(Leg& leg) noexcept;  // SetCodec on a member: its codecs again
  void enter_conference(Leg& leg, std::uint32_t slot) noexcept;
  void exit_conference(Leg& leg) noexcept;
  void conference_rx(Leg& leg, const CodecSpec& in, std::span<const std::uint8_t> payload,
                     std::uint64_t now_ns) noexcept;
  void poll_conferences(std::uint64_t now_ns) noexcept;
  void conference_tick(Conference& c, std::uint64_t now_ns) noexcept;

  // Recording (worker_recording.cpp)
  ReplyStatus recording_command(Leg& leg, const Command& cmd, Event& reply,
                                std::uint64_t now_ns) noexcept;
  ReplyStatus start_recording(Leg& customer, const StartRecordingArgs& args, Event& reply,
                              std::uint64_t now_ns) noexcept;
  // Ends the customer leg's recording. A full recorder ring (Busy): with `must`, the stop is
  // queued and retried each turn (DestroyLeg cannot fail); without, NoCapacity and nothing done.
  ReplyStatus stop_recording(Leg& customer, bool must, std::uint64_t now_ns) noexcept;
  void retry_stops(std::uint64_t now_ns) noexcept;
  LegRecording& rec(const Leg& leg) noexcept { return rec_[leg.id.index]; }
  // A marker on the recordings the leg's audio goes to: its own (customer) and its peer's.
  void mark_recordings(const Leg& leg, recording::MarkerKind kind, std::string_view text,
                       std::uint64_t now_ns) noexcept;
  void mark_announcement(const Leg& leg, recording::MarkerKind kind, std::uint32_t clip_id,
                         std::uint64_t now_ns) noexcept;
  static bool records(const Leg& leg, const Leg* peer) noexcept {
    return leg.recorded || (peer != nullptr && peer->recorded);
  }
  // What `leg` received, after its tap: the left channel of its own recording and the right
  // channel of its bridged peer's (unless a prompt plays to the peer: that is what it hears).
  void record_received(const Leg& leg, const Leg* peer, std::span<const std::int16_t> pcm,
                       std::uint32_t rate_hz, std::uint64_t now_ns) noexcept;
  void record(const Leg& customer, recording::Channel channel, std::span<const std::int16_t> pcm,
              std::uint32_t rate_hz, std::uint64_t now_ns) noexcept;

  void relay(Packet* p, std::uint64_t now_ns) noexcept;
  void relay_rtp(Leg& leg, Packet* p, std::uint64_t now_ns) noexcept;
  // Transcoding (worker_transcode.cpp): into the leg's jitter buffer (or decoded at once),
  // played out each turn, tapped, encoded for the peer.
  void forward_transcoded(Leg& leg, Leg& peer, const rtp::RtpPacket& rtp,
                          std::span<const std::uint8_t> payload, std::uint64_t now_ns) noexcept;
  void poll_transcoders(std::uint64_t now_ns) noexcept;
  void play_transcoded(Leg& leg, Leg& peer, std::uint64_t now_ns) noexcept;
  void tap_transcoded(Leg& leg, Leg& peer, std::span<std::int16_t> pcm, std::uint64_t now_ns) noexcept;
  void send_transcoded(Leg& leg, Leg& peer, std::span<const std::uint8_t> coded,
                       std::uint32_t ts_step, std::uint64_t now_ns) noexcept;
  void send_to(Leg& peer, Packet* p) noexcept;  // SRTP-protects, addresses and queues p
  void drop(Packet* p) noexcept { dropped_[dropped_count_++] = p; }
  void flush() noexcept;
  void scan_timeouts(std::uint64_t now_ns) noexcept;
  std::uint32_t random32() noexcept;

  WorkerConfig config_;
  BurstIo& io_;
  WorkerEndpoint endpoint_;
  LegTable legs_;
  WorkerStats stats_;
  std::uint64_t rng_;
  std::uint64_t next_scan_ns_ = 0;

  std::vector<LegDtmf> dtmf_;             // indexed like the leg table
  SlotPool<dsp::DtmfDetector> detectors_;
  SlotPool<dsp::DtmfMasker> maskers_;
  SlotPool<dsp::DtmfGenerator> generators_;
  SlotPool<AmdSlot> amd_pool_;
  std::vector<std::uint32_t> amd_slots_;  // indexed like the leg table; kNoSlot: no AMD
  std::vector<LegId> senders_;            // legs with RFC 4733 keys queued (capacity max_legs)
  struct Play {  // a leg's prompt: its player lives until the next command on the leg frees it
    std::unique_ptr<PromptPlayer> player;
    std::uint64_t next_ns = 0;
    std::uint64_t started_ns = 0;
    std::uint32_t ts = 0;   // the prompt as a source of its own, mapped by the leg's rewriter
    std::uint16_t seq = 0;
    bool active = false;
  };
  std::vector<Play> plays_;               // indexed like the leg table
  std::vector<LegId> playing_;            // legs with an active prompt (capacity max_legs)
  SlotPool<Conference> conferences_;
  std::vector<std::uint32_t> conference_of_;       // indexed like the leg table; kNoSlot: none
  std::vector<std::uint32_t> conferences_active_;  // slots mixing (capacity: the pool's)
  std::vector<LegId> transcoding_;        // legs with a jitter buffer to play out (capacity max_legs)
  std::vector<LegRecording> rec_;                    // indexed like the leg table
  std::vector<recording::RecordingId> pending_stops_;  // stops a full ring refused (capacity max_legs)
  std::array<std::int16_t, 16000 * 120 / 1000> dsp_pcm_{};  // one payload decoded (<= 120 ms, 16 kHz)

  // One burst in, at most one packet out per packet in plus transcoded extras: both arrays
  // are flushed whenever they could overflow.
  static constexpr std::size_t kBatch = 2 * kMaxBurst;
  std::array<Packet*, kBatch> tx_{};
  std::size_t tx_count_ = 0;
  std::array<Packet*, kBatch> dropped_{};
  std::size_t dropped_count_ = 0;
};

}  // namespace dialcore::dataplane
