// The worker's conferences (issue 8): ConferenceJoin/ConferenceLeave, what a member receives
// into its conference's FIFO (after the DTMF tap, AMD and the recording's left channel), and
// every 20 ms each member's mix-minus, encoded in its codec and sent as a source of its own
// mapped by the leg's StreamRewriter (then SRTP): the far end sees one clean stream. The
// conference slots are a SlotPool built at construction; members' codecs are made by the join
// command and freed by a later command, never on the packet path.
#include <cstring>

#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/worker/worker.hpp"

namespace dialcore::dataplane {
namespace {

constexpr int kMaxCatchUpTicks = 3;  // a late turn mixes at most this many ticks, then resyncs
constexpr std::uint32_t kMixRateHz = 8000;

std::uint32_t conference_ssrc(const Leg& leg) {
  return static_cast<std::uint32_t>(leg.id.packed()) ^ 0x434F4E46u;  // "CONF": not the others'
}

ReplyStatus from_add(Conference::AddStatus s) {
  switch (s) {
    case Conference::AddStatus::Ok: return ReplyStatus::Ok;
    case Conference::AddStatus::Full: return ReplyStatus::NoCapacity;
    default: return ReplyStatus::Unsupported;
  }
}

}  // namespace

ReplyStatus Worker::conference_join(Leg& leg, const ConferenceJoinArgs& args, std::uint64_t now_ns) noexcept {
  Leg* with = legs_.find(args.with);
  if (with == nullptr) return ReplyStatus::StaleLeg;
  if (with == &leg) return ReplyStatus::BadArgument;
  if (leg.conference) return ReplyStatus::WrongState;
  if (leg.send_format() == nullptr || with->send_format() == nullptr) return ReplyStatus::WrongState;
  const bool fresh = !with->conference;
  std::uint32_t slot = fresh ? conferences_.acquire() : conference_of_[with->id.index];
  if (slot == kNoSlot) return ReplyStatus::NoCapacity;
  Conference& c = conferences_[slot];
  auto undo = [&](ReplyStatus st) noexcept {
    if (fresh) {
      c.reset();
      conferences_.release(slot);
    }
    return st;
  };
  if (fresh) {
    c.reset();
    const auto st = c.add(with->id, *with->send_format(), random32(), static_cast<std::uint16_t>(random32()));
    if (st != Conference::AddStatus::Ok) return undo(from_add(st));
  }
  const auto st = c.add(leg.id, *leg.send_format(), random32(), static_cast<std::uint16_t>(random32()));
  if (st != Conference::AddStatus::Ok) return undo(from_add(st));
  if (fresh) enter_conference(*with, slot);
  enter_conference(leg, slot);
  if (fresh) {
    c.active = true;
    c.next_tick_ns = now_ns + Conference::kTickNs;
    conferences_active_.push_back(slot);  // reserved for the whole pool: never reallocates
  }
  return ReplyStatus::Ok;
}

void Worker::enter_conference(Leg& leg, std::uint32_t slot) noexcept {
  unbridge(leg);  // its old peer stays alone; both streams are marked as switched
  leg.conference = true;
  conference_of_[leg.id.index] = slot;
}

void Worker::exit_conference(Leg& leg) noexcept {
  leg.conference = false;
  conference_of_[leg.id.index] = kNoSlot;
  leg.out->switch_source();
}

ReplyStatus Worker::conference_leave(Leg& leg) noexcept {
  if (!leg.conference) return ReplyStatus::WrongState;
  const std::uint32_t slot = conference_of_[leg.id.index];
  Conference& c = conferences_[slot];
  c.remove(leg.id);
  exit_conference(leg);
  if (c.size() > 2) return ReplyStatus::Ok;
  if (c.size() == 2) {  // back to a plain bridge when the pair can be bridged
    Leg* a = legs_.find(c.member(0).leg);
    Leg* b = legs_.find(c.member(1).leg);
    if (a == nullptr || b == nullptr) return ReplyStatus::Ok;  // cannot happen: DestroyLeg leaves
    exit_conference(*a);
    exit_conference(*b);
    if (bridge(*a, *b) != ReplyStatus::Ok) {  // e.g. a codec pair the transcoder cannot do
      enter_conference(*a, slot);
      enter_conference(*b, slot);
      return ReplyStatus::Ok;
    }
  } else if (c.size() == 1) {
    if (Leg* last = legs_.find(c.member(0).leg)) exit_conference(*last);
  }
  c.reset();
  c.active = false;
  for (std::size_t i = 0; i < conferences_active_.size(); ++i) {
    if (conferences_active_[i] != slot) continue;
    conferences_active_[i] = conferences_active_.back();
    conferences_active_.pop_back();
    break;
  }
  std::uint32_t s = slot;
  conferences_.release(s);
  return ReplyStatus::Ok;
}

ReplyStatus Worker::conference_codec(Leg& leg) noexcept {
  Conference& c = conferences_[conference_of_[leg.id.index]];
  const int i = c.find(leg.id);
  const CodecSpec* send = leg.send_format();
  if (i < 0 || send == nullptr) return ReplyStatus::WrongState;
  Conference::Member& m = c.member(static_cast<std::size_t>(i));
  return from_add(Conference::make_member(*send, m));  // the old codecs stay on failure
}

// Cost per received packet: the decode (G.711 ~0.03 us, G.729 ~2 us, Opus ~10 us per 20 ms),
// the hook's flag tests, a copy into the FIFO.
void Worker::conference_rx(Leg& leg, const CodecSpec& in, std::span<const std::uint8_t> payload,
                           std::uint64_t now_ns) noexcept {
  Conference& c = conferences_[conference_of_[leg.id.index]];
  const int i = c.find(leg.id);
  if (i < 0) return;
  const bool ok = c.push(static_cast<std::size_t>(i), in.format.id, payload, dsp_pcm_, leg.mute,
                         [&](std::span<std::int16_t> pcm) noexcept {
                           if (leg.amd) feed_amd(leg, pcm, kMixRateHz, now_ns);
                           if (leg.dsp_tap) (void)dsp_frame(leg, nullptr, pcm, now_ns);  // masking
                           if (leg.recorded) record(leg, recording::Channel::Customer, pcm, kMixRateHz, now_ns);
                         });
  if (!ok) {
    ++leg.counters.malformed;
    stats_.add(WorkerCounter::DspUndecodable);
  }
}

void Worker::poll_conferences(std::uint64_t now_ns) noexcept {
  for (const std::uint32_t slot : conferences_active_) {
    Conference& c = conferences_[slot];
    int ticks = 0;
    while (now_ns >= c.next_tick_ns) {
      if (++ticks > kMaxCatchUpTicks) {
        c.next_tick_ns = now_ns + Conference::kTickNs;  // too far behind: resync rather than burst
        break;
      }
      c.next_tick_ns += Conference::kTickNs;
      conference_tick(c, now_ns);
    }
  }
}

// Cost per tick (dialbench dataplane mix_g711, 3 G.711 members, decodes included): 1.49 us vs
// 1.19 us for the same legs' plain transcoding (the sum and mix-minus ~0.3 us); with a G.729 or
// Opus member its encoder dominates (~100 us). Plus one packet alloc, rewrite and send each.
void Worker::conference_tick(Conference& c, std::uint64_t now_ns) noexcept {
  std::array<Leg*, kMaxConferenceMembers> members{};
  for (std::size_t i = 0; i < c.size(); ++i) members[i] = legs_.find(c.member(i).leg);
  std::uint64_t underruns = 0;
  for (std::size_t i = 0; i < c.size(); ++i) underruns += c.member(i).underruns;
  stats_.add(WorkerCounter::ConferenceTicks);
  c.tick(
      [&](std::size_t i, std::span<std::int16_t> pcm) noexcept {
        Leg* leg = members[i];
        if (leg == nullptr) return;
        if (leg->dsp_out) {  // in-band keys queued towards it before it joined
          LegDtmf& t = dtmf(*leg);
          dsp::DtmfGenerator& g = generators_[t.generator];
          g.generate(pcm);
          if (!g.busy()) {
            generators_.release(t.generator);
            sync_dsp_flags(*leg);
          }
        }
        // What a recorded member hears: the right channel (a prompt to it records itself).
        if (leg->recorded && !leg->playing) record(*leg, recording::Channel::Agent, pcm, kMixRateHz, now_ns);
      },
      [&](std::size_t i, std::span<const std::uint8_t> coded, std::uint32_t ts, std::uint16_t seq) noexcept {
        Leg* leg = members[i];
        if (leg == nullptr || leg->hold || leg->playing || leg->remote.empty()) return;
        if (tx_count_ >= kBatch) flush();
        Packet* out = nullptr;
        if (io_.alloc(std::span<Packet*>(&out, 1)) != 1) return;  // pool empty: a counted io drop
        const rtp::RtpRewrite mapped = leg->out->map(conference_ssrc(*leg), seq, ts, false, now_ns);
        if (!rtp::sendable(mapped.verdict) ||
            out->capacity < rtp::kRtpHeaderBytes + coded.size() + kSrtpMaxTrailer) {
          drop(out);
          return;
        }
        rtp::write_rtp_header(rtp::RtpHeaderBytes(out->data, rtp::kRtpHeaderBytes),
                              {mapped.ssrc, mapped.timestamp, mapped.sequence,
                               c.member(i).payload_type, mapped.marker});
        std::memcpy(out->data + rtp::kRtpHeaderBytes, coded.data(), coded.size());
        out->len = static_cast<std::uint32_t>(rtp::kRtpHeaderBytes + coded.size());
        send_to(*leg, out);
      });
  std::uint64_t after = 0;
  for (std::size_t i = 0; i < c.size(); ++i) after += c.member(i).underruns;
  if (after > underruns) stats_.add(WorkerCounter::ConferenceUnderruns, after - underruns);
}

}  // namespace dialcore::dataplane
