#pragma once
// CommandChannel: control's side of one worker's WorkerRings, used from control's one thread.
// submit() numbers a command and queues it, or says Busy at once; poll() collects replies,
// matches them to their commands by seq, and turns every command whose reply is overdue into a
// TimedOut completion (the wedged-worker alarm). So a submitted command completes exactly once,
// with its reply or with TimedOut, and nothing on control ever waits for a worker.
//
// Time is passed in (now_ns, from control's clock adapter); the channel never reads a clock.

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "dataplane/api/commands.hpp"
#include "dataplane/api/events.hpp"
#include "dataplane/api/leg_id.hpp"
#include "dataplane/api/worker_rings.hpp"

namespace dialcore::dataplane {

// What poll() hands to its handler, with the event it concerns.
enum class Delivery : std::uint8_t {
  Reply,      // the reply to a command in flight: it completes that command
  TimedOut,   // no reply by the deadline: a synthesized Reply with status TimedOut completes it
  LateReply,  // a reply that came after its command timed out; the work may have been done
              // (a CreateLeg that succeeded late made a leg control must destroy)
  Event,      // the worker's own event (first packet, RTP timeout, stats)
};

// Control thread only: plain counters, exported as metrics by control.
struct ChannelCounters {
  std::uint64_t submitted = 0;
  std::uint64_t busy_ring_full = 0;  // submit refused: the command ring was full
  std::uint64_t busy_in_flight = 0;  // submit refused: max_in_flight commands unanswered
  std::uint64_t replies = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t late_replies = 0;
  std::uint64_t unknown_replies = 0;  // seq never issued or type mismatch: a bug, dropped
  std::uint64_t events = 0;
};

class CommandChannel {
 public:
  struct Submitted {
    ReplyStatus status;  // Ok (queued, will complete once) or Busy (not queued, never completes)
    std::uint64_t seq;   // 0 when Busy
  };

  // Setup only: allocates the in-flight table. Precondition: max_in_flight >= 1.
  CommandChannel(WorkerRings& rings, std::size_t max_in_flight, std::uint64_t reply_timeout_ns)
      : rings_(rings),
        max_in_flight_(max_in_flight),
        mask_(std::bit_ceil(max_in_flight) - 1),
        table_(std::make_unique<InFlight[]>(mask_ + 1)),
        reply_timeout_ns_(reply_timeout_ns) {}
  CommandChannel(const CommandChannel&) = delete;
  CommandChannel& operator=(const CommandChannel&) = delete;

  // Assigns the seq, queues the command, and arms its deadline at now_ns + reply_timeout_ns.
  // Busy when the command ring is full, or when the seqs from the oldest unanswered command to
  // this one would span more than max_in_flight (answered ones after the oldest still count until
  // it completes: workers answer in order, so this is rare). now_ns comes from a steady clock.
  Submitted submit(const Command& command, std::uint64_t now_ns) noexcept {
    if (next_seq_ - oldest_ >= max_in_flight_) {
      ++counters_.busy_in_flight;
      return {ReplyStatus::Busy, 0};
    }
    Command cmd = command;
    cmd.seq = next_seq_;
    if (!rings_.commands.try_push(cmd)) {
      ++counters_.busy_ring_full;
      return {ReplyStatus::Busy, 0};
    }
    // Deadlines never decrease with seq, even if now_ns did: poll() relies on it to stop early.
    last_deadline_ns_ = std::max(last_deadline_ns_, now_ns + reply_timeout_ns_);
    table_[slot(cmd.seq)] = InFlight{cmd.seq, last_deadline_ns_, cmd.leg, cmd.type};
    ++next_seq_;
    ++in_flight_;
    ++counters_.submitted;
    return {ReplyStatus::Ok, cmd.seq};
  }

  // Delivers every event waiting in the event ring (at most one ring's worth per call, so a busy
  // worker cannot keep control here), then every command whose deadline is <= now_ns as TimedOut.
  // `handler(Delivery, const Event&)` must not throw: an event popped is delivered exactly once.
  // Returns the number of deliveries.
  template <typename Handler>
  std::size_t poll(std::uint64_t now_ns, Handler&& handler) noexcept {
    static_assert(std::is_nothrow_invocable_v<Handler&, Delivery, const Event&>,
                  "handler: void(Delivery, const Event&) noexcept");
    std::size_t delivered = 0;
    std::array<Event, kPollBurst> batch;
    const std::size_t budget = rings_.events.capacity();
    for (std::size_t popped = 0; popped < budget;) {
      const std::size_t n = rings_.events.try_pop_burst(batch);
      for (std::size_t i = 0; i < n; ++i) delivered += deliver(batch[i], handler);
      popped += n;
      if (n < batch.size()) break;
    }
    return delivered + expire(now_ns, handler);
  }

  std::size_t in_flight() const noexcept { return in_flight_; }
  const ChannelCounters& counters() const noexcept { return counters_; }

 private:
  static constexpr std::size_t kPollBurst = 16;

  struct InFlight {
    std::uint64_t seq = 0;  // 0: free (seqs start at 1)
    std::uint64_t deadline_ns = 0;
    LegId leg;
    CommandType type = CommandType::None;
  };

  std::size_t slot(std::uint64_t seq) const noexcept {
    return static_cast<std::size_t>(seq & mask_);
  }

  template <typename Handler>
  std::size_t deliver(const Event& event, Handler& handler) noexcept {
    if (event.type != EventType::Reply) {
      ++counters_.events;
      handler(Delivery::Event, event);
      return 1;
    }
    InFlight& entry = table_[slot(event.seq)];
    if (event.seq != 0 && entry.seq == event.seq && entry.type == event.command) {
      entry.seq = 0;
      --in_flight_;
      ++counters_.replies;
      handler(Delivery::Reply, event);
      return 1;
    }
    // In the window of issued seqs but no longer in the table: it timed out before.
    if (event.seq != 0 && event.seq < next_seq_ && entry.seq != event.seq) {
      ++counters_.late_replies;
      handler(Delivery::LateReply, event);
      return 1;
    }
    ++counters_.unknown_replies;
    return 0;
  }

  // Walks from the oldest unanswered seq: answered ones are skipped, expired ones time out, and
  // the first one still in time ends the walk, since later seqs have later deadlines.
  template <typename Handler>
  std::size_t expire(std::uint64_t now_ns, Handler& handler) noexcept {
    std::size_t delivered = 0;
    for (; oldest_ != next_seq_; ++oldest_) {
      InFlight& entry = table_[slot(oldest_)];
      if (entry.seq != oldest_) continue;  // answered
      if (entry.deadline_ns > now_ns) break;
      Event timeout;
      timeout.seq = entry.seq;
      timeout.leg = entry.leg;
      timeout.type = EventType::Reply;
      timeout.status = ReplyStatus::TimedOut;
      timeout.command = entry.type;
      entry.seq = 0;
      --in_flight_;
      ++counters_.timeouts;
      handler(Delivery::TimedOut, timeout);
      ++delivered;
    }
    return delivered;
  }

  WorkerRings& rings_;
  const std::size_t max_in_flight_;
  const std::uint64_t mask_;                 // table size - 1; the table has >= max_in_flight slots
  const std::unique_ptr<InFlight[]> table_;  // indexed by seq & mask_
  const std::uint64_t reply_timeout_ns_;
  std::uint64_t next_seq_ = 1;  // 0 is the seq of the worker's own events
  std::uint64_t oldest_ = 1;    // every seq below it is answered or timed out
  std::uint64_t last_deadline_ns_ = 0;
  std::size_t in_flight_ = 0;
  ChannelCounters counters_;
};

}  // namespace dialcore::dataplane
