// The control/worker message ABI: LegId, NetAddress, commands and events. The sizes and
// trivial copyability are also static_asserts beside each type; these tests pin the behaviour.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>

#include "dataplane/api/commands.hpp"
#include "dataplane/api/events.hpp"
#include "dataplane/api/leg_id.hpp"
#include "dataplane/api/net_address.hpp"

using namespace dialcore::dataplane;

static_assert(std::is_trivially_copyable_v<Command> && std::is_trivially_copyable_v<Event>);
static_assert(sizeof(Command) % 64 == 0 && alignof(Command) == 64);
static_assert(sizeof(Event) % 64 == 0 && alignof(Event) == 64);
static_assert(std::is_standard_layout_v<Command> && std::is_standard_layout_v<Event>);

TEST_CASE("LegId: invalid by default, ordered, packs into 64 bits", "[abi]") {
  constexpr LegId none;
  static_assert(!none.valid());
  static_assert(none == LegId::invalid());
  constexpr LegId leg{12, 3};
  static_assert(leg.valid());
  static_assert(LegId::unpack(leg.packed()) == leg);
  static_assert(leg.packed() == (std::uint64_t{3} << 32 | 12));
  CHECK(LegId{12, 3} != LegId{12, 4});  // same slot, another generation: another leg
  CHECK(LegId{12, 3} < LegId{13, 0});
  CHECK(LegId::unpack(LegId{UINT32_MAX, UINT32_MAX}.packed()) == LegId{UINT32_MAX, UINT32_MAX});
}

TEST_CASE("NetAddress holds IPv4 and IPv6 with a port", "[abi]") {
  const NetAddress v4 = NetAddress::v4(192, 0, 2, 10, 40000);
  CHECK(v4.family == AddressFamily::V4);
  CHECK(v4.bytes[0] == 192);
  CHECK(v4.bytes[3] == 10);
  CHECK(v4.bytes[4] == 0);
  CHECK(v4.port == 40000);
  CHECK(v4 == NetAddress::v4(192, 0, 2, 10, 40000));
  CHECK(v4 != NetAddress::v4(192, 0, 2, 10, 40002));

  std::array<std::uint8_t, 16> doc{0x20, 0x01, 0x0d, 0xb8};  // 2001:db8::1
  doc[15] = 1;
  const NetAddress v6 = NetAddress::v6(doc, 5004);
  CHECK(v6.family == AddressFamily::V6);
  CHECK(v6.bytes == doc);
  CHECK(v6 != v4);
  CHECK(NetAddress{}.empty());
}

TEST_CASE("every command's arguments survive the message payload", "[abi]") {
  CreateLegArgs create;
  create.local = NetAddress::v4(10, 1, 2, 3, 30000);
  create.rtp_timeout_ms = 45000;
  const Command c = make_command(LegId::invalid(), create);
  CHECK(c.type == CommandType::CreateLeg);
  CHECK(c.seq == 0);  // the channel numbers it
  CHECK(c.args<CreateLegArgs>().local == create.local);
  CHECK(c.args<CreateLegArgs>().rtp_timeout_ms == 45000);

  SetCodecArgs codec;
  codec.count = 2;
  codec.formats[0].payload_type = 18;
  codec.formats[0].format.id = dialcore::codecs::CodecId::G729;
  codec.formats[0].format.annexb = true;
  codec.formats[1].payload_type = 101;
  codec.formats[1].format.event_mask = 0x0FFF;
  codec.formats[3].ptime_ms = 60;  // the last entry of the array travels too
  codec.formats[3].format.max_average_bitrate = 12345;
  const Command s = make_command(LegId{4, 2}, codec);
  const SetCodecArgs back = s.args<SetCodecArgs>();
  CHECK(s.leg == LegId{4, 2});
  CHECK(back.formats == codec.formats);
  CHECK(back.count == 2);

  SetSrtpArgs srtp;
  srtp.rx.suite = SrtpSuite::AesCm128HmacSha1_80;
  srtp.tx.suite = SrtpSuite::AeadAes128Gcm;
  for (std::uint8_t i = 0; i < 16; ++i) srtp.tx.master_key[i] = static_cast<std::uint8_t>(0xA0 + i);
  srtp.tx.master_salt[13] = 0x5A;
  const SetSrtpArgs srtp_back = make_command(LegId{4, 2}, srtp).args<SetSrtpArgs>();
  CHECK(srtp_back.rx == srtp.rx);
  CHECK(srtp_back.tx == srtp.tx);

  BridgeArgs bridge;
  bridge.peer = LegId{9, 1};
  CHECK(make_command(LegId{4, 2}, bridge).args<BridgeArgs>().peer == LegId{9, 1});

  PlayAudioArgs play;
  play.clip_id = 77;
  play.repeat = 0;
  play.mix = true;
  const PlayAudioArgs play_back = make_command(LegId{4, 2}, play).args<PlayAudioArgs>();
  CHECK(play_back.clip_id == 77);
  CHECK(play_back.repeat == 0);
  CHECK(play_back.mix);

  CHECK(make_command(LegId{4, 2}, HoldArgs{}).type == CommandType::Hold);
  CHECK(make_command(LegId{4, 2}, MuteArgs{false}).args<MuteArgs>().on == false);
}

TEST_CASE("two commands built alike are equal byte for byte", "[abi]") {
  // The payload's unused tail is zeroed, so no stale bytes (or key material) ride along.
  SetRemoteArgs remote;
  remote.rtp = NetAddress::v4(198, 51, 100, 7, 7078);
  const Command a = make_command(LegId{1, 1}, remote);
  Command b;
  std::memset(static_cast<void*>(&b), 0xFF, sizeof b);  // garbage first
  b = make_command(LegId{1, 1}, remote);
  CHECK(std::memcmp(&a, &b, sizeof a) == 0);
}

TEST_CASE("a reply echoes the command's seq, leg and type", "[abi]") {
  Command cmd = make_command(LegId{5, 9}, StopAudioArgs{});
  cmd.seq = 1234;
  const Event reply = make_reply(cmd, ReplyStatus::WrongState);
  CHECK(reply.type == EventType::Reply);
  CHECK(reply.seq == 1234);
  CHECK(reply.leg == LegId{5, 9});
  CHECK(reply.command == CommandType::StopAudio);
  CHECK(reply.status == ReplyStatus::WrongState);

  FirstPacketArgs first;
  first.source = NetAddress::v4(203, 0, 113, 5, 12000);
  const Event event = make_event(EventType::FirstPacket, LegId{5, 9}, first);
  CHECK(event.seq == 0);
  CHECK(event.args<FirstPacketArgs>().source == first.source);

  LegStats stats;
  stats.rx_packets = 1;
  stats.srtp_failures = 6;  // the last field travels too
  CHECK(make_event(EventType::Stats, LegId{5, 9}, stats).args<LegStats>().srtp_failures == 6);
}

TEST_CASE("every command type and reply status has a distinct name", "[abi]") {
  std::set<std::string_view> names;
  for (std::uint16_t t = 0; t <= static_cast<std::uint16_t>(kLastCommandType); ++t) {
    const std::string_view name = to_string(static_cast<CommandType>(t));
    CHECK(name != "unknown");
    names.insert(name);
  }
  CHECK(names.size() == static_cast<std::size_t>(kLastCommandType) + 1);
  CHECK(to_string(static_cast<CommandType>(999)) == "unknown");

  names.clear();
  for (std::uint16_t s = 0; s <= static_cast<std::uint16_t>(ReplyStatus::UnknownCommand); ++s) {
    const std::string_view name = to_string(static_cast<ReplyStatus>(s));
    CHECK(name != "unknown");
    names.insert(name);
  }
  CHECK(names.size() == static_cast<std::size_t>(ReplyStatus::UnknownCommand) + 1);
  CHECK(to_string(ReplyStatus::Busy) == "dataplane_busy");  // ARCHITECTURE.md's error name
}

TEST_CASE("DTMF and prompt messages travel whole (issue 4)", "[abi]") {
  SendDtmfArgs send;
  send.keys[0] = '#';
  send.keys[kMaxSendDtmfKeys - 1] = '9';  // the last key travels too
  send.count = kMaxSendDtmfKeys;
  send.gap_ms = 77;
  const SendDtmfArgs send_back = make_command(LegId{1, 1}, send).args<SendDtmfArgs>();
  CHECK(send_back.keys == send.keys);
  CHECK(send_back.count == kMaxSendDtmfKeys);
  CHECK(send_back.gap_ms == 77);
  MaskDtmfArgs mask;
  mask.fill = DtmfMaskFillMode::NeutralTone;
  mask.cadence_hold_ms = 999;
  const Command m = make_command(LegId{1, 1}, mask);
  CHECK(m.type == CommandType::MaskDtmf);
  CHECK(m.args<MaskDtmfArgs>().fill == DtmfMaskFillMode::NeutralTone);
  CHECK(m.args<MaskDtmfArgs>().cadence_hold_ms == 999);
  DtmfEventArgs dtmf;
  dtmf.start_ns = 0x0123456789ABCDEFull;
  dtmf.key = '*';
  dtmf.masked = true;
  dtmf.end = DtmfEnd::Timeout;
  const auto dtmf_back = make_event(EventType::Dtmf, LegId{2, 3}, dtmf).args<DtmfEventArgs>();
  CHECK(dtmf_back.start_ns == dtmf.start_ns);
  CHECK(dtmf_back.key == '*');
  CHECK(dtmf_back.masked);
  CHECK(dtmf_back.end == DtmfEnd::Timeout);
  AudioEventArgs audio;
  audio.stopped = true;
  audio.clip_id = 0xFFFF0003u;
  CHECK(make_event(EventType::AudioEnded, LegId{2, 3}, audio).args<AudioEventArgs>().clip_id == 0xFFFF0003u);
  CHECK(make_event(EventType::AudioEnded, LegId{2, 3}, audio).args<AudioEventArgs>().stopped);
}

TEST_CASE("recording messages travel whole and keep their numbers (issue 5)", "[abi]") {
  static_assert(static_cast<int>(CommandType::StartRecording) == 17);
  static_assert(static_cast<int>(CommandType::TagRecording) == 21);
  static_assert(static_cast<int>(EventType::RecordingState) == 9);
  StartRecordingArgs start;
  start.start_unix_ms = 1'767'312'000'123;
  start.call_id.fill('c');
  start.call_id.back() = '\0';
  start.agent[0] = 'j';
  start.sample_rate_hz = 16000;
  start.format = 2;
  const Command c = make_command(LegId{7, 9}, start);
  CHECK(c.type == CommandType::StartRecording);
  const StartRecordingArgs back = c.args<StartRecordingArgs>();
  CHECK(back.start_unix_ms == start.start_unix_ms);
  CHECK(back.call_id == start.call_id);
  CHECK(back.agent[0] == 'j');
  CHECK(back.sample_rate_hz == 16000);
  CHECK(back.format == 2);
  TagRecordingArgs tag;
  tag.text.fill('t');
  CHECK(make_command(LegId{7, 9}, tag).args<TagRecordingArgs>().text == tag.text);
  CHECK(make_command(LegId{7, 9}, PauseRecordingArgs{}).type == CommandType::PauseRecording);

  StartRecordingReplyArgs reply;
  reply.worker = 3;
  reply.slot = 511;
  reply.generation = 0xDEADBEEF;
  const auto r = make_event(EventType::Reply, LegId{7, 9}, reply).args<StartRecordingReplyArgs>();
  CHECK(r.slot == 511);
  CHECK(r.generation == 0xDEADBEEF);
  RecordingStateArgs state;
  state.state = 3;
  state.reason = 2;
  state.error = 28;  // ENOSPC
  state.frames = 1ull << 40;
  const auto s = make_event(EventType::RecordingState, LegId::invalid(), state).args<RecordingStateArgs>();
  CHECK(s.reason == 2);
  CHECK(s.error == 28);
  CHECK(s.frames == 1ull << 40);
}

TEST_CASE("AMD messages travel whole and keep their numbers (issue 4)", "[abi]") {
  static_assert(static_cast<int>(CommandType::StartAmd) == 22);
  static_assert(static_cast<int>(CommandType::StopAmd) == 23);
  static_assert(static_cast<int>(EventType::Amd) == 6);
  static_assert(static_cast<int>(EventType::AudioStarted) == 7);  // the neighbours kept theirs
  AmdArgs args;
  args.initial_silence_ms = 2500;
  args.greeting_ms = 1500;
  args.max_words = 3;  // the last number field travels too
  args.report_beep = true;
  const Command c = make_command(LegId{4, 2}, args);
  CHECK(c.type == CommandType::StartAmd);
  CHECK(to_string(c.type) == "start_amd");
  const AmdArgs back = c.args<AmdArgs>();
  CHECK(back.initial_silence_ms == 2500);
  CHECK(back.greeting_ms == 1500);
  CHECK(back.max_words == 3);
  CHECK(back.report_beep);
  CHECK(make_command(LegId{4, 2}, StopAmdArgs{}).type == CommandType::StopAmd);

  AmdEventArgs e;
  e.at_ns = 0x0123456789ABCDEFull;
  e.at_ms = 2180;
  e.result = AmdResultCode::Machine;
  e.cause = AmdCauseCode::LateGreeting;
  e.correction = true;
  e.freq_hz = 1000;  // the last field travels too
  const auto b = make_event(EventType::Amd, LegId{4, 2}, e).args<AmdEventArgs>();
  CHECK(b.at_ns == e.at_ns);
  CHECK(b.at_ms == 2180);
  CHECK(b.result == AmdResultCode::Machine);
  CHECK(b.cause == AmdCauseCode::LateGreeting);
  CHECK(b.correction);
  CHECK_FALSE(b.beep);
  CHECK(b.freq_hz == 1000);
  CHECK(to_string(AmdResultCode::Human) == "HUMAN");
  CHECK(to_string(AmdResultCode::Silence) == "SILENCE");
}
