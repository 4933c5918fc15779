#pragma once
// Commands from control to a worker: a numbered type, a fixed-size message, one argument struct
// per type. Control builds them with make_command and hands them to CommandChannel::submit, which
// assigns the sequence number; the worker answers each with exactly one Reply event (events.hpp)
// carrying the same seq. The numbers are an ABI between the two planes: never renumber, only add.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "dataplane/api/codec_spec.hpp"
#include "dataplane/api/leg_id.hpp"
#include "dataplane/api/message_payload.hpp"
#include "dataplane/api/net_address.hpp"
#include "dataplane/api/srtp_key.hpp"

namespace dialcore::dataplane {

enum class CommandType : std::uint16_t {
  None = 0,        // a zeroed message; the worker replies BadArgument
  CreateLeg = 1,   // Command::leg unused; the reply's leg is the new LegId
  DestroyLeg = 2,  // frees the slot; the LegId goes stale
  SetRemote = 3,
  SetCodec = 4,
  SetSrtp = 5,
  Bridge = 6,  // both legs must live on this worker
  Unbridge = 7,
  Hold = 8,
  Mute = 9,
  PlayAudio = 10,
  StopAudio = 11,
  Stats = 12,  // the reply carries LegStats (events.hpp)
  Ping = 13,   // no leg; proves the worker loop turns (wedged-worker check when idle)
  SetDtmf = 14,   // which DTMF the leg reports: in-band detection, RFC 4733 (issue 4)
  MaskDtmf = 15,  // arm/disarm PCI masking of the digits the leg's far end keys (issue 4)
  SendDtmf = 16,  // send keys to the leg's far end: RFC 4733 when negotiated, else in-band
  // Recording (issue 5): Command::leg is the call's customer leg for all five (see
  // StartRecordingArgs).
  StartRecording = 17,   // the reply carries StartRecordingReplyArgs (events.hpp)
  StopRecording = 18,
  PauseRecording = 19,
  ResumeRecording = 20,
  TagRecording = 21,     // a tag/bookmark with text at the worker's clock
  // Answering-machine detection (issue 4) on what the leg receives: Amd events (events.hpp).
  StartAmd = 22,  // AmdArgs; WrongState while an analysis runs on the leg
  StopAmd = 23,   // Ok also when none runs (idempotent)
  // Conferences (issue 8): legs of one worker in a mix, each hearing the sum of the others.
  ConferenceJoin = 24,   // ConferenceJoinArgs: Command::leg joins the conference of `with`
  ConferenceLeave = 25,  // Command::leg leaves; the last two are bridged again
};
inline constexpr CommandType kLastCommandType = CommandType::ConferenceLeave;

inline constexpr std::size_t kCommandPayloadBytes = 168;

// Every argument struct is checked beside its declaration: copied as bytes, fits the payload,
// and has the size the other side was compiled with (a change here is an ABI change).
template <typename Args, std::size_t Bytes>
inline constexpr bool kIsCommandArgs =
    std::is_trivially_copyable_v<Args> && (sizeof(Args) == Bytes) &&
    (Bytes <= kCommandPayloadBytes) && std::is_same_v<const CommandType, decltype(Args::kType)>;

// Receive on `local`, a port of this worker's shard. Setup only: may open a socket.
struct CreateLegArgs {
  static constexpr CommandType kType = CommandType::CreateLeg;
  NetAddress local;
  std::uint32_t rtp_timeout_ms = 30000;  // no RTP for this long raises RtpTimeout; 0 = never
};
static_assert(kIsCommandArgs<CreateLegArgs, 24>);

struct DestroyLegArgs {
  static constexpr CommandType kType = CommandType::DestroyLeg;
};
static_assert(kIsCommandArgs<DestroyLegArgs, 1>);

struct SetRemoteArgs {
  static constexpr CommandType kType = CommandType::SetRemote;
  NetAddress rtp;         // from SDP; with `latch`, replaced by the source of the first packet
  NetAddress rtcp;        // empty: rtp port + 1 (RFC 3550), or rtp itself with rtcp_mux
  bool latch = true;      // symmetric RTP for peers behind NAT
  bool rtcp_mux = false;  // RFC 5761
};
static_assert(kIsCommandArgs<SetRemoteArgs, 42>);

inline constexpr std::size_t kMaxLegCodecs = 4;  // an audio codec, telephone-event, spares

// Every listed format is accepted on receive; formats[send_index] is the one we send.
struct SetCodecArgs {
  static constexpr CommandType kType = CommandType::SetCodec;
  std::array<CodecSpec, kMaxLegCodecs> formats{};
  std::uint8_t count = 0;
  std::uint8_t send_index = 0;
};
static_assert(kIsCommandArgs<SetCodecArgs, 132>);

struct SetSrtpArgs {
  static constexpr CommandType kType = CommandType::SetSrtp;
  SrtpKey rx;  // the peer's key: decrypts what we receive
  SrtpKey tx;  // our key: encrypts what we send
};
static_assert(kIsCommandArgs<SetSrtpArgs, 64>);

struct BridgeArgs {
  static constexpr CommandType kType = CommandType::Bridge;
  LegId peer;  // media flows both ways between Command::leg and peer
};
static_assert(kIsCommandArgs<BridgeArgs, 8>);

struct UnbridgeArgs {
  static constexpr CommandType kType = CommandType::Unbridge;
};
static_assert(kIsCommandArgs<UnbridgeArgs, 1>);

struct HoldArgs {
  static constexpr CommandType kType = CommandType::Hold;
  bool on = true;  // send nothing to the leg (a prompt may still play to it)
};
static_assert(kIsCommandArgs<HoldArgs, 1>);

struct MuteArgs {
  static constexpr CommandType kType = CommandType::Mute;
  bool on = true;  // what the leg sends is not passed on (it is still counted and recorded)
};
static_assert(kIsCommandArgs<MuteArgs, 1>);

// Plays into the leg (what its far end hears), in its send codec and ptime, as part of its one
// outgoing stream; the bridged audio towards the leg is not sent meanwhile. AudioStarted and
// AudioEnded events mark it. Replies BadArgument for an unknown clip, Unsupported for mix or a
// codec/rate this build cannot play into, WrongState before the leg's codec is set.
struct PlayAudioArgs {
  static constexpr CommandType kType = CommandType::PlayAudio;
  std::uint32_t clip_id = 0;  // a prompt loaded before the worker started (PromptLibrary), or a
                              // generated tone from 0xFFFF0000 (dataplane/worker/prompt_player.hpp)
  std::uint16_t repeat = 1;   // 0: loop until StopAudio (a tone: 1 keeps its own, ringback loops)
  bool mix = false;           // false: replace the bridged audio; true: mix over it (not built)
};
static_assert(kIsCommandArgs<PlayAudioArgs, 8>);

struct StopAudioArgs {
  static constexpr CommandType kType = CommandType::StopAudio;
};
static_assert(kIsCommandArgs<StopAudioArgs, 1>);

struct StatsArgs {
  static constexpr CommandType kType = CommandType::Stats;
};
static_assert(kIsCommandArgs<StatsArgs, 1>);

struct PingArgs {
  static constexpr CommandType kType = CommandType::Ping;
};
static_assert(kIsCommandArgs<PingArgs, 1>);

// DTMF the leg reports to control as EventType::Dtmf (events.hpp). RFC 4733 receive runs on any
// leg that negotiated telephone-event; in-band detection costs ~0.7 us per 20 ms frame and needs
// audio the worker can decode at 8 kHz (G.711, or any codec the leg is transcoded from).
struct SetDtmfArgs {
  static constexpr CommandType kType = CommandType::SetDtmf;
  bool inband = false;   // run the in-band detector on what the leg receives
  bool rfc4733 = true;   // report the RFC 4733 events the leg receives
};
static_assert(kIsCommandArgs<SetDtmfArgs, 2>);

enum class DtmfMaskFillMode : std::uint8_t { Silence = 0, ComfortNoise = 1, NeutralTone = 2 };

// PCI DSS masking of what the leg receives (the customer's side): while armed, its in-band tones
// are replaced in the audio towards the peer (60 ms look-ahead, only while armed), its RFC 4733
// events are not forwarded, and every digit goes to control only, as a Dtmf event marked masked.
struct MaskDtmfArgs {
  static constexpr CommandType kType = CommandType::MaskDtmf;
  bool arm = true;  // false: disarm (the look-ahead is dropped once no tone is being hidden)
  DtmfMaskFillMode fill = DtmfMaskFillMode::ComfortNoise;
  bool uniform_cadence = false;     // one block of whole slots from the first key to after the last
  std::uint16_t cadence_slot_ms = 250;
  std::uint16_t cadence_hold_ms = 1500;
};
static_assert(kIsCommandArgs<MaskDtmfArgs, 8>);

inline constexpr std::size_t kMaxSendDtmfKeys = 32;

// Keys to the leg's far end, queued behind any still being sent: RFC 4733 events in the leg's
// outgoing stream when it negotiated telephone-event (and !inband), else tones mixed into the
// audio towards it (needs the leg bridged to audio the worker can decode and encode).
struct SendDtmfArgs {
  static constexpr CommandType kType = CommandType::SendDtmf;
  std::array<char, kMaxSendDtmfKeys> keys{};  // '0'-'9', '*', '#', 'A'-'D'
  std::uint8_t count = 0;
  bool inband = false;              // force in-band even when RFC 4733 was negotiated
  std::uint16_t duration_ms = 100;  // per key, 40-2000
  std::uint16_t gap_ms = 80;        // between keys
};
static_assert(kIsCommandArgs<SendDtmfArgs, 38>);

// Recording (issue 5). Command::leg names the call's CUSTOMER leg (the carrier side) for all
// five commands; the recording belongs to that leg. The file is stereo: left = what the customer
// leg receives (after the DTMF tap/masker: only masked audio), right = what the customer hears:
// the audio its bridged peer (the agent) receives, or a prompt PlayAudio plays to the customer.
// The right channel follows the bridge, so unbridge/bridge to another leg keeps one file, and
// DestroyLeg of the customer leg stops the recording (of the agent leg: the right channel goes
// silent until the next bridge). Replies: Unsupported when the worker has no recorder;
// WrongState for a second start, or stop/pause/resume/tag without a recording (pause while
// paused, resume while recording); NoCapacity when the recorder's slots, chunks or ring are full
// (retry); BadArgument for a format or rate not listed. Text fields are NUL-padded (truncated).
struct StartRecordingArgs {
  static constexpr CommandType kType = CommandType::StartRecording;
  std::uint64_t start_unix_ms = 0;      // wall clock at start (metadata, the path's date)
  std::array<char, 48> call_id{};
  std::array<char, 32> campaign{};
  std::array<char, 32> agent{};
  std::uint16_t sample_rate_hz = 8000;  // 8000 or 16000: the legs' decoded PCM rate
  std::uint8_t format = 0;              // 0 stereo WAV, 1 mono WAV (mixed), 2 Ogg Opus (stereo)
  std::uint8_t group = 0;  // 0: `campaign` names a campaign; 1: an inbound queue ({queue} paths)
  std::array<std::uint8_t, 4> reserved{};
};
static_assert(kIsCommandArgs<StartRecordingArgs, 128>);

struct StopRecordingArgs {
  static constexpr CommandType kType = CommandType::StopRecording;
};
static_assert(kIsCommandArgs<StopRecordingArgs, 1>);

// A marked gap: silence in both channels until ResumeRecording; the file goes on.
struct PauseRecordingArgs {
  static constexpr CommandType kType = CommandType::PauseRecording;
};
static_assert(kIsCommandArgs<PauseRecordingArgs, 1>);

struct ResumeRecordingArgs {
  static constexpr CommandType kType = CommandType::ResumeRecording;
};
static_assert(kIsCommandArgs<ResumeRecordingArgs, 1>);

// A tag/bookmark at the worker's clock when the command is handled.
struct TagRecordingArgs {
  static constexpr CommandType kType = CommandType::TagRecording;
  std::array<char, 40> text{};  // up to 39 characters are kept
};
static_assert(kIsCommandArgs<TagRecordingArgs, 40>);

// Answering-machine detection on an answered outbound leg (issue 4): the worker runs
// dsp::AmdDetector on the audio the leg receives (decoded G.711, a transcoded leg's 8/16 kHz
// PCM, or another codec decoded for AMD alone; 16 kHz is decimated), 20 ms frames, time = audio frames since StartAmd (gaps with no RTP
// are analysed as silence). It posts EventType::Amd (AmdEventArgs): the verdict once; for a
// HUMAN, a Correction to MACHINE if the far end turns out to be a machine within the detector's
// window (~2 s after the answer ends); with report_beep, the beep's onset and end after MACHINE.
// Then it stops by itself. The fields are the campaign's config::Amd keys (control/media
// amd_args()); 0 = the detector's tuned default (dataplane/dsp/amd_detector.hpp, AmdConfig).
// Replies: Unsupported when the leg's audio cannot be decoded here (a PCM rate other than 8 or
// 16 kHz, Opus aside), NoCapacity when the worker's AMD pool is empty, WrongState while an
// analysis already runs on the leg (StopAmd first; after it finished, StartAmd starts afresh).
struct AmdArgs {
  static constexpr CommandType kType = CommandType::StartAmd;
  std::uint32_t initial_silence_ms = 0;         // nothing heard this long: SILENCE
  std::uint32_t greeting_ms = 0;                // a greeting this long: MACHINE (max_greeting_ms)
  std::uint32_t after_greeting_silence_ms = 0;  // quiet this long after a greeting: HUMAN
  std::uint32_t total_analysis_ms = 0;          // undecided this long: NOTSURE
  std::uint32_t min_word_ms = 0;                // shorter bursts are not speech
  // Asterisk app_amd's word counting: carried for the campaign's record, not used (the
  // detector judges the greeting's length and pauses, not its words: dataplane/dsp/README.md).
  std::uint32_t between_words_silence_ms = 0;
  std::uint32_t max_words = 0;
  bool report_beep = false;  // after MACHINE, report the beep (onset, end) before stopping
  std::array<std::uint8_t, 3> reserved{};
};
static_assert(kIsCommandArgs<AmdArgs, 32>);

struct StopAmdArgs {
  static constexpr CommandType kType = CommandType::StopAmd;
};
static_assert(kIsCommandArgs<StopAmdArgs, 1>);

// Conferences (issue 8). Up to kMaxConferenceMembers legs of ONE worker in a mix: each member
// hears the sum of the others (8 kHz, saturating 16-bit), encoded in its own send codec as part
// of its one outgoing stream. Command::leg joins the conference `with` is in; when `with` is in
// none, a conference is made of the two. A joining leg leaves its bridge (its old peer is left
// unbridged). Replies: BadArgument (leg == with), StaleLeg (`with` gone), WrongState (leg already
// in a conference), NoCapacity (conference full, or the worker's pool of conferences empty),
// Unsupported (a codec that does not decode at 8 kHz here: L16 16 kHz). Bridge/Unbridge of a
// member reply WrongState; DestroyLeg leaves. ConferenceLeave: WrongState when not a member;
// when two members are left they are bridged again (a plain bridge; a pair that cannot be
// bridged stays a two-member mix), one member left is alone (unbridged).
inline constexpr std::size_t kMaxConferenceMembers = 4;

struct ConferenceJoinArgs {
  static constexpr CommandType kType = CommandType::ConferenceJoin;
  LegId with;
};
static_assert(kIsCommandArgs<ConferenceJoinArgs, 8>);

struct ConferenceLeaveArgs {
  static constexpr CommandType kType = CommandType::ConferenceLeave;
};
static_assert(kIsCommandArgs<ConferenceLeaveArgs, 1>);

// Three cache lines: slots in the ring never share a line, so the producer filling one slot
// does not disturb the consumer reading the one before it.
struct alignas(64) Command {
  std::uint64_t seq = 0;  // set by CommandChannel::submit; echoed by the reply
  LegId leg;
  CommandType type = CommandType::None;
  std::array<std::uint8_t, 6> reserved{};
  MessagePayload<kCommandPayloadBytes> payload;

  // Only for the Args matching `type`: the worker switches on type first.
  template <typename Args>
  Args args() const noexcept {
    static_assert(std::is_same_v<const CommandType, decltype(Args::kType)>);
    return payload.load<Args>();
  }
};

static_assert(std::is_trivially_copyable_v<Command>);
static_assert(sizeof(Command) == 192);

template <typename Args>
Command make_command(LegId leg, const Args& args) noexcept {
  static_assert(std::is_same_v<const CommandType, decltype(Args::kType)>);
  Command cmd;
  cmd.leg = leg;
  cmd.type = Args::kType;
  cmd.payload.store(args);
  return cmd;
}

inline std::string_view to_string(CommandType type) {
  switch (type) {
    case CommandType::None: return "none";
    case CommandType::CreateLeg: return "create_leg";
    case CommandType::DestroyLeg: return "destroy_leg";
    case CommandType::SetRemote: return "set_remote";
    case CommandType::SetCodec: return "set_codec";
    case CommandType::SetSrtp: return "set_srtp";
    case CommandType::Bridge: return "bridge";
    case CommandType::Unbridge: return "unbridge";
    case CommandType::Hold: return "hold";
    case CommandType::Mute: return "mute";
    case CommandType::PlayAudio: return "play_audio";
    case CommandType::StopAudio: return "stop_audio";
    case CommandType::Stats: return "stats";
    case CommandType::Ping: return "ping";
    case CommandType::SetDtmf: return "set_dtmf";
    case CommandType::MaskDtmf: return "mask_dtmf";
    case CommandType::SendDtmf: return "send_dtmf";
    case CommandType::StartRecording: return "start_recording";
    case CommandType::StopRecording: return "stop_recording";
    case CommandType::PauseRecording: return "pause_recording";
    case CommandType::ResumeRecording: return "resume_recording";
    case CommandType::TagRecording: return "tag_recording";
    case CommandType::StartAmd: return "start_amd";
    case CommandType::StopAmd: return "stop_amd";
    case CommandType::ConferenceJoin: return "conference_join";
    case CommandType::ConferenceLeave: return "conference_leave";
  }
  return "unknown";
}

}  // namespace dialcore::dataplane
