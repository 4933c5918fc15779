#pragma once
// Control → SIP: a bounded queue of commands plus an eventfd that wakes the SIP loop (the
// loop registers fd() in its su_root). Any thread may push; only the SIP thread drains.
// Commands are a few per call, far from a hot path: a mutex is simpler than a lock-free ring
// and lets several control threads (tests, the API) push.

#include "control/sip/sip_types.hpp"

#include <cstddef>
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

  // False when full (the command is not queued); wakes the SIP loop otherwise.
  bool push(SipCommand command);
  // SIP thread: clears the eventfd, then takes everything queued.
  std::deque<SipCommand> drain();
  int fd() const { return fd_; }

 private:
  std::size_t capacity_;
  int fd_ = -1;
  std::mutex mutex_;
  std::deque<SipCommand> items_;
};

}  // namespace dialcore::control::sip
