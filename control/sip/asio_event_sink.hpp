#pragma once
// SIP → control: a SipEventSink that posts every event to `io`, so `handler` runs on the
// control thread (the one running io.run()), never on the SIP thread.

#include "control/sip/sip_stack.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <functional>
#include <utility>

namespace dialcore::control::sip {

inline SipEventSink asio_event_sink(boost::asio::io_context& io,
                                    std::function<void(SipEvent)> handler) {
  return [&io, handler = std::move(handler)](SipEvent event) {
    boost::asio::post(io,
                      [handler, event = std::move(event)]() mutable { handler(std::move(event)); });
  };
}

}  // namespace dialcore::control::sip
