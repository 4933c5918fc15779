// Recording through real worker legs (issue 5): oRTP far ends exchange PCMU speech through a
// bridged pair on a socket-backend worker; a real recorder thread writes the stereo WAV. The
// file's left channel must be what the customer sent, the right what the agent sent (aligned
// segmental SNR >= 30 dB: G.711's own quantisation is ~37 dB); pause/resume/tag markers within
// 20 ms of the commands, both on the worker's clock and against the audio; the pause an exactly
// silent gap. Masked payments: multimon-ng finds no key in either channel while masking is
// armed, and finds the in-band keys in an unmasked control run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "tests/support/audio_metrics.hpp"
#include "tests/support/fixtures.hpp"
#include "recording_call.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
namespace r = dialcore::dataplane::recording;

namespace {

const r::Marker* find_marker(const r::Sidecar& s, r::MarkerKind kind, std::size_t nth = 0) {
  for (const auto& m : s.markers) {
    if (m.kind == kind && nth-- == 0) return &m;
  }
  return nullptr;
}

std::span<const std::int16_t> part(const std::vector<std::int16_t>& v, std::size_t from, std::size_t to) {
  to = std::min(to, v.size());
  from = std::min(from, to);
  return std::span<const std::int16_t>(v.data() + from, to - from);
}

}  // namespace

TEST_CASE("a bridged PCMU call: both directions in one stereo file, markers on time, pause silent", "[worker][recording][ortp]") {
  RecordedCall c;
  const auto speech_c = load_speech("business-answer-8k.wav", 8000);
  const auto speech_a = load_speech("personal-greeting-8k.wav", 8000);
  c.customer.play(speech_c);
  c.agent.play(speech_a);
  c.run(25);
  const std::uint64_t t0 = c.h.now_ns();
  const std::uint32_t f0 = c.customer.sent_frames();
  const r::RecordingId id = c.start("call-1");
  c.run(60);
  const std::uint64_t t_tag = c.h.now_ns();
  REQUIRE(c.h.call(c.leg_c, tag_args("bookmark-1")).status == ReplyStatus::Ok);
  c.run(30);
  const std::uint64_t t_pause = c.h.now_ns();
  const std::uint32_t f_pause = c.customer.sent_frames();
  REQUIRE(c.h.call(c.leg_c, PauseRecordingArgs{}).status == ReplyStatus::Ok);
  CHECK(c.h.call(c.leg_c, PauseRecordingArgs{}).status == ReplyStatus::WrongState);
  c.run(40);
  const std::uint64_t t_resume = c.h.now_ns();
  REQUIRE(c.h.call(c.leg_c, ResumeRecordingArgs{}).status == ReplyStatus::Ok);
  c.run(60);
  REQUIRE(c.h.call(c.leg_c, StopRecordingArgs{}).status == ReplyStatus::Ok);
  CHECK(c.h.call(c.leg_c, StopRecordingArgs{}).status == ReplyStatus::WrongState);
  const r::RecordingEvent off = c.wait_off(id);
  CHECK(off.reason == r::OffReason::Stopped);
  CHECK(c.service.producer(0).stats().read(r::ProducerCounter::ChunksDroppedRingFull) == 0);

  const std::string wav = c.only_file();
  CHECK(wav.find("2026-01-02/camp/call-1.wav") != std::string::npos);
  const auto file = rec::read_wav_file(wav);
  REQUIRE(file.channels == 2);
  REQUIRE(file.rate == 8000);
  const auto left = file.channel(0), right = file.channel(1);
  const r::Sidecar side = RecordedCall::sidecar_of(wav);
  CHECK(side.status == "complete");
  CHECK(side.customer_leg == c.leg_c.packed());
  CHECK(side.agent_leg == c.leg_a.packed());
  CHECK(side.call_id == "call-1");

  // The file's timeline against what the peers sent: file sample i is sent sample i + lag.
  const std::size_t sent = std::size_t{c.customer.sent_frames()} * 160;
  const auto sent_c = looped(speech_c, sent), sent_a = looped(speech_a, sent);
  const Alignment al = best_alignment(left, sent_c, std::size_t{f0} * 160 + 800);
  INFO("lag " << al.lag << " correlation " << al.correlation);
  CHECK(al.lag + 160 >= std::size_t{f0} * 160);
  CHECK(al.lag <= std::size_t{f0} * 160 + 160);
  const std::size_t lag = al.lag;

  const r::Marker* tag = find_marker(side, r::MarkerKind::Tag);
  const r::Marker* pause = find_marker(side, r::MarkerKind::Pause);
  const r::Marker* resume = find_marker(side, r::MarkerKind::Resume);
  REQUIRE(tag != nullptr);
  REQUIRE(pause != nullptr);
  REQUIRE(resume != nullptr);
  CHECK(tag->text == "bookmark-1");
  // Within 20 ms (160 frames) of the command on the worker's clock ...
  CHECK(std::llabs(static_cast<long long>(tag->offset_frames) - RecordedCall::frames_since(t0, t_tag)) <= 160);
  CHECK(std::llabs(static_cast<long long>(pause->offset_frames) - RecordedCall::frames_since(t0, t_pause)) <= 160);
  CHECK(std::llabs(static_cast<long long>(resume->offset_frames) - RecordedCall::frames_since(t0, t_resume)) <= 160);
  // ... and of the audio the customer had sent when it was commanded.
  CHECK(std::llabs(static_cast<long long>(pause->offset_frames + lag) - static_cast<long long>(f_pause) * 160) <= 160);

  // The pause is a gap of exact silence in both channels, as long as the pause.
  const auto p0 = static_cast<std::size_t>(pause->offset_frames);
  const auto p1 = static_cast<std::size_t>(resume->offset_frames);
  REQUIRE(p1 > p0 + 30 * 160);
  CHECK(std::all_of(left.begin() + static_cast<std::ptrdiff_t>(p0), left.begin() + static_cast<std::ptrdiff_t>(p1),
                    [](std::int16_t s) { return s == 0; }));
  CHECK(std::all_of(right.begin() + static_cast<std::ptrdiff_t>(p0), right.begin() + static_cast<std::ptrdiff_t>(p1),
                    [](std::int16_t s) { return s == 0; }));
  CHECK(rms(part(sent_c, p0 + lag, p1 + lag)) > 300);  // the customer was talking meanwhile

  // Before the pause and after the resume, each channel is what its far end sent.
  const std::size_t end = left.size();
  CHECK(segmental_snr_db(part(sent_c, lag, p0 + lag), part(left, 0, p0), 160) >= 30.0);
  CHECK(segmental_snr_db(part(sent_a, lag, p0 + lag), part(right, 0, p0), 160) >= 30.0);
  CHECK(segmental_snr_db(part(sent_c, p1 + 160 + lag, end + lag), part(left, p1 + 160, end), 160) >= 30.0);
  CHECK(segmental_snr_db(part(sent_a, p1 + 160 + lag, end + lag), part(right, p1 + 160, end), 160) >= 30.0);
  // Not just similar: swapped channels fail.
  CHECK(segmental_snr_db(part(sent_a, lag, p0 + lag), part(left, 0, p0), 160) < 10.0);

  // State events for control: recording, paused, recording, off.
  std::vector<r::RecordingState> states;
  for (const auto& e : c.events) {
    if (e.id == id) states.push_back(e.state);
  }
  CHECK(states == std::vector<r::RecordingState>{r::RecordingState::Recording, r::RecordingState::Paused,
                                                 r::RecordingState::Recording, r::RecordingState::Off});
  const Event api = r::to_api_event(c.events.back());
  CHECK(api.type == EventType::RecordingState);
}

namespace {

// The payment run: in-band keys and RFC 4733 keys from the customer, masked or not.
std::string payment_run(bool masked, std::string& right_keys, r::Sidecar& side, std::uint64_t& masked_keys) {
  RecordedCall c;
  c.customer.play(background_noise(8000, 1));
  c.agent.play(background_noise(8000, 2));
  c.run(10);
  const r::RecordingId id = c.start(masked ? "masked" : "unmasked");
  c.run(10);
  if (masked) {
    MaskDtmfArgs arm;
    arm.fill = DtmfMaskFillMode::ComfortNoise;
    REQUIRE(c.h.call(c.leg_c, arm).status == ReplyStatus::Ok);
  }
  c.run(5);
  for (char k : std::string("4111")) c.customer.key_inband(k, 100, 120);
  c.run_until_keys_sent(200);
  for (char k : std::string("2580#")) c.customer.key_rfc4733(k, 120, 100);
  c.run_until_keys_sent(300);
  for (char k : std::string("93")) c.customer.key_inband(k, 100, 120);
  c.run_until_keys_sent(200);
  c.run(50);
  if (masked) REQUIRE(c.h.call(c.leg_c, MaskDtmfArgs{false}).status == ReplyStatus::Ok);
  c.run(25);
  REQUIRE(c.h.call(c.leg_c, StopRecordingArgs{}).status == ReplyStatus::Ok);
  c.wait_off(id);
  const std::string wav = c.only_file();
  side = RecordedCall::sidecar_of(wav);
  right_keys = rec::multimon_channel(wav, 2);
  masked_keys = c.h.worker().stats().read(WorkerCounter::DtmfMaskedKeys);
  return rec::multimon_channel(wav, 1);
}

}  // namespace

TEST_CASE("masked payment: no key in either channel of the file, while unmasked the judge hears them", "[worker][recording][mask][ortp]") {
  if (rec::run_command("command -v multimon-ng >/dev/null && command -v sox >/dev/null && echo ok") != "ok") {
    FAIL("sox and multimon-ng are needed (tools/setup installs them)");
  }
  std::string right;
  r::Sidecar side;
  std::uint64_t masked_keys = 0;
  const std::string left = payment_run(true, right, side, masked_keys);
  CHECK(left.empty());
  CHECK(right.empty());
  CHECK(masked_keys == 11);  // every key went to control, masked
  REQUIRE(find_marker(side, r::MarkerKind::MaskBegin) != nullptr);
  REQUIRE(find_marker(side, r::MarkerKind::MaskEnd) != nullptr);
  CHECK(find_marker(side, r::MarkerKind::MaskBegin)->offset_frames <
        find_marker(side, r::MarkerKind::MaskEnd)->offset_frames);

  // The control run: the in-band keys are in the customer's channel (RFC 4733 keys are events,
  // not audio: no file has them), none leaks into the agent's.
  const std::string unmasked = payment_run(false, right, side, masked_keys);
  CHECK(unmasked == "411193");
  CHECK(right.empty());
  CHECK(masked_keys == 0);
  CHECK(find_marker(side, r::MarkerKind::MaskBegin) == nullptr);
}

TEST_CASE("one file across a re-bridge, and destroying the customer leg ends it", "[worker][recording][ortp]") {
  RecordedCall c;
  const auto speech_c = load_speech("business-answer-8k.wav", 8000);
  const auto speech_a = load_speech("personal-greeting-8k.wav", 8000);
  const auto speech_a2 = load_speech("machine-greeting-8k.wav", 8000);
  c.customer.play(speech_c);
  c.agent.play(speech_a);
  c.agent2.play(speech_a2);
  c.run(5);
  const std::uint32_t f0 = c.customer.sent_frames();
  const r::RecordingId id = c.start("transfer");
  c.run(60);
  REQUIRE(c.h.call(c.leg_c, UnbridgeArgs{}).status == ReplyStatus::Ok);
  c.run(20);
  const std::uint32_t f_bridge = c.customer.sent_frames();
  REQUIRE(c.h.call(c.leg_c, BridgeArgs{c.leg_a2}).status == ReplyStatus::Ok);
  c.run(60);
  REQUIRE(c.h.call(c.leg_c, DestroyLegArgs{}).status == ReplyStatus::Ok);
  CHECK(c.wait_off(id).reason == r::OffReason::Stopped);

  const std::string wav = c.only_file();
  CHECK(RecordedCall::sidecar_of(wav).status == "complete");
  const auto file = rec::read_wav_file(wav);
  const auto left = file.channel(0), right = file.channel(1);
  const std::size_t sent = std::size_t{c.customer.sent_frames()} * 160;
  const std::size_t lag = std::size_t{f0} * 160;  // every peer sends in step from frame 0
  const auto sent_c = looped(speech_c, sent), sent_a = looped(speech_a, sent), sent_a2 = looped(speech_a2, sent);
  CHECK(best_alignment(left, sent_c, lag + 800).lag == lag);
  const std::size_t unbridged = std::size_t{f0 + 60} * 160 - lag, bridged = std::size_t{f_bridge} * 160 - lag;
  CHECK(segmental_snr_db(part(sent_c, lag, sent), part(left, 0, sent - lag), 160) >= 30.0);
  CHECK(segmental_snr_db(part(sent_a, lag, unbridged + lag), part(right, 0, unbridged), 160) >= 30.0);
  CHECK(rms(part(right, unbridged + 160, bridged)) == 0.0);  // no agent: the customer hears nothing
  CHECK(segmental_snr_db(part(sent_a2, bridged + 160 + lag, sent), part(right, bridged + 160, sent - lag), 160) >= 30.0);
}

TEST_CASE("a prompt to the customer is recorded on the side it is heard, with markers", "[worker][recording][ortp]") {
  RecordedCall c;
  c.agent.play(background_noise(8000, 3));
  c.customer.play(background_noise(8000, 4));
  c.run(5);
  const std::uint64_t t0 = c.h.now_ns();
  const r::RecordingId id = c.start("prompt");
  c.run(20);
  const std::uint64_t t_play = c.h.now_ns();
  PlayAudioArgs play;
  play.clip_id = static_cast<std::uint32_t>(ToneClip::AgentBeep);
  REQUIRE(c.h.call(c.leg_c, play).status == ReplyStatus::Ok);
  c.run(60);
  REQUIRE(c.h.call(c.leg_c, StopRecordingArgs{}).status == ReplyStatus::Ok);
  c.wait_off(id);
  const std::string wav = c.only_file();
  const r::Sidecar side = RecordedCall::sidecar_of(wav);
  const r::Marker* begin = find_marker(side, r::MarkerKind::AnnouncementStart);
  const r::Marker* end = find_marker(side, r::MarkerKind::AnnouncementEnd);
  REQUIRE(begin != nullptr);
  REQUIRE(end != nullptr);
  CHECK(begin->text == "tone:agent_beep");
  CHECK(std::llabs(static_cast<long long>(begin->offset_frames) - RecordedCall::frames_since(t0, t_play)) <= 160);
  REQUIRE(end->offset_frames > begin->offset_frames + 160);
  const auto file = rec::read_wav_file(wav);
  const auto right = file.channel(1), left = file.channel(0);
  const auto b = static_cast<std::size_t>(begin->offset_frames), e = static_cast<std::size_t>(end->offset_frames);
  // The beep, not the agent's -50 dBFS noise, is what the customer heard meanwhile.
  CHECK(rms(part(right, b, e)) > 1000);
  CHECK(rms(part(right, e + 320, e + 3200)) < 200);
  CHECK(rms(part(left, b, e)) < 200);  // the customer's side is the customer's
}

TEST_CASE("PCMU to G.729: a transcoded call records both directions", "[worker][recording]") {
  rec::TempDir dir;
  r::RecordingService service(recording_config(dir.path), 1);
  REQUIRE(service.start());
  WorkerHarness h(recorded_worker(service));
  OrtpPeer customer;
  UdpPeer agent(loopback_v4());
  const LegId leg_c = h.leg_towards(customer, WorkerHarness::spec(dialcore::codecs::CodecId::Pcmu, 0));
  const LegId leg_a = h.leg_towards(agent, WorkerHarness::spec(dialcore::codecs::CodecId::G729, 18));
  customer.set_remote(h.local_of(leg_c));
  REQUIRE(h.call(leg_c, BridgeArgs{leg_a}).status == ReplyStatus::Ok);
  const auto speech_c = load_speech("business-answer-8k.wav", 8000);
  const auto speech_a = load_speech("personal-greeting-8k.wav", 8000);
  customer.play(speech_c);
  dialcore::codecs::CodecFormat g729;
  g729.id = dialcore::codecs::CodecId::G729;
  auto enc = dialcore::codecs::make_encoder(g729, {});
  auto ref_dec = dialcore::codecs::make_decoder(g729);
  REQUIRE(enc);
  REQUIRE(ref_dec);
  std::vector<std::int16_t> agent_decoded;  // what a G.729 decoder makes of what the agent sent
  const NetAddress to_a = h.local_of(leg_a);
  auto run = [&](int frames) {
    for (int i = 0; i < frames; ++i) {
      const std::uint32_t f = customer.sent_frames();
      customer.send_frame();
      std::array<std::int16_t, 160> pcm{};
      for (std::size_t k = 0; k < 160; ++k) pcm[k] = speech_a[(std::size_t{f} * 160 + k) % speech_a.size()];
      auto pkt = rtp_bytes(0xA6E729, static_cast<std::uint16_t>(f), 160u * f, 18, 20);
      REQUIRE(enc->encode(pcm, std::span<std::uint8_t>(pkt.data() + 12, 20)).count == 20);
      std::array<std::int16_t, 160> dec{};
      REQUIRE(ref_dec->decode(std::span<const std::uint8_t>(pkt.data() + 12, 20), dec).count == 160);
      agent_decoded.insert(agent_decoded.end(), dec.begin(), dec.end());
      agent.send_to(to_a, pkt);
      h.advance_ms(20);
      for (int t = 0; t < 3; ++t) h.turn();
      customer.receive();
      while (agent.receive(0)) {
      }
    }
  };
  run(5);
  const std::uint32_t f0 = customer.sent_frames();
  const Event started = h.call(leg_c, start_args("g729"));
  REQUIRE(started.status == ReplyStatus::Ok);
  const r::RecordingId id = r::recording_id(started.args<StartRecordingReplyArgs>());
  run(100);
  REQUIRE(h.call(leg_c, StopRecordingArgs{}).status == ReplyStatus::Ok);
  std::vector<r::RecordingEvent> ev(16);
  bool off = false;
  for (int i = 0; i < 2000 && !off; ++i) {
    const std::size_t n = service.poll_events(ev);
    for (std::size_t k = 0; k < n; ++k) off = off || (ev[k].id == id && ev[k].state == r::RecordingState::Off);
    if (!off) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(off);
  CHECK(h.worker().stats().read(WorkerCounter::RecordingUnrecorded) == 0);
  std::string wav;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path)) {
    if (e.path().extension() == ".wav") wav = e.path().string();
  }
  const auto file = rec::read_wav_file(wav);
  const auto left = file.channel(0), right = file.channel(1);
  // A transcoded leg decodes through its jitter buffer, which plays each frame out 20 ms (its
  // minimum delay, one frame) after it arrived: the recording holds what was played out.
  constexpr std::size_t kJitterBufferDelay = 160;
  const std::size_t lag = std::size_t{f0} * 160 - kJitterBufferDelay;
  const std::size_t sent = std::size_t{customer.sent_frames()} * 160;
  const auto sent_c = looped(speech_c, sent);
  CHECK(best_alignment(left, sent_c, lag + 800).lag == lag);
  CHECK(segmental_snr_db(part(sent_c, lag, sent), part(left, 0, sent - lag), 160) >= 30.0);
  // The right channel is the worker's G.729 decode of the agent: a decoder fed the same packets
  // from the same start makes the same samples.
  CHECK(best_alignment(right, agent_decoded, lag + 800).lag == lag);
  CHECK(segmental_snr_db(part(agent_decoded, lag, sent), part(right, 0, sent - lag), 160) >= 30.0);
  service.stop();
}

TEST_CASE("a recorder that does not keep up: the worker drops and counts, the call goes on", "[worker][recording][ortp]") {
  rec::TempDir scratch;
  r::RecordingConfig config = recording_config(scratch.path);
  config.ring_items = 8;
  config.chunks_per_worker = 32;
  RecordedCall c(false, config);  // no recorder thread yet: nothing drains the ring
  c.customer.play(background_noise(8000, 5));
  c.agent.play(background_noise(8000, 6));
  const r::RecordingId id = c.start("slow");
  const std::size_t before = c.agent.audio_packets();
  c.run(150);
  const auto& p = c.service.producer(0).stats();
  const std::uint64_t dropped = p.read(r::ProducerCounter::ChunksDroppedRingFull) +
                                p.read(r::ProducerCounter::ChunksDroppedPoolEmpty);
  CHECK(dropped > 0);
  CHECK(c.agent.audio_packets() - before >= 145);  // relayed all along
  CHECK(c.customer.audio_packets() >= 145);
  REQUIRE(c.service.start());  // the recorder catches up; the file keeps its timeline
  REQUIRE(c.h.call(c.leg_c, StopRecordingArgs{}).status == ReplyStatus::Ok);
  c.wait_off(id);
  const r::Sidecar side = RecordedCall::sidecar_of(c.only_file());
  CHECK(side.gap_frames > 0);
  CHECK(side.frames >= 149 * 160);
}

TEST_CASE("recording commands: clear errors for states, arguments and a worker without recorder", "[worker][recording]") {
  {
    WorkerHarness plain;
    UdpPeer p(loopback_v4());
    const LegId leg = plain.leg_towards(p, WorkerHarness::spec(dialcore::codecs::CodecId::Pcmu, 0));
    CHECK(plain.call(leg, start_args("x")).status == ReplyStatus::Unsupported);
    CHECK(plain.call(leg, TagRecordingArgs{}).status == ReplyStatus::Unsupported);
  }
  RecordedCall c(false);
  CHECK(c.h.call(c.leg_c, StopRecordingArgs{}).status == ReplyStatus::WrongState);
  CHECK(c.h.call(c.leg_c, PauseRecordingArgs{}).status == ReplyStatus::WrongState);
  CHECK(c.h.call(c.leg_c, tag_args("t")).status == ReplyStatus::WrongState);
  StartRecordingArgs bad = start_args("bad");
  bad.sample_rate_hz = 11025;
  CHECK(c.h.call(c.leg_c, bad).status == ReplyStatus::BadArgument);
  bad = start_args("bad");
  bad.format = 7;
  CHECK(c.h.call(c.leg_c, bad).status == ReplyStatus::BadArgument);
  const r::RecordingId id = c.start("ok");
  CHECK(c.h.call(c.leg_c, start_args("again")).status == ReplyStatus::WrongState);
  CHECK(c.h.call(c.leg_c, ResumeRecordingArgs{}).status == ReplyStatus::WrongState);  // not paused
  CHECK(c.h.call(c.leg_a, StopRecordingArgs{}).status == ReplyStatus::WrongState);    // the agent leg has none
  CHECK(c.service.producer(0).active(id));
  REQUIRE(c.h.call(c.leg_c, StopRecordingArgs{}).status == ReplyStatus::Ok);
  CHECK_FALSE(c.service.producer(0).active(id));
  // A new recording on the same leg after a stop.
  CHECK(c.h.call(c.leg_c, start_args("second")).status == ReplyStatus::Ok);
}
