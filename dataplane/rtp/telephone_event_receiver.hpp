#pragma once
// TelephoneEventReceiver: one leg's RFC 4733 receive state machine. It turns the packets of a
// telephone-event stream into one report per key, with its start timestamp and its duration.
//
// An event is named by its RTP timestamp (RFC 4733 2.5.1): every packet of one key carries the
// same one, with a growing duration, the last three with the E bit.
//   - Same timestamp and event as the sounding key: an update (the largest duration wins, so
//     reordered updates do not shorten it); with E, the key ends (EndBit) and is reported.
//   - Same timestamp as the key just reported: a retransmission (the end's repeats, a late
//     update): ignored.
//   - A newer timestamp: a new key; a key still sounding ended without its end packets (all
//     three lost): it is reported with the duration last heard (NextEvent).
//   - An older timestamp: a late packet of an earlier key: ignored and counted.
//   - No packet for `timeout_ms` while a key sounds: reported (Timeout), duration last heard.
//   - A key longer than a 16-bit duration (RFC 4733 2.5.1.3) comes as segments: a segment whose
//     timestamp is the previous segment's plus 0xFFFF continues the key.
// Redundancy: several blocks in one packet (RFC 4733 2.5.1.5) are consecutive events; an RFC
// 2198 packet (on_red) feeds its redundant blocks, oldest first, before its primary. Both are
// handled by the rules above, so a repeated block is a retransmission, a recovered one a key.
//
// Start time: besides the RTP timestamp, each report carries start_ns, the worker's clock when
// the key began: the arrival of its first packet minus the duration that packet already had.
//
// No allocation, exception or clock read; time is passed in. 64 bytes of state per leg.
// Cost: `build/bin/telephone_event_test "[.bench]"`: see telephone_event_receiver.cpp.

#include <cstddef>
#include <cstdint>
#include <span>

#include "dataplane/rtp/telephone_event.hpp"

namespace dialcore::dataplane::rtp {

enum class TelephoneEventEnd : std::uint8_t {
  EndBit,     // its end packet arrived
  NextEvent,  // a newer event arrived first: its end packets were lost
  Timeout,    // nothing more arrived for it
};

struct TelephoneEventReport {
  std::uint8_t event = 0;
  TelephoneEventEnd how = TelephoneEventEnd::EndBit;
  std::uint8_t volume = 0;
  std::uint32_t start_ts = 0;  // RTP timestamp of the event (its first segment)
  std::uint32_t duration = 0;  // timestamp units, segments added up
  std::uint64_t start_ns = 0;  // caller's clock at the key's start (see above)
};

class TelephoneEventReceiver {
 public:
  static constexpr std::uint32_t kDefaultTimeoutMs = 250;  // 5 x the 50 ms RFC 4733 update interval
  static constexpr std::size_t kMaxBlocks = 8;             // per packet; more are not read

  TelephoneEventReceiver() noexcept : TelephoneEventReceiver(8000) {}
  explicit TelephoneEventReceiver(std::uint32_t clock_hz,
                                  std::uint32_t timeout_ms = kDefaultTimeoutMs) noexcept
      : clock_hz_(clock_hz), timeout_ms_(timeout_ms) {}

  void reset(std::uint32_t clock_hz) noexcept {
    *this = TelephoneEventReceiver(clock_hz, timeout_ms_);
  }

  // One telephone-event payload with its packet's RTP timestamp, arriving at now_ns. Finished
  // keys go to `out`; returns how many. A malformed payload is counted and reports nothing.
  std::size_t on_packet(std::uint32_t ts, std::span<const std::uint8_t> payload,
                        std::uint64_t now_ns, std::span<TelephoneEventReport> out) noexcept;
  // An RFC 2198 payload whose telephone-event blocks have payload type `event_pt`; other
  // blocks are ignored.
  std::size_t on_red(std::uint32_t ts, std::span<const std::uint8_t> payload, std::uint8_t event_pt,
                     std::uint64_t now_ns, std::span<TelephoneEventReport> out) noexcept;
  // Ends a key not updated within the timeout. Call it now and then (the worker's scan).
  std::size_t on_timer(std::uint64_t now_ns, std::span<TelephoneEventReport> out) noexcept;

  bool active() const noexcept { return active_; }
  std::uint32_t malformed() const noexcept { return malformed_; }
  std::uint32_t late() const noexcept { return late_; }          // packets of earlier keys
  std::uint32_t repeats() const noexcept { return repeats_; }    // retransmissions ignored
  std::uint32_t lost_ends() const noexcept { return lost_ends_; }  // keys ended without E

 private:
  struct Sink {
    std::span<TelephoneEventReport> out;
    std::size_t n = 0;
  };
  void block(std::uint32_t ts, const TelephoneEventBlock& b, std::uint64_t now_ns, Sink& sink) noexcept;
  void finish(TelephoneEventEnd how, Sink& sink) noexcept;
  std::uint32_t total() const noexcept { return segments_base_ + duration_; }

  std::uint64_t start_ns_ = 0;    // of the sounding key
  std::uint64_t last_ns_ = 0;     // last packet of the sounding key
  std::uint32_t clock_hz_;
  std::uint32_t timeout_ms_;
  std::uint32_t start_ts_ = 0;    // first segment's timestamp
  std::uint32_t segment_ts_ = 0;  // current segment's timestamp
  std::uint32_t segments_base_ = 0;  // durations of the finished segments
  std::uint32_t done_ts_ = 0;     // the key last reported (its latest segment)
  std::uint32_t malformed_ = 0, late_ = 0, repeats_ = 0, lost_ends_ = 0;
  std::uint16_t duration_ = 0;    // largest heard in the current segment
  std::uint8_t event_ = 0, volume_ = 0, done_event_ = 0;
  bool active_ = false, has_done_ = false;
};

static_assert(sizeof(TelephoneEventReceiver) <= 64);

}  // namespace dialcore::dataplane::rtp
