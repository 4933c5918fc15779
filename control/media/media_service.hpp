#pragma once
// MediaService: control's side of the dataplane, on the control thread's boost::asio::io_context.
// One CommandChannel per worker (over that worker's WorkerRings, handed in by the composition
// root: control never links worker code). Every call is asynchronous and completes exactly once,
// with a callback run on the io_context's thread, never inside the call itself:
//   - the worker's reply (Ok or its error: StaleLeg, NoCapacity, BadArgument, InUse, ...);
//   - Busy (dataplane_busy): the command ring or the in-flight table stayed full through
//     MediaSettings::busy_retries retries with back-off (1, 2, 4, 8, 16, 16 ms: ~50 ms), or the
//     per-worker queue is full. Commands refused Busy are queued per worker and retried in
//     order, so a later command never overtakes an earlier one on the same worker; when the
//     oldest exhausts its retries, the whole queue of that worker fails Busy with it;
//   - TimedOut (dataplane_timeout): no reply within reply_timeout (a wedged or stopped worker).
// A CreateLeg whose reply comes after its timeout made a leg nobody knows: it is destroyed at
// once (counters().late_creates_destroyed), so a timeout never leaks a leg or its port.
//
// Events. Each leg has one event handler (given to allocate_leg, or replaced by subscribe());
// the worker's events for that leg (FirstPacket, RtpTimeout, Dtmf, Amd, AudioStarted,
// AudioEnded, Stats) are delivered to it. destroy() removes the leg's entry at once: its later events
// (and those of legs never known) are dropped and counted (events_dropped), never delivered
// to someone else.
//
// Polling. Workers cannot wake the io_context (no syscall on their side), so a steady_timer
// polls the event rings: every busy_poll (1 ms) while any command is in flight or queued, every
// idle_poll (5 ms) otherwise, since workers post events at any time. A poll of N idle rings costs
// ~0.1 µs each plus the timer's wake-up (~3-5 µs on this machine kind): ~0.5 % of a core at
// 1 ms, ~0.1 % at 5 ms. A reply waits at most one busy_poll for control to see it; an event at
// most one idle_poll (DTMF keys and first-packet events tolerate 5 ms).
//
// Threads: the io_context's thread only (one thread runs it), including construction.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "control/media/media_leg.hpp"
#include "control/media/media_settings.hpp"
#include "dataplane/api/command_channel.hpp"
#include "dataplane/api/commands.hpp"
#include "dataplane/api/events.hpp"
#include "dataplane/api/worker_rings.hpp"

namespace dialcore::control::media {

using dataplane::ReplyStatus;

using Done = std::function<void(ReplyStatus)>;
using EventHandler = std::function<void(const dataplane::Event&)>;

struct Allocated {
  ReplyStatus status = ReplyStatus::Ok;
  MediaLeg leg;                 // valid when status is Ok
  dataplane::NetAddress local;  // the address and port the leg receives on (for SDP)
};
using AllocateDone = std::function<void(const Allocated&)>;
using StatsDone = std::function<void(ReplyStatus, const dataplane::LegStats&)>;

// A call's recording (issue 5), named by its CUSTOMER leg (the carrier side): left channel what
// that leg receives, right what it hears (dataplane/api/commands.hpp, StartRecordingArgs).
struct RecordingRequest {
  std::string call_id;                  // 1-47 characters
  std::string campaign;                 // 0-31
  std::string queue;                    // 0-31: an inbound queue's call ({queue}); then no campaign
  std::string agent;                    // 0-31
  std::uint16_t sample_rate_hz = 8000;  // 8000 | 16000
  std::uint8_t format = 0;              // 0 stereo WAV, 1 mono WAV, 2 Ogg Opus
  std::uint64_t start_unix_ms = 0;      // wall clock (metadata, the path's date)
};
// The reply's handle names the recording in later RecordingState events (status Ok only).
using RecordingDone = std::function<void(ReplyStatus, const dataplane::StartRecordingReplyArgs&)>;

struct MediaCounters {
  std::uint64_t commands_ok = 0;      // replies Ok
  std::uint64_t commands_failed = 0;  // any other completion (error reply, Busy, TimedOut)
  std::uint64_t busy_retries = 0;     // resubmissions after Busy
  std::uint64_t busy_failures = 0;    // commands failed Busy after their retries
  std::uint64_t timeouts = 0;
  std::uint64_t late_replies = 0;
  std::uint64_t late_creates_destroyed = 0;  // legs made by a late CreateLeg, destroyed
  std::uint64_t events_delivered = 0;
  std::uint64_t events_dropped = 0;  // for a leg destroyed or never known
};

class MediaService {
 public:
  using Clock = std::function<std::uint64_t()>;  // steady nanoseconds

  // `rings[i]` is worker i's; each must be used by this service alone. `clock` defaults to
  // std::chrono::steady_clock (the control thread's clock adapter).
  MediaService(boost::asio::io_context& io, std::vector<dataplane::WorkerRings*> rings,
               MediaSettings settings, Clock clock = {});
  ~MediaService();  // pending completions are dropped, not called
  MediaService(const MediaService&) = delete;
  MediaService& operator=(const MediaService&) = delete;

  std::size_t worker_count() const noexcept { return lanes_.size(); }

  // A new leg receiving on settings.addresses[placement.address] at a port of its worker's
  // shard. `events` receives the leg's events from the moment it exists.
  void allocate_leg(const LegPlacement& placement, EventHandler events, AllocateDone done);
  bool subscribe(const MediaLeg& leg, EventHandler events);  // false: leg unknown

  void set_remote(const MediaLeg& leg, const dataplane::SetRemoteArgs& args, Done done);
  void set_codec(const MediaLeg& leg, const dataplane::SetCodecArgs& args, Done done);
  void set_srtp(const MediaLeg& leg, const dataplane::SetSrtpArgs& args, Done done);
  // Both legs on one worker (else WrongState, nothing sent).
  void bridge(const MediaLeg& a, const MediaLeg& b, Done done);
  void unbridge(const MediaLeg& leg, Done done);
  void hold(const MediaLeg& leg, bool on, Done done);
  void mute(const MediaLeg& leg, bool on, Done done);
  void set_dtmf(const MediaLeg& leg, const dataplane::SetDtmfArgs& args, Done done);
  void mask_dtmf(const MediaLeg& leg, const dataplane::MaskDtmfArgs& args, Done done);
  void send_dtmf(const MediaLeg& leg, const dataplane::SendDtmfArgs& args, Done done);
  // Keys '0'-'9', '*', '#', 'A'-'D', at most 32, with the default timing; else BadArgument.
  void send_dtmf(const MediaLeg& leg, std::string_view keys, Done done);
  void play_audio(const MediaLeg& leg, const dataplane::PlayAudioArgs& args, Done done);
  void stop_audio(const MediaLeg& leg, Done done);
  void stats(const MediaLeg& leg, StatsDone done);
  // Stops event delivery for the leg at once, then frees it on its worker.
  void destroy(const MediaLeg& leg, Done done);
  void ping(std::uint32_t worker, Done done);  // proves the worker's loop turns

  // Recording (media_recording.cpp). Unsupported when the worker has no recorder; WrongState for
  // a second start or a stop/pause/resume/tag without one (pause while paused, ...);
  // NoCapacity when the recorder is full (retry later); BadArgument for a text too long, an
  // empty call id, a rate or format not listed (then nothing is sent). Callbacks run once.
  void start_recording(const MediaLeg& customer, const RecordingRequest& request,
                       RecordingDone done);
  void stop_recording(const MediaLeg& customer, Done done);
  void pause_recording(const MediaLeg& customer, Done done);
  void resume_recording(const MediaLeg& customer, Done done);
  void tag_recording(const MediaLeg& customer, std::string_view text, Done done);  // <= 39 chars

  // Answering-machine detection (media_amd.cpp; the contract: dataplane/api/commands.hpp,
  // AmdArgs, and control/media/README.md). The leg's EventHandler then receives EventType::Amd
  // events (AmdEventArgs): the verdict once, for a HUMAN possibly a Correction to MACHINE about
  // 2 s later (act on the HUMAN at once, undo on the Correction), and with args.report_beep the
  // beep's onset and end after MACHINE. amd_args(config::Amd) (media_amd.hpp) builds the args.
  // Worker replies: StaleLeg, Unsupported (audio not decodable on that worker: a PCM rate
  // other than 8/16 kHz), NoCapacity (AMD pool empty), WrongState (an analysis already
  // runs on the leg). stop_amd is Ok also when none runs; its events stop with its reply.
  void start_amd(const MediaLeg& leg, const dataplane::AmdArgs& args, Done done);
  void stop_amd(const MediaLeg& leg, Done done);
  // Conferences (media_conference.cpp; issue 8, the contract: dataplane/api/commands.hpp
  // ConferenceJoinArgs). `leg` joins the conference `with` is in, or a new one of the two; it
  // leaves its bridge. Both on one worker, else WrongState (nothing sent). Worker replies:
  // WrongState (already a member), NoCapacity (full, or no free conference), Unsupported (a
  // codec the mixer cannot decode at 8 kHz). conference_leave: WrongState when not a member; the
  // last two members are bridged again by the worker.
  void conference_join(const MediaLeg& leg, const MediaLeg& with, Done done);
  void conference_leave(const MediaLeg& leg, Done done);

  // Orderly stop: new allocations fail WrongState, every known leg is destroyed, and `done` runs
  // once nothing is in flight or queued (bounded by reply_timeout); then polling stops.
  void shutdown(std::function<void()> done);

  // Live reload (dataplane.no_rtp_timeout_ms): applies to legs allocated from now on.
  void set_rtp_timeout_ms(std::uint32_t ms) noexcept { settings_.rtp_timeout_ms = ms; }

  const MediaCounters& counters() const noexcept { return counters_; }
  const dataplane::ChannelCounters& channel_counters(std::uint32_t worker) const noexcept;
  std::size_t legs(std::uint32_t worker) const noexcept { return lanes_[worker]->legs; }
  std::size_t in_flight(std::uint32_t worker) const noexcept;
  std::size_t queued(std::uint32_t worker) const noexcept { return lanes_[worker]->backlog.size(); }

 private:
  using Complete = std::function<void(const dataplane::Event&)>;
  struct Op {
    dataplane::Command cmd;
    Complete complete;
    std::uint32_t retries = 0;
  };
  struct Lane {
    Lane(dataplane::WorkerRings& rings, std::size_t max_in_flight, std::uint64_t timeout_ns)
        : channel(rings, max_in_flight, timeout_ns) {}
    dataplane::CommandChannel channel;
    std::unordered_map<std::uint64_t, Op> pending;  // by seq
    std::deque<Op> backlog;                         // refused Busy, retried in order
    std::uint64_t retry_at_ns = 0;
    std::uint64_t backoff_ns = 0;
    std::vector<std::pair<dataplane::Delivery, dataplane::Event>> deliveries;  // one poll's
    std::size_t legs = 0;
    std::size_t creating = 0;
  };

  void submit(std::uint32_t worker, const dataplane::Command& cmd, Complete complete);
  void leg_command(const MediaLeg& leg, const dataplane::Command& cmd, Done done);
  template <typename Args>
  void leg_command(const MediaLeg& leg, const Args& args, Done done) {
    leg_command(leg, dataplane::make_command(leg.id, args), std::move(done));
  }
  void fail_soon(Done done, ReplyStatus status);
  void finish(Op& op, ReplyStatus status);
  void drain(std::uint32_t worker, std::uint64_t now_ns);
  void dispatch(std::uint32_t worker);
  void on_late_reply(std::uint32_t worker, const dataplane::Event& e);
  void on_event(std::uint32_t worker, const dataplane::Event& e);
  bool busy() const noexcept;
  void arm(std::chrono::microseconds delay);
  void tick();
  std::uint32_t pick_worker(const LegPlacement& placement) const;

  boost::asio::io_context& io_;
  MediaSettings settings_;
  Clock clock_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::unordered_map<MediaLeg, std::shared_ptr<EventHandler>, MediaLegHash> legs_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point timer_due_{};
  bool timer_armed_ = false;
  bool closing_ = false;
  std::function<void()> shutdown_done_;
  MediaCounters counters_;
};

}  // namespace dialcore::control::media
