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

#include <functional>
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
    boost::asio::post(io, [batch] {
      std::vector<SipEvent> events;  // local: an io_context run by several threads is fine
      {
        std::lock_guard lock(batch->mutex);
        events.swap(batch->pending);
      }
      for (SipEvent& e : events) batch->handler(std::move(e));
    });
  };
}

}  // namespace dialcore::control::sip
