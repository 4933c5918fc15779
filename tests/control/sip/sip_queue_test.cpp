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
  CHECK_FALSE(q.push(SipCommand{}));  // full
  CHECK(readable(q.fd()));
  const auto got = q.drain();
  REQUIRE(got.size() == 3);
  CHECK(got[0].call == 1);
  CHECK(got[2].call == 3);
  CHECK_FALSE(readable(q.fd()));
  CHECK(q.drain().empty());
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
