#pragma once
// WorkerEndpoint: the worker's side of WorkerRings. serve() takes commands and answers each with
// exactly one reply; post() sends the worker's own events. Nothing here waits, allocates or
// throws: the worker loop calls serve() once per turn and moves on.

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "dataplane/api/commands.hpp"
#include "dataplane/api/events.hpp"
#include "dataplane/api/worker_rings.hpp"

namespace dialcore::dataplane {

class WorkerEndpoint {
 public:
  // The worker's own events may fill the event ring only up to a reserve kept for replies (a
  // quarter of it, at least one slot), so a flood of them (thousands of legs timing out
  // together) never leaves a reply without a slot.
  explicit WorkerEndpoint(WorkerRings& rings) noexcept
      : rings_(rings), reply_reserve_(std::max<std::size_t>(1, rings.events.capacity() / 4)) {}

  // Handles up to max_commands commands. A command is popped only when the event ring has a slot
  // for its reply, so none is taken without being answered; the rest wait in the command ring
  // (control sees Busy, then timeouts, if this persists). For each command, `handler(cmd, reply)`
  // returns the status and may set reply.leg and reply.payload; seq, type and command are set
  // here, so the reply always matches. Returns the number of commands handled.
  template <typename Handler>
  std::size_t serve(Handler&& handler, std::size_t max_commands) noexcept {
    static_assert(std::is_nothrow_invocable_r_v<ReplyStatus, Handler&, const Command&, Event&>,
                  "handler: ReplyStatus(const Command&, Event&) noexcept");
    std::size_t handled = 0;
    Command cmd;
    while (handled < max_commands && rings_.events.free_slots() > 0 &&
           rings_.commands.try_pop(cmd)) {
      Event reply = make_reply(cmd, ReplyStatus::Ok);
      const ReplyStatus status = handler(std::as_const(cmd), reply);
      reply.seq = cmd.seq;
      reply.type = EventType::Reply;
      reply.command = cmd.type;
      reply.status = status;
      // Cannot fail: a slot was free before the pop, only this thread pushes, and post() never
      // leaves fewer than reply_reserve_ >= 1 slots free (a handler that posts cannot take it).
      [[maybe_unused]] const bool pushed = rings_.events.try_push(reply);
      ++handled;
    }
    return handled;
  }

  // The worker's own events (seq 0). False when only the reply reserve is left: the caller counts
  // WorkerCounter::EventsDropped, and may raise the event again on a later turn.
  bool post(const Event& event) noexcept {
    if (rings_.events.free_slots() <= reply_reserve_) return false;
    return rings_.events.try_push(event);
  }

 private:
  WorkerRings& rings_;
  const std::size_t reply_reserve_;
};

}  // namespace dialcore::dataplane
