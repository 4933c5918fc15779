#include "control/sip/sip_queue.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace dialcore::control::sip {

SipQueue::SipQueue(std::size_t capacity) : capacity_(capacity) {
  fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

SipQueue::~SipQueue() { ::close(fd_); }

bool SipQueue::push(SipCommand command) {
  {
    std::lock_guard lock(mutex_);
    // Teardown is never refused for room: a dropped hangup or reject would leave a call (and
    // its media legs) behind; their number is bounded by the calls there are.
    const bool teardown = command.kind == CommandKind::Hangup ||
                          command.kind == CommandKind::Reject ||
                          command.kind == CommandKind::Shutdown;
    if (items_.size() >= capacity_ && !teardown) return false;
    const bool was_empty = items_.empty();
    items_.push_back(std::move(command));
    // Not empty: an earlier push wrote the eventfd after the last drain's swap, and the next
    // drain takes this command with it. No wake-up is lost: drain() reads the eventfd before
    // it swaps, so a push that finds the queue empty after that swap writes again.
    if (!was_empty) return true;
    ++wakeups_;
  }
  const std::uint64_t one = 1;
  // EAGAIN only when the counter is at its maximum: the loop is woken already.
  [[maybe_unused]] const ssize_t n = ::write(fd_, &one, sizeof one);
  return true;
}

std::uint64_t SipQueue::wakeups() const {
  std::lock_guard lock(mutex_);
  return wakeups_;
}

std::deque<SipCommand> SipQueue::drain() {
  std::uint64_t value = 0;
  // Read first: a push after the read writes again, so no wake-up is lost.
  [[maybe_unused]] const ssize_t n = ::read(fd_, &value, sizeof value);
  std::deque<SipCommand> out;
  std::lock_guard lock(mutex_);
  out.swap(items_);
  return out;
}

}  // namespace dialcore::control::sip
