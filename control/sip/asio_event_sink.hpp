#pragma once
// SIP → control: a SipEventSink that hands events to `io`, so `handler` runs on the control
// thread (the one running io.run()), never on the SIP thread.
//
// Batched: the SIP thread appends each event to a shared batch and posts ONE drain to `io`
// only when the batch was empty; the drain takes the whole batch and runs `handler` on each
// event in order. Everything the SIP thread produces in one sofia loop turn (and whatever it
// adds before the control thread gets to the drain) rides on that one post: one io_context
// operation and at most one wake-up of the control thread per batch instead of per event.
// Order is kept: one producer appends under the lock that the drain swaps under.

#include "control/sip/sip_stack.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace dialcore::control::sip {

namespace detail {

struct EventBatch {
  std::function<void(SipEvent)> handler;
  std::mutex mutex;
  std::vector<SipEvent> pending;  // appended by the SIP thread, swapped out by the drain
};

// On the control thread: runs the handler on every event of the batch, in order. A drain is
// posted exactly when `pending` turns non-empty, so one is always on its way while it is.
inline void drain_batch(boost::asio::io_context& io, const std::shared_ptr<EventBatch>& batch) {
  std::vector<SipEvent> events;  // local: an io_context run by several threads is fine
  {
    std::lock_guard lock(batch->mutex);
    events.swap(batch->pending);
  }
  std::size_t next = 0;
  try {
    for (; next < events.size(); ++next) batch->handler(std::move(events[next]));
  } catch (...) {
    // The handler threw (it escapes io.run(), as a posted handler's exception does): the
    // events after the failed one go back in front, so a throw loses one event, as before.
    std::lock_guard lock(batch->mutex);
    const bool was_empty = batch->pending.empty();
    const auto rest = events.begin() + static_cast<std::ptrdiff_t>(next + 1);
    batch->pending.insert(batch->pending.begin(), std::make_move_iterator(rest),
                          std::make_move_iterator(events.end()));
    if (was_empty && !batch->pending.empty()) {
      boost::asio::post(io, [&io, batch] { drain_batch(io, batch); });
    }
    throw;
  }
}

}  // namespace detail

inline SipEventSink asio_event_sink(boost::asio::io_context& io,
                                    std::function<void(SipEvent)> handler) {
  auto batch = std::make_shared<detail::EventBatch>();
  batch->handler = std::move(handler);
  return [&io, batch](SipEvent event) {
    {
      std::lock_guard lock(batch->mutex);
      const bool was_empty = batch->pending.empty();
      batch->pending.push_back(std::move(event));
      if (!was_empty) return;  // a drain is posted already and has not swapped yet
    }
    boost::asio::post(io, [&io, batch] { detail::drain_batch(io, batch); });
  };
}

}  // namespace dialcore::control::sip
