#pragma once
// Events from a worker to control: the Reply to each command (same seq) and the worker's own
// news (first packet, RTP timeout, periodic stats; DTMF keys and AMD results, issue 4). Fixed-size,
// numbered like commands.hpp: never renumber, only add.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "dataplane/api/commands.hpp"
#include "dataplane/api/leg_id.hpp"
#include "dataplane/api/message_payload.hpp"
#include "dataplane/api/net_address.hpp"

namespace dialcore::dataplane {

enum class EventType : std::uint16_t {
  None = 0,
  Reply = 1,        // answers the command with the same seq
  FirstPacket = 2,  // the leg received its first RTP packet (seq 0)
  RtpTimeout = 3,   // no RTP for the leg's rtp_timeout_ms (seq 0)
  Stats = 4,        // periodic LegStats (seq 0)
  Dtmf = 5,         // one key the leg received, once it ended (DtmfEventArgs; seq 0)
  Amd = 6,          // an AMD verdict, correction or beep (AmdEventArgs; seq 0)
  AudioStarted = 7,  // PlayAudio began on the leg (AudioEventArgs; seq 0)
  AudioEnded = 8,    // it played out or was stopped (AudioEventArgs; seq 0)
  RecordingState = 9,  // a recording went recording/paused/off (RecordingStateArgs; seq 0);
                       // made by control from the recorder's events (recording_api_event.hpp)
};

// Busy and TimedOut are decided by control (CommandChannel); the rest come from the worker.
enum class ReplyStatus : std::uint16_t {
  Ok = 0,
  Busy = 1,            // not sent: the command ring or the in-flight table is full; no reply
  TimedOut = 2,        // sent, but no reply before the deadline: wedged-worker alarm
  StaleLeg = 3,        // the LegId's generation no longer matches its slot
  NoCapacity = 4,      // the leg table (or another fixed pool) is full
  BadArgument = 5,     // malformed arguments, or CommandType::None
  Unsupported = 6,     // e.g. a codec or SRTP suite this build cannot do
  WrongState = 7,      // e.g. Bridge on a leg that is already bridged
  InUse = 8,           // CreateLeg on a local address another leg holds
  UnknownCommand = 9,  // a CommandType this worker does not know (newer control)
};

inline constexpr std::size_t kEventPayloadBytes = 104;

template <typename Args, std::size_t Bytes>
inline constexpr bool kIsEventArgs = std::is_trivially_copyable_v<Args> &&
                                     (sizeof(Args) == Bytes) && (Bytes <= kEventPayloadBytes);

// Per-leg counters: the payload of EventType::Stats and of the reply to CommandType::Stats.
struct LegStats {
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_bytes = 0;
  std::uint32_t lost = 0;           // RFC 3550 cumulative packets lost
  std::uint32_t jitter_rtp_ts = 0;  // RFC 3550 interarrival jitter, RTP timestamp units
  std::uint32_t late = 0;           // arrived after their playout time (jitter buffer)
  std::uint32_t duplicates = 0;
  std::uint32_t malformed = 0;      // dropped by the RTP parser
  std::uint32_t srtp_failures = 0;  // authentication or replay check failed
  std::uint32_t reordered = 0;      // arrived after a packet with a higher sequence number
  std::uint32_t concealed = 0;      // frames the decoder concealed (jitter buffer: missing)
};
static_assert(kIsEventArgs<LegStats, 64>);

struct FirstPacketArgs {
  NetAddress source;  // where it came from (the latched remote, with latching on)
};
static_assert(kIsEventArgs<FirstPacketArgs, 20>);

// The reply to CreateLeg: the new leg is Event::leg; this is its bound address (the port the
// system chose when CreateLegArgs::local asked for port 0).
struct CreateLegReplyArgs {
  NetAddress local;
};
static_assert(kIsEventArgs<CreateLegReplyArgs, 20>);

struct RtpTimeoutArgs {
  std::uint32_t silent_ms = 0;  // time since the last packet (or since CreateLeg)
};
static_assert(kIsEventArgs<RtpTimeoutArgs, 4>);

enum class DtmfSource : std::uint8_t { Inband = 0, Rfc4733 = 1 };

// How the key's end was known: its tones stopped or its RFC 4733 end packet came (Normal); or
// RFC 4733 end packets were all lost and a newer key (NextKey) or a timeout (Timeout) ended it.
enum class DtmfEnd : std::uint8_t { Normal = 0, NextKey = 1, Timeout = 2 };

// A key the leg received. `masked`: captured while PCI masking was armed; it went nowhere else
// (not forwarded, not in the audio), and control must keep it out of logs and agent events.
struct DtmfEventArgs {
  std::uint64_t start_ns = 0;   // the worker's clock (poll's now_ns) at the key's start
  std::uint32_t duration_ms = 0;
  std::uint32_t rtp_start_ts = 0;  // RFC 4733: the event's timestamp; in-band: 0
  char key = 0;                 // '0'-'9', '*', '#', 'A'-'D'
  DtmfSource source = DtmfSource::Inband;
  bool masked = false;
  DtmfEnd end = DtmfEnd::Normal;
};
static_assert(kIsEventArgs<DtmfEventArgs, 24>);

// AMD (StartAmd, commands.hpp). The numbers mirror dsp::AmdResult / dsp::AmdCause /
// dsp::SitCode (dataplane/dsp/amd_detector.hpp, amd_sit.hpp; the worker static_asserts it).
enum class AmdResultCode : std::uint8_t {
  Undecided = 0, Human = 1, Machine = 2, NotSure = 3, Fax = 4, Sit = 5, Silence = 6
};
enum class AmdCauseCode : std::uint8_t {
  None = 0,
  InitialSilence = 1,     // SILENCE: nothing heard for initial_silence_ms (or no RTP at all)
  GreetingThenPause = 2,  // HUMAN: a greeting, then after_greeting_silence_ms of quiet
  LongGreeting = 3,       // MACHINE: the greeting lasted greeting_ms
  BeepAfterGreeting = 4,  // MACHINE: a beep came before either timing rule
  FaxCng = 5, FaxCed = 6, FaxV21 = 7,
  SitTones = 8,           // SIT: `sit` has the Telcordia code
  AnalysisTimeout = 9,    // NOTSURE: total_analysis_ms passed
  LateGreeting = 10,      // Correction: the "answer" went on after a short pause
  LateBeep = 11,          // Correction: a beep while the HUMAN was provisional
  EndOfInput = 12,        // the worker ended an analysis whose audio stopped coming
};

// One AMD event. Exactly one of: a verdict (!correction, !beep), a Correction (a provisional
// HUMAN is a MACHINE after all: result Machine, cause LateGreeting/LateBeep), a beep onset
// (beep, !beep_end: onset_ms is when it began) or the beep's end (beep, beep_end: the moment to
// start leaving a message). Control acts on a HUMAN at once and undoes it on a Correction.
struct AmdEventArgs {
  std::uint64_t at_ns = 0;     // the worker's clock when it was posted
  std::uint32_t at_ms = 0;     // audio since StartAmd when it was taken (the detector's time)
  std::uint32_t onset_ms = 0;  // the speech or tone onset it refers to (0 if none)
  AmdResultCode result = AmdResultCode::Undecided;  // the leg's verdict (after a beep: Machine)
  AmdCauseCode cause = AmdCauseCode::None;
  bool correction = false;
  bool beep = false;
  bool beep_end = false;
  std::uint8_t sit = 0;        // dsp::SitCode for SIT (1 Intercept ... 9 Unknown), else 0
  std::uint16_t freq_hz = 0;   // the tone's frequency for FAX, SIT (third tone) and beeps
};
static_assert(kIsEventArgs<AmdEventArgs, 24>);

// "HUMAN", "MACHINE", "NOTSURE", "FAX", "SIT", "SILENCE" ("UNDECIDED"), as the corpus labels.
inline std::string_view to_string(AmdResultCode r) {
  switch (r) {
    case AmdResultCode::Undecided: return "UNDECIDED";
    case AmdResultCode::Human: return "HUMAN";
    case AmdResultCode::Machine: return "MACHINE";
    case AmdResultCode::NotSure: return "NOTSURE";
    case AmdResultCode::Fax: return "FAX";
    case AmdResultCode::Sit: return "SIT";
    case AmdResultCode::Silence: return "SILENCE";
  }
  return "UNKNOWN";
}

// A prompt or tone on a leg (announcement markers for recordings).
struct AudioEventArgs {
  std::uint64_t at_ns = 0;       // the worker's clock when it started / ended
  std::uint32_t clip_id = 0;
  std::uint32_t played_ms = 0;   // AudioEnded: audio sent
  std::uint32_t loops = 0;       // AudioEnded: whole plays of the clip or tone cadence
  bool stopped = false;          // AudioEnded: by StopAudio, a new PlayAudio or DestroyLeg
};
static_assert(kIsEventArgs<AudioEventArgs, 24>);

// The reply to StartRecording: the recording's handle (recording::RecordingId as bytes).
struct StartRecordingReplyArgs {
  std::uint16_t worker = 0;
  std::uint16_t slot = 0;
  std::uint32_t generation = 0;
  std::uint8_t producer_status = 0;  // recording::ProducerStatus (0 Ok, 1 NoSlot, 2 NoChunk, 3 Busy)
  std::array<std::uint8_t, 3> reserved{};
};
static_assert(kIsEventArgs<StartRecordingReplyArgs, 12>);

// A recording's state changed; Event::leg is invalid (the handle names the recording, as the
// StartRecording reply gave it). The recorder threads make these, not the worker: control reads
// them with RecordingService::poll_events and converts them with recording::to_api_event.
struct RecordingStateArgs {
  std::uint16_t worker = 0;
  std::uint16_t slot = 0;
  std::uint32_t generation = 0;
  std::uint8_t state = 0;   // recording::RecordingState: 1 recording, 2 paused, 3 off
  std::uint8_t reason = 0;  // recording::OffReason when off (1 stopped, 2 disk full, ...)
  std::int32_t error = 0;   // errno for open/write failures and disk full
  std::uint64_t offset_frames = 0;
  std::uint64_t frames = 0;
};
static_assert(kIsEventArgs<RecordingStateArgs, 32>);

// Two cache lines, for the same reason as Command.
struct alignas(64) Event {
  std::uint64_t seq = 0;  // the command's seq for a Reply; 0 for the worker's own events
  LegId leg;              // the command's leg; for CreateLeg, the new leg
  EventType type = EventType::None;
  ReplyStatus status = ReplyStatus::Ok;     // meaningful for Reply
  CommandType command = CommandType::None;  // for Reply: what it answers
  std::uint16_t reserved = 0;
  MessagePayload<kEventPayloadBytes> payload;  // LegStats, FirstPacketArgs, RtpTimeoutArgs

  template <typename Args>
  Args args() const noexcept {
    return payload.load<Args>();
  }
};

static_assert(std::is_trivially_copyable_v<Event>);
static_assert(sizeof(Event) == 128);

inline Event make_reply(const Command& cmd, ReplyStatus status) noexcept {
  Event reply;
  reply.seq = cmd.seq;
  reply.leg = cmd.leg;
  reply.type = EventType::Reply;
  reply.status = status;
  reply.command = cmd.type;
  return reply;
}

template <typename Args>
Event make_event(EventType type, LegId leg, const Args& args) noexcept {
  Event event;
  event.leg = leg;
  event.type = type;
  event.payload.store(args);
  return event;
}

inline std::string_view to_string(ReplyStatus status) {
  switch (status) {
    case ReplyStatus::Ok: return "ok";
    case ReplyStatus::Busy: return "dataplane_busy";
    case ReplyStatus::TimedOut: return "dataplane_timeout";
    case ReplyStatus::StaleLeg: return "stale_leg";
    case ReplyStatus::NoCapacity: return "no_capacity";
    case ReplyStatus::BadArgument: return "bad_argument";
    case ReplyStatus::Unsupported: return "unsupported";
    case ReplyStatus::WrongState: return "wrong_state";
    case ReplyStatus::InUse: return "in_use";
    case ReplyStatus::UnknownCommand: return "unknown_command";
  }
  return "unknown";
}

}  // namespace dialcore::dataplane
