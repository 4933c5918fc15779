#pragma once
// TelephoneEventSender: one leg's RFC 4733 transmit side. Keys are queued; each becomes
//   - a start packet, marker set, at the key's start (duration 0),
//   - an update every `interval` with the duration so far,
//   - the end packet (E bit, the final duration) three times, one interval apart
//     (RFC 4733 2.5.1.4), then a pause of `gap` before the next key.
// All packets of a key carry the timestamp the leg's StreamRewriter gives at its start, and each
// takes the rewriter's next sequence number, so the events sit inside the leg's one outgoing
// stream, in the audio's timestamp space (StreamRewriter::insert).
//
// Durations are in the event clock's units (8000 Hz for telephone-event/8000). No allocation,
// exception or clock read; time is passed in. Cost: a poll with nothing due is a compare.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/rtp/stream_rewriter.hpp"
#include "dataplane/rtp/telephone_event.hpp"

namespace dialcore::dataplane::rtp {

struct TelephoneEventPacket {
  RtpHeaderFields header;  // payload type: the one given to poll()
  TelephoneEventBlock block;
};

struct TelephoneEventSenderConfig {
  std::uint32_t clock_hz = 8000;
  std::uint32_t interval_ms = 50;  // RFC 4733 2.5.1.2 suggests 50 ms
  std::uint32_t gap_ms = 60;       // silence between queued keys
  std::uint8_t volume = 10;        // -dBm0
};

class TelephoneEventSender {
 public:
  static constexpr std::size_t kQueueCapacity = 32;
  static constexpr std::uint32_t kEndRepeats = 3;

  TelephoneEventSender() noexcept = default;
  explicit TelephoneEventSender(const TelephoneEventSenderConfig& config) noexcept : config_(config) {}

  // Queues an event (a DTMF key's code) of `duration_ms`; false when the queue is full or the
  // code is not an event (> 255) or the duration is 0 or longer than one 16-bit segment.
  bool enqueue(std::uint8_t event, std::uint32_t duration_ms) noexcept;

  // The packets due at now_ns (at most out.size(); the rest stay due), with header fields from
  // `stream` and payload type `pt`. Returns how many were written.
  std::size_t poll(std::uint64_t now_ns, StreamRewriter& stream, std::uint8_t pt,
                   std::span<TelephoneEventPacket> out) noexcept;

  std::size_t room() const noexcept { return kQueueCapacity - queued_; }
  bool busy() const noexcept { return phase_ != Phase::Idle || queued_ > 0; }
  void clear() noexcept;
  void set_clock_rate(std::uint32_t clock_hz) noexcept { config_.clock_hz = clock_hz; }

 private:
  enum class Phase : std::uint8_t { Idle, Sounding, Ending, Gap };
  struct Key {
    std::uint8_t event = 0;
    std::uint16_t duration = 0;  // timestamp units
  };
  std::uint16_t units(std::uint64_t ns) const noexcept;

  TelephoneEventSenderConfig config_{};
  std::array<Key, kQueueCapacity> queue_{};
  std::uint8_t head_ = 0, queued_ = 0;
  Phase phase_ = Phase::Idle;
  std::uint8_t ends_sent_ = 0;
  Key key_{};
  std::uint32_t ts_ = 0;           // the sounding key's timestamp
  std::uint64_t start_ns_ = 0;     // when it started
  std::uint64_t next_ns_ = 0;      // next packet (or the end of the gap)
};

}  // namespace dialcore::dataplane::rtp
