#pragma once
// Per-leg DTMF state (issue 4) beside the Leg, and the worker's preallocated DSP pools.
//
// LegDtmf (RFC 4733 receiver and sender, what the leg reports, its DSP slots) sits in an array
// indexed like the leg table, so the Leg keeps its 512-byte budget. The heavy DSP objects live in
// SlotPools built at worker construction and lent to a leg by a command:
//   - detectors (in-band DTMF, 1.6 KiB each): one per leg of the table by default;
//   - maskers (PCI masking: detector + 60 ms look-ahead, 4.1 KiB): fewer, masking is a short
//     step on a few calls at once; while a leg's masker is attached it also does the detecting;
//   - generators (in-band DTMF out, 1 KiB).
// Acquire and release are O(1) and never allocate; an empty pool is a NoCapacity reply.

#include <cstdint>
#include <vector>

#include "dataplane/dsp/dtmf_detector.hpp"
#include "dataplane/dsp/dtmf_generator.hpp"
#include "dataplane/dsp/dtmf_masker.hpp"
#include "dataplane/rtp/telephone_event_receiver.hpp"
#include "dataplane/rtp/telephone_event_sender.hpp"

namespace dialcore::dataplane {

inline constexpr std::uint32_t kNoSlot = UINT32_MAX;

template <typename T>
class SlotPool {
 public:
  explicit SlotPool(std::uint32_t capacity) : items_(capacity) {
    free_.reserve(capacity);
    for (std::uint32_t i = capacity; i > 0; --i) free_.push_back(i - 1);
  }
  std::uint32_t acquire() noexcept {
    if (free_.empty()) return kNoSlot;
    const std::uint32_t i = free_.back();
    free_.pop_back();  // only shrinks: no allocation
    return i;
  }
  void release(std::uint32_t& slot) noexcept {
    if (slot == kNoSlot) return;
    free_.push_back(slot);  // capacity reserved at construction: never reallocates
    slot = kNoSlot;
  }
  T& operator[](std::uint32_t i) noexcept { return items_[i]; }
  std::uint32_t available() const noexcept { return static_cast<std::uint32_t>(free_.size()); }
  std::uint32_t capacity() const noexcept { return static_cast<std::uint32_t>(items_.size()); }

 private:
  std::vector<T> items_;
  std::vector<std::uint32_t> free_;
};

struct LegDtmf {
  rtp::TelephoneEventReceiver rx;
  rtp::TelephoneEventSender tx;
  std::uint64_t samples = 0;  // 8 kHz samples the DSP tap has seen: the detectors' clock
  std::uint32_t detector = kNoSlot;
  std::uint32_t masker = kNoSlot;
  std::uint32_t generator = kNoSlot;
  bool inband = false;        // in-band detection asked for
  bool rfc4733 = true;        // RFC 4733 keys reported
  bool masked = false;        // masking armed (the masker may still drain after disarm)
  bool sending = false;       // on the worker's list of legs with RFC 4733 keys to send

  bool dsp_tap() const noexcept { return detector != kNoSlot || masker != kNoSlot; }
};

// Per-leg hot state besides the Leg (issue 3: Leg + this <= 2 KiB; DSP objects are pooled).
static_assert(sizeof(LegDtmf) <= 320);

}  // namespace dialcore::dataplane
