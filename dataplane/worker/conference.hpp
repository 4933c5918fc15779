#pragma once
// Conference: one mix of up to kMaxConferenceMembers legs of a worker (issue 8). Each member's
// received audio is decoded at 8 kHz into a small FIFO of 20 ms frames; every 20 ms tick takes
// one frame per member (a missing frame is silence), sums them, and gives each member the sum
// minus its own frame (saturating 16-bit), encoded in that member's send codec and ptime.
//
// Codec state is made by add() (a command: may allocate); push() and tick() never allocate,
// lock, make system calls or throw. The worker glue (which leg, rewriter, SRTP, DTMF tap and
// recording) is worker_conference.cpp; this class knows codecs and samples only, so dialbench
// can time a tick on its own.

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "codecs/codec.hpp"
#include "dataplane/api/codec_spec.hpp"
#include "dataplane/api/commands.hpp"
#include "dataplane/api/leg_id.hpp"

namespace dialcore::dataplane {

// One member's received audio: frames of 20 ms at 8 kHz, oldest first, at most kDepth of them.
// Fuller: the oldest samples are dropped (counted), so the mix delay stays bounded at 60 ms.
class PcmFifo {
 public:
  static constexpr std::size_t kFrame = 160;  // 20 ms at 8 kHz
  static constexpr std::size_t kDepth = 3;
  // Appends; returns the samples dropped to make room (0 normally).
  std::size_t push(std::span<const std::int16_t> pcm) noexcept;
  // One frame out, or false (and nothing taken) when less than a frame is queued.
  bool pop(std::span<std::int16_t, kFrame> frame) noexcept;
  std::size_t queued() const noexcept { return queued_; }
  void clear() noexcept { queued_ = 0; }

 private:
  std::array<std::int16_t, kFrame * kDepth> buf_{};
  std::size_t queued_ = 0;
};

// out[i] = saturate(sum[i] - own[i]): what one member hears. ~0.05 us per 160 samples (scalar,
// the compiler vectorises it).
void mix_minus(std::span<const std::int32_t, PcmFifo::kFrame> sum,
               std::span<const std::int16_t, PcmFifo::kFrame> own,
               std::span<std::int16_t, PcmFifo::kFrame> out) noexcept;

class Conference {
 public:
  static constexpr std::uint64_t kTickNs = 20'000'000;
  static constexpr std::size_t kFrame = PcmFifo::kFrame;

  enum class AddStatus : std::uint8_t { Ok, Full, Unsupported };

  struct Member {
    LegId leg;
    std::unique_ptr<codecs::Decoder> decoder;  // what the member sends us, at 8 kHz
    std::unique_ptr<codecs::Encoder> encoder;  // what we send it, at 8 kHz
    codecs::CodecId rx_codec = codecs::CodecId::Pcmu;
    std::uint8_t payload_type = 0;             // of what we send
    std::uint32_t out_samples = 160;           // one packet we send (its ptime at 8 kHz)
    std::uint32_t ts_step = 160;               // its RTP timestamp advance
    std::uint32_t ts = 0;                      // the mix towards it, a source of its own
    std::uint16_t seq = 0;
    PcmFifo in;
    std::array<std::int16_t, kFrame> frame{};  // this tick's frame from it (silence if none)
    std::array<std::int16_t, kFrame * 6> out{};  // mix-minus waiting to be encoded (<= 120 ms)
    std::size_t out_queued = 0;
    std::uint64_t underruns = 0, overrun_samples = 0, encode_errors = 0;
  };

  // The codecs a member needs, or AddStatus::Unsupported (a format without an 8 kHz decoder and
  // encoder here: L16 16 kHz, a ptime over 120 ms). Setup only: allocates.
  static AddStatus make_member(const CodecSpec& send, Member& m);
  // Adds a member (codecs from make_member); Full at kMaxConferenceMembers.
  AddStatus add(LegId leg, const CodecSpec& send, std::uint32_t ts_seed, std::uint16_t seq_seed);
  bool remove(LegId leg) noexcept;  // frees nothing: the codecs go with the next add/reset
  void reset() noexcept { count_ = 0; }

  // The member's received payload (its RTP codec `codec`); decoded into `scratch`, handed to
  // hook(pcm) (may rewrite it in place: the DTMF tap, recording), then queued unless `muted`.
  // False when the payload did not decode (or is another codec than the member's).
  template <typename Hook>
  bool push(std::size_t member, codecs::CodecId codec, std::span<const std::uint8_t> payload,
            std::span<std::int16_t> scratch, bool muted, Hook&& hook) noexcept {
    Member& m = members_[member];
    if (codec != m.rx_codec) return false;
    const codecs::CodecResult r = m.decoder->decode(payload, scratch);
    if (!r.ok()) return false;
    const std::span<std::int16_t> pcm = scratch.first(r.count);
    hook(pcm);
    if (!muted) m.overrun_samples += m.in.push(pcm);
    return true;
  }

  // One 20 ms tick. For each member i: heard(i, pcm) sees (may rewrite in place) what the
  // member hears this tick; then, whenever a packet's worth is queued, emit(i, payload,
  // ts, seq) with the encoded mix-minus. Cost (dialbench dataplane mix_g711, push included):
  // 1.49 us per tick for three G.711 members, 1.25 x their plain transcoding.
  template <typename Heard, typename Emit>
  void tick(Heard&& heard, Emit&& emit) noexcept {
    std::array<std::int32_t, kFrame> sum{};
    for (std::size_t i = 0; i < count_; ++i) {
      Member& m = members_[i];
      if (!m.in.pop(m.frame)) {
        m.frame.fill(0);
        ++m.underruns;
      }
      for (std::size_t s = 0; s < kFrame; ++s) sum[s] += m.frame[s];
    }
    for (std::size_t i = 0; i < count_; ++i) {
      Member& m = members_[i];
      const std::span<std::int16_t, kFrame> pcm(m.out.data() + m.out_queued, kFrame);
      mix_minus(sum, m.frame, pcm);
      heard(i, std::span<std::int16_t>(pcm));
      m.out_queued += kFrame;
      while (m.out_queued >= m.out_samples) {
        const codecs::CodecResult r =
            m.encoder->encode(std::span<const std::int16_t>(m.out.data(), m.out_samples), wire_);
        const std::uint32_t ts = m.ts;
        m.ts += m.ts_step;
        consume(m, m.out_samples);
        if (!r.ok()) {
          ++m.encode_errors;
        } else if (r.count > 0) {
          emit(i, std::span<const std::uint8_t>(wire_.data(), r.count), ts, m.seq++);
        }
      }
    }
  }

  std::size_t size() const noexcept { return count_; }
  Member& member(std::size_t i) noexcept { return members_[i]; }
  const Member& member(std::size_t i) const noexcept { return members_[i]; }
  // The member index of `leg`, or -1.
  int find(LegId leg) const noexcept;

  std::uint64_t next_tick_ns = 0;
  bool active = false;

 private:
  static void consume(Member& m, std::size_t n) noexcept;

  std::array<Member, kMaxConferenceMembers> members_{};
  std::size_t count_ = 0;
  std::array<std::uint8_t, 1500> wire_{};
};

}  // namespace dialcore::dataplane
