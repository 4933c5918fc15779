// The worker's prompts and tones (issue 4, item 4): PlayAudio/StopAudio, and each turn one
// packet per ptime for every leg with an active prompt. The prompt is a source of its own
// (SSRC, sequence, timestamps) mapped by the leg's StreamRewriter, which marks the switch and
// continues the leg's one outgoing stream; the bridged audio towards the leg is held back while
// it plays and resumes as a new source after it. The packet path never allocates or frees: a
// finished player is freed by the next command on its leg.
#include <algorithm>

#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/worker/worker.hpp"

namespace dialcore::dataplane {
namespace {

constexpr int kMaxCatchUpPackets = 5;  // a late turn sends at most this many, then resyncs

std::uint32_t prompt_ssrc(const Leg& leg) {
  return static_cast<std::uint32_t>(leg.id.packed()) ^ 0x50524F4Du;  // not the transcoder's
}

}  // namespace

ReplyStatus Worker::play_audio(Leg& leg, const PlayAudioArgs& args, std::uint64_t now_ns) noexcept {
  if (args.mix) return ReplyStatus::Unsupported;
  const CodecSpec* format = leg.send_format();
  if (format == nullptr) return ReplyStatus::WrongState;
  PromptPlayer::Status status = PromptPlayer::Status::Ok;
  std::unique_ptr<PromptPlayer> player =
      PromptPlayer::create(config_.prompts, args.clip_id, args.repeat, *format, status);
  if (!player) {
    return status == PromptPlayer::Status::UnknownClip ? ReplyStatus::BadArgument : ReplyStatus::Unsupported;
  }
  Play& play = plays_[leg.id.index];
  if (play.active) end_audio(leg, true, now_ns);
  play.player = std::move(player);  // frees the previous one: a command, not the packet path
  play.active = true;
  leg.playing = true;
  play.next_ns = now_ns;
  play.started_ns = now_ns;
  play.seq = static_cast<std::uint16_t>(random32());
  play.ts = random32();
  leg.out->switch_source();
  bool listed = false;
  for (const LegId& id : playing_) listed = listed || id == leg.id;
  if (!listed) playing_.push_back(leg.id);  // reserved for every leg: never reallocates
  AudioEventArgs a;
  a.at_ns = now_ns;
  a.clip_id = args.clip_id;
  if (!endpoint_.post(make_event(EventType::AudioStarted, leg.id, a))) stats_.add(WorkerCounter::EventsDropped);
  mark_announcement(leg, recording::MarkerKind::AnnouncementStart, args.clip_id, now_ns);
  return ReplyStatus::Ok;
}

ReplyStatus Worker::stop_audio(Leg& leg, std::uint64_t now_ns) noexcept {
  Play& play = plays_[leg.id.index];
  const bool was = play.active;
  if (was) end_audio(leg, true, now_ns);
  play.player.reset();
  return was ? ReplyStatus::Ok : ReplyStatus::WrongState;
}

void Worker::end_audio(Leg& leg, bool stopped, std::uint64_t now_ns) noexcept {
  Play& play = plays_[leg.id.index];
  play.active = false;
  leg.playing = false;
  leg.out->switch_source();  // the bridged audio comes back as a new source, marked
  AudioEventArgs a;
  a.at_ns = now_ns;
  if (play.player) {
    a.clip_id = play.player->clip_id();
    a.loops = play.player->loops();
    const std::uint32_t rate = play.player->ts_step() * 1000 / std::max(1u, play.player->ptime_ms());
    a.played_ms = rate == 0 ? 0 : static_cast<std::uint32_t>(play.player->played_samples() * 1000 / rate);
  }
  a.stopped = stopped;
  if (!endpoint_.post(make_event(EventType::AudioEnded, leg.id, a))) stats_.add(WorkerCounter::EventsDropped);
  mark_announcement(leg, recording::MarkerKind::AnnouncementEnd, a.clip_id, now_ns);
}

// Cost per packet: the source (a tone ~0.3-0.5 us per 20 ms, a clip a copy), the encoder
// (G.711 ~0.1 us per 20 ms), a rewrite and the send: a few hundred ns per leg per 20 ms.
void Worker::poll_players(std::uint64_t now_ns) noexcept {
  for (std::size_t i = 0; i < playing_.size();) {
    Leg* leg = legs_.find(playing_[i]);
    Play* play = leg != nullptr ? &plays_[leg->id.index] : nullptr;
    if (play == nullptr || !play->active || !play->player) {
      playing_[i] = playing_.back();
      playing_.pop_back();
      continue;
    }
    PromptPlayer& player = *play->player;
    const CodecSpec* format = leg->send_format();
    const std::uint64_t ptime_ns = std::uint64_t{player.ptime_ms()} * 1'000'000;
    int sent = 0;
    while (now_ns >= play->next_ns && !player.done() && format != nullptr) {
      if (++sent > kMaxCatchUpPackets) {
        play->next_ns = now_ns + ptime_ns;  // too far behind: resync rather than burst
        break;
      }
      play->next_ns += ptime_ns;
      if (tx_count_ >= kBatch) flush();
      Packet* out = nullptr;
      if (io_.alloc(std::span<Packet*>(&out, 1)) != 1) continue;  // pool empty: a counted io drop
      if (out->capacity <= rtp::kRtpHeaderBytes + kSrtpMaxTrailer) {
        drop(out);
        continue;
      }
      const std::size_t n = player.next_packet(
          std::span<std::uint8_t>(out->data + rtp::kRtpHeaderBytes,
                                  out->capacity - rtp::kRtpHeaderBytes - kSrtpMaxTrailer));
      const std::uint32_t ts = play->ts;
      play->ts += player.ts_step();
      // Recorded where it is heard: a prompt to a customer leg is its right channel (it replaces
      // the agent's audio there), placed at the packet's due time. One to an agent leg (a
      // whisper) is only marked: the customer never hears it.
      if (leg->recorded && !player.last_pcm().empty()) {
        record(*leg, recording::Channel::Agent, player.last_pcm(), format->format.sample_rate_hz,
               play->next_ns);
      }
      if (n == 0 || leg->remote.empty()) {  // nothing coded (DTX, the end) or nowhere to send
        drop(out);
        continue;
      }
      const rtp::RtpRewrite mapped = leg->out->map(prompt_ssrc(*leg), play->seq++, ts, false, now_ns);
      if (!rtp::sendable(mapped.verdict)) {
        drop(out);
        continue;
      }
      rtp::write_rtp_header(rtp::RtpHeaderBytes(out->data, rtp::kRtpHeaderBytes),
                            {mapped.ssrc, mapped.timestamp, mapped.sequence, format->payload_type,
                             mapped.marker});
      out->len = static_cast<std::uint32_t>(rtp::kRtpHeaderBytes + n);
      send_to(*leg, out);
    }
    if (player.done()) {
      end_audio(*leg, false, now_ns);
      playing_[i] = playing_.back();
      playing_.pop_back();
      continue;
    }
    ++i;
  }
}

}  // namespace dialcore::dataplane
