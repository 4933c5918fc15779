// The worker's command handlers: setup work, called from Worker::poll through WorkerEndpoint,
// one reply each. They may allocate (SRTP contexts, codecs) and make system calls (open a
// port); they never block. An allocation failure is a NoCapacity reply, not a crash.
#include <new>

#include "dataplane/worker/worker.hpp"

namespace dialcore::dataplane {
namespace {

ReplyStatus from_open(OpenStatus s) {
  switch (s) {
    case OpenStatus::Ok: return ReplyStatus::Ok;
    case OpenStatus::InUse: return ReplyStatus::InUse;
    case OpenStatus::TableFull: return ReplyStatus::NoCapacity;
    default: return ReplyStatus::BadArgument;
  }
}

bool valid_spec(const CodecSpec& s) {
  return s.payload_type <= 127 && s.format.rtp_clock_hz != 0 && s.format.sample_rate_hz != 0 &&
         s.format.frame_ms != 0 && s.ptime_ms != 0 &&
         static_cast<int>(s.format.id) < codecs::kCodecIdCount;
}

}  // namespace

ReplyStatus Worker::handle(const Command& cmd, Event& reply, std::uint64_t now_ns) noexcept {
  stats_.add(WorkerCounter::Commands);
  ReplyStatus st = ReplyStatus::Ok;
  try {
    if (cmd.type == CommandType::CreateLeg) {
      st = create_leg(cmd, reply, now_ns);
    } else if (cmd.type == CommandType::Ping) {
      st = ReplyStatus::Ok;
    } else if (cmd.type == CommandType::None) {
      st = ReplyStatus::BadArgument;
    } else if (Leg* leg = legs_.find(cmd.leg); leg == nullptr) {
      st = ReplyStatus::StaleLeg;
    } else {
      switch (cmd.type) {
        case CommandType::DestroyLeg: st = destroy_leg(*leg, now_ns); break;
        case CommandType::SetRemote: {
          const auto a = cmd.args<SetRemoteArgs>();
          leg->remote = a.rtp;
          leg->latch = a.latch;
          leg->latched = false;
          break;
        }
        case CommandType::SetCodec: st = set_codec(*leg, cmd.args<SetCodecArgs>()); break;
        case CommandType::SetSrtp: st = set_srtp(*leg, cmd.args<SetSrtpArgs>()); break;
        case CommandType::Bridge: {
          Leg* peer = legs_.find(cmd.args<BridgeArgs>().peer);
          st = peer == nullptr ? ReplyStatus::StaleLeg : bridge(*leg, *peer);
          break;
        }
        case CommandType::Unbridge: unbridge(*leg); break;
        case CommandType::Hold: leg->hold = cmd.args<HoldArgs>().on; break;
        case CommandType::Mute: leg->mute = cmd.args<MuteArgs>().on; break;
        case CommandType::Stats: {
          LegStats s = leg->counters;
          const std::int64_t lost = leg->rx_stats.cumulative_lost();
          s.lost = lost > 0 ? static_cast<std::uint32_t>(lost) : 0;
          s.jitter_rtp_ts = leg->rx_stats.jitter();
          reply.payload.store(s);
          break;
        }
        case CommandType::SetDtmf: st = set_dtmf(*leg, cmd.args<SetDtmfArgs>()); break;
        case CommandType::MaskDtmf: {
          const bool arm = cmd.args<MaskDtmfArgs>().arm;
          const bool was = dtmf(*leg).masked;
          st = mask_dtmf(*leg, cmd.args<MaskDtmfArgs>());
          if (st == ReplyStatus::Ok && arm != was) {
            mark_recordings(*leg, arm ? recording::MarkerKind::MaskBegin : recording::MarkerKind::MaskEnd,
                            {}, now_ns);
          }
          break;
        }
        case CommandType::StartRecording:
        case CommandType::StopRecording:
        case CommandType::PauseRecording:
        case CommandType::ResumeRecording:
        case CommandType::TagRecording: st = recording_command(*leg, cmd, reply, now_ns); break;
        case CommandType::StartAmd: st = start_amd(*leg, cmd.args<AmdArgs>(), now_ns); break;
        case CommandType::StopAmd: stop_amd(*leg); break;
        case CommandType::SendDtmf: st = send_dtmf(*leg, cmd.args<SendDtmfArgs>(), now_ns); break;
        case CommandType::PlayAudio: st = play_audio(*leg, cmd.args<PlayAudioArgs>(), now_ns); break;
        case CommandType::StopAudio: st = stop_audio(*leg, now_ns); break;
        case CommandType::ConferenceJoin:
          st = conference_join(*leg, cmd.args<ConferenceJoinArgs>(), now_ns);
          break;
        case CommandType::ConferenceLeave: st = conference_leave(*leg); break;
        default: st = ReplyStatus::UnknownCommand; break;
      }
    }
  } catch (const std::bad_alloc&) {
    st = ReplyStatus::NoCapacity;
  }
  if (st != ReplyStatus::Ok) stats_.add(WorkerCounter::CommandErrors);
  return st;
}

ReplyStatus Worker::create_leg(const Command& cmd, Event& reply, std::uint64_t now_ns) noexcept {
  if (legs_.size() >= legs_.capacity()) return ReplyStatus::NoCapacity;
  const auto args = cmd.args<CreateLegArgs>();
  const OpenResult opened = io_.open_port(args.local);
  if (!opened.ok()) return from_open(opened.status);
  Leg* leg = legs_.create(opened.port);
  if (leg == nullptr) {
    io_.close_port(opened.port);
    return ReplyStatus::NoCapacity;
  }
  leg->local = opened.local;
  leg->rtp_timeout_ms = args.rtp_timeout_ms;
  leg->last_rx_ns = now_ns;
  leg->out.emplace(random32(), static_cast<std::uint16_t>(random32()), random32(), 8000);
  dtmf(*leg) = LegDtmf{};
  reply.leg = leg->id;
  reply.payload.store(CreateLegReplyArgs{opened.local});
  return ReplyStatus::Ok;
}

ReplyStatus Worker::destroy_leg(Leg& leg, std::uint64_t now_ns) noexcept {
  (void)stop_recording(leg, true, now_ns);
  if (leg.conference) (void)conference_leave(leg);
  unbridge(leg);
  release_dtmf(leg);
  stop_amd(leg);
  if (playing(leg)) end_audio(leg, true, now_ns);
  plays_[leg.id.index] = Play{};
  io_.close_port(leg.port);
  legs_.destroy(leg);
  return ReplyStatus::Ok;
}

ReplyStatus Worker::set_codec(Leg& leg, const SetCodecArgs& args) noexcept {
  if (args.count == 0 || args.count > kMaxLegCodecs || args.send_index >= args.count) {
    return ReplyStatus::BadArgument;
  }
  for (std::uint8_t i = 0; i < args.count; ++i) {
    if (!valid_spec(args.formats[i])) return ReplyStatus::BadArgument;
  }
  leg.formats = args.formats;
  leg.format_count = args.count;
  leg.send_index = args.send_index;
  const std::uint32_t clock = leg.formats[leg.send_index].format.rtp_clock_hz;
  leg.rx_stats.set_clock_rate(clock);
  leg.out->set_clock_rate(clock);
  for (std::uint8_t i = 0; i < leg.format_count; ++i) {
    if (leg.formats[i].format.id != codecs::CodecId::TelephoneEvent) continue;
    dtmf(leg).rx.reset(leg.formats[i].format.rtp_clock_hz);
    dtmf(leg).tx.set_clock_rate(leg.formats[i].format.rtp_clock_hz);
  }
  if (leg.conference) return conference_codec(leg);
  if (Leg* peer = leg.peer.valid() ? legs_.find(leg.peer) : nullptr) {
    const ReplyStatus a = setup_transcoding(leg, *peer);
    const ReplyStatus b = setup_transcoding(*peer, leg);
    return a != ReplyStatus::Ok ? a : b;
  }
  return ReplyStatus::Ok;
}

ReplyStatus Worker::set_srtp(Leg& leg, const SetSrtpArgs& args) noexcept {
  std::unique_ptr<SrtpContext> rx, tx;
  if (args.rx.suite != SrtpSuite::None) {
    rx.reset(new (std::nothrow) SrtpContext(args.rx, SrtpContext::Direction::Inbound));
    if (!rx) return ReplyStatus::NoCapacity;
    if (!rx->ok()) return ReplyStatus::Unsupported;
  }
  if (args.tx.suite != SrtpSuite::None) {
    tx.reset(new (std::nothrow) SrtpContext(args.tx, SrtpContext::Direction::Outbound));
    if (!tx) return ReplyStatus::NoCapacity;
    if (!tx->ok()) return ReplyStatus::Unsupported;
  }
  leg.srtp_rx = std::move(rx);
  leg.srtp_tx = std::move(tx);
  return ReplyStatus::Ok;
}

// Audio from `from` reaches `to` unchanged when `to` negotiated from's send codec; otherwise
// through a transcoder into to's send codec.
ReplyStatus Worker::setup_transcoding(Leg& from, Leg& to) noexcept {
  from.transcoder.reset();
  const CodecSpec* in = from.send_format();
  const CodecSpec* out = to.send_format();
  if (in == nullptr || out == nullptr) return ReplyStatus::Ok;  // codecs not set yet
  if (to.pt_for(in->format.id) >= 0) return ReplyStatus::Ok;   // pass-through
  from.transcoder = Transcoder::create(
      *in, *out, {config_.jitter_buffer, config_.jitter_min_ms, config_.jitter_max_ms});
  if (!from.transcoder) return ReplyStatus::Unsupported;
  if (from.transcoder->buffered() && !from.jb_listed) {
    from.jb_listed = true;  // played out each turn by poll_transcoders (which unlists it)
    transcoding_.push_back(from.id);
  }
  return ReplyStatus::Ok;
}

ReplyStatus Worker::bridge(Leg& a, Leg& b) noexcept {
  if (&a == &b) return ReplyStatus::BadArgument;
  if (a.peer.valid() || b.peer.valid() || a.conference || b.conference) return ReplyStatus::WrongState;
  const ReplyStatus ab = setup_transcoding(a, b);
  const ReplyStatus ba = setup_transcoding(b, a);
  if (ab != ReplyStatus::Ok || ba != ReplyStatus::Ok) {
    a.transcoder.reset();
    b.transcoder.reset();
    return ReplyStatus::Unsupported;
  }
  a.peer = b.id;
  b.peer = a.id;
  // Each side's far end now hears a new source: rebase its stream, mark the switch.
  a.out->switch_source();
  b.out->switch_source();
  return ReplyStatus::Ok;
}

void Worker::unbridge(Leg& leg) noexcept {
  if (Leg* peer = leg.peer.valid() ? legs_.find(leg.peer) : nullptr) {
    peer->peer = LegId::invalid();
    peer->transcoder.reset();
    peer->out->switch_source();
  }
  leg.peer = LegId::invalid();
  leg.transcoder.reset();
  leg.out->switch_source();
}

}  // namespace dialcore::dataplane
