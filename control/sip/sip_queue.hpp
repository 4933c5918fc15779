#pragma once
// Control → SIP: a bounded queue of commands plus an eventfd that wakes the SIP loop (the
// loop registers fd() in its su_root). Any thread may push; only the SIP thread drains.
// Commands are a few per call, far from a hot path: a mutex is simpler than a lock-free ring
// and lets several control threads (tests, the API) push.

#include "control/sip/sip_types.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace dialcore::control::sip {

enum class CommandKind : std::uint8_t {
  Dial,
  Answer,
  Reject,
  Ringing,
  Hangup,
  Shutdown,
  DialAgent,
  Reoffer,
  Credentials,
};

struct SipCommand {
  CommandKind kind = CommandKind::Shutdown;
  CallId call = 0;
  DialRequest dial;                          // Dial
  std::string sdp;                           // Answer, Reoffer
  int status = 0;                            // Reject
  AgentDialRequest agent_dial;               // DialAgent
  std::vector<AgentCredential> credentials;  // Credentials: the whole snapshot
};

class SipQueue {
 public:
  explicit SipQueue(std::size_t capacity);  // throws std::system_error if eventfd fails
  ~SipQueue();
  SipQueue(const SipQueue&) = delete;
  SipQueue& operator=(const SipQueue&) = delete;

  // False when full (the command is not queued); teardown (Hangup, Reject, Shutdown) is
  // queued even then, so no call is left behind by a full queue. Wakes the SIP loop (writes the eventfd) only
  // when the queue was empty: commands pushed before the loop drains ride on that one
  // wake-up, so a burst costs one write and one loop wake, not one per command.
  bool push(SipCommand command);
  // SIP thread: clears the eventfd, then takes everything queued.
  std::deque<SipCommand> drain();
  int fd() const { return fd_; }
  // Eventfd writes so far (a gauge for tests).
  std::uint64_t wakeups() const;

 private:
  std::size_t capacity_;
  int fd_ = -1;
  mutable std::mutex mutex_;
  std::deque<SipCommand> items_;
  std::uint64_t wakeups_ = 0;
};

}  // namespace dialcore::control::sip
