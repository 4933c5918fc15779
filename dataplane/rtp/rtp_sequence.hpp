#pragma once
// Where a sequence number falls relative to the highest one seen, with RFC 3550 appendix A.1's
// limits, shared by the receive statistics and the stream rewriter so both call the same
// packets "reordered" or "a jump".

#include <cstdint>

namespace dialcore::dataplane::rtp {

inline constexpr std::uint32_t kSeqMod = 1u << 16;
inline constexpr std::uint16_t kMaxDropout = 3000;  // A.1: a gap this large is not a loss burst
inline constexpr std::uint16_t kMaxMisorder = 100;  // A.1: this far behind is still reordering

enum class SeqStep : std::uint8_t {
  Same,    // equal to the highest seen: a duplicate
  Ahead,   // 1 .. kMaxDropout-1 ahead: in order, with (delta - 1) lost
  Behind,  // 1 .. kMaxMisorder-1 behind: reordered or a duplicate of an older packet
  Jump,    // anything else: the source restarted or we missed a long stretch
};

// delta = seq - highest, modulo 2^16.
constexpr SeqStep classify_seq_delta(std::uint16_t delta) noexcept {
  if (delta == 0) return SeqStep::Same;
  if (delta < kMaxDropout) return SeqStep::Ahead;
  if (delta > kSeqMod - kMaxMisorder) return SeqStep::Behind;
  return SeqStep::Jump;
}

constexpr std::uint16_t seq_delta(std::uint16_t seq, std::uint16_t highest) noexcept {
  return static_cast<std::uint16_t>(seq - highest);
}

}  // namespace dialcore::dataplane::rtp
