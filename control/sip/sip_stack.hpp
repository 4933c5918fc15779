#pragma once
// The SIP layer's face to control (issue 7, part 1): one SIP thread owns sofia-sip's event
// loop and every nua handle; callers see call ids and receive SipEvents by value.
//
// Threads: every public member may be called from any thread (control's io_context in
// production). Commands go through a bounded queue that wakes the SIP loop through an eventfd;
// nothing here calls sofia outside the SIP thread. Events are handed to `sink` ON THE SIP
// THREAD: the sink must not block and must not call back into sofia; in production it is
// asio_event_sink() (asio_event_sink.hpp), which posts each event to the control io_context.

#include "config/config.hpp"
#include "control/sip/sip_counters.hpp"
#include "control/sip/sip_types.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace dialcore::control::sip {

using SipEventSink = std::function<void(SipEvent)>;

// One configured interface as bound: the contact sofia listens on (port chosen by the kernel
// when the configuration says 0).
struct BoundInterface {
  std::string name;
  config::SipRole role = config::SipRole::Trunk;
  std::string contact;  // "<sip:127.0.0.1:40123;transport=udp>"
  std::uint16_t port = 0;
};

class SipQueue;
struct SipCommand;

class SipStack {
 public:
  SipStack(config::Sip settings, SipEventSink sink, std::size_t queue_capacity = 4096);
  ~SipStack();  // stop()
  SipStack(const SipStack&) = delete;
  SipStack& operator=(const SipStack&) = delete;

  // Starts the SIP thread, creates one nua per interface and binds it. Returns an error text
  // (an interface that cannot bind, no interfaces) and leaves no thread behind on failure.
  // Waits at most 10 s for the thread to report.
  std::optional<std::string> start();
  // Orderly shutdown: nua_shutdown on every interface (BYE/CANCEL to the calls still up, each
  // reported as Ended/Shutdown), bounded to 3 s inside the loop, then the thread exits and
  // is joined. Idempotent.
  void stop();
  bool running() const { return thread_.joinable(); }

  const std::vector<BoundInterface>& interfaces() const { return bound_; }
  const BoundInterface* interface(const std::string& name) const;

  // Commands. Each returns false (dial: 0) when the stack is not running or the queue is full;
  // the refusal is counted (commands_refused). A command for a call that has ended by the
  // time the SIP thread reads it is dropped and counted the same way.
  CallId dial(DialRequest request);           // events: Progress*, Answered | Ended
  bool answer(CallId call, std::string sdp);  // the pending Incoming/Offer: 200 with `sdp`
  bool reject(CallId call, int status);       // the pending Incoming/Offer: `status` (>= 300)
  bool ringing(CallId call);                  // the pending Incoming: 180 Ringing
  bool hangup(CallId call);                   // BYE when up; CANCEL / 480 before that

  // Agents' side (issue 7 part 4). The registrar checks digests against this snapshot only
  // (the SIP thread never reads the store): control sends the whole list after every change.
  bool set_agent_credentials(std::vector<AgentCredential> credentials);
  // INVITE to the agent's most recent binding on the first `agent` interface; events as
  // dial(). Not registered: Ended/NotRegistered at once, nothing sent.
  CallId dial_agent(AgentDialRequest request);
  // A re-INVITE with our SDP on an established call (hold, resume, re-bridging): then
  // OfferAnswered (sdp) or OfferFailed (status; the call stays up).
  bool reoffer(CallId call, std::string sdp);

  SipCountersSnapshot counters() const { return counters_.snapshot(); }
  // nua handles we hold (one per call); 0 when no call is up and after stop().
  std::size_t live_handles() const { return live_handles_.load(std::memory_order_relaxed); }
  std::size_t live_calls() const { return live_calls_.load(std::memory_order_relaxed); }
  // Agents with at least one binding (a gauge the SIP thread keeps).
  std::size_t registered_users() const { return registered_users_.load(std::memory_order_relaxed); }

 private:
  bool push(int kind, CallId call, DialRequest dial, std::string sdp, int status);
  bool push_command(SipCommand&& command);

  config::Sip settings_;
  SipEventSink sink_;
  std::unique_ptr<SipQueue> queue_;
  SipCounters counters_;
  std::atomic<CallId> next_call_{1};              // Relaxed: unique ids only
  std::atomic<std::size_t> live_handles_{0};      // Relaxed: a gauge
  std::atomic<std::size_t> live_calls_{0};        // Relaxed: a gauge
  std::atomic<std::size_t> registered_users_{0};  // Relaxed: a gauge
  std::vector<BoundInterface> bound_;
  std::thread thread_;
};

}  // namespace dialcore::control::sip
