#include <catch2/catch.hpp>

#include "control/sip/sip_queue.hpp"

#include <poll.h>

#include <thread>

namespace dialcore::control::sip {
namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

}  // namespace

TEST_CASE("the command queue is bounded and wakes its reader", "[sip][queue]") {
  SipQueue q(3);
  CHECK_FALSE(readable(q.fd()));
  for (CallId i = 1; i <= 3; ++i) {
    SipCommand c;
    c.kind = CommandKind::Hangup;
    c.call = i;
    CHECK(q.push(std::move(c)));
  }
  SipCommand dial;
  dial.kind = CommandKind::Dial;
  CHECK_FALSE(q.push(dial));  // full
  SipCommand late_hangup;
  late_hangup.kind = CommandKind::Hangup;
  late_hangup.call = 4;
  CHECK(q.push(std::move(late_hangup)));  // teardown is queued even when full
  CHECK(readable(q.fd()));
  CHECK(q.wakeups() == 1);  // the burst rode on the first push's wake-up
  const auto got = q.drain();
  REQUIRE(got.size() == 4);
  CHECK(got[0].call == 1);
  CHECK(got[2].call == 3);
  CHECK(got[3].call == 4);
  CHECK_FALSE(readable(q.fd()));
  CHECK(q.drain().empty());
  CHECK(q.push(SipCommand{}));  // empty again: wakes the reader again
  CHECK(readable(q.fd()));
  CHECK(q.wakeups() == 2);
}

TEST_CASE("a reader woken only by the eventfd never misses a command", "[sip][queue]") {
  // The SIP loop's pattern: wait for the eventfd, drain, repeat. A lost wake-up would leave
  // commands queued while the reader waits: its poll would time out with work pending.
  constexpr std::size_t kCommands = 20000;
  SipQueue q(kCommands);
  std::size_t received = 0;
  std::size_t stalls = 0;
  std::thread reader([&] {
    while (received < kCommands && stalls < 3) {  // bounded: three 1 s stalls end it
      pollfd p{q.fd(), POLLIN, 0};
      if (::poll(&p, 1, 1000) != 1) {
        ++stalls;
        continue;
      }
      received += q.drain().size();
    }
  });
  for (std::size_t i = 0; i < kCommands; ++i) {
    while (!q.push(SipCommand{})) std::this_thread::yield();
    if (i % 64 == 0) std::this_thread::yield();  // bursts and gaps
  }
  reader.join();
  CHECK(received == kCommands);
  CHECK(stalls == 0);
  CHECK(q.wakeups() <= kCommands);
}

TEST_CASE("pushes from several threads all arrive", "[sip][queue]") {
  SipQueue q(100000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&q] {
      for (int i = 0; i < 1000; ++i) REQUIRE(q.push(SipCommand{}));
    });
  }
  for (auto& t : threads) t.join();
  CHECK(q.drain().size() == 4000);
}

}  // namespace dialcore::control::sip
