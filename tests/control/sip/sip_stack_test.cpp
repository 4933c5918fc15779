// The SIP thread's contract with control: events reach the Asio thread, commands are bounded,
// start fails cleanly, interfaces report their kernel-chosen ports (label sip).
#include <catch2/catch.hpp>

#include "sip_test_support.hpp"

#include "control/sip/asio_event_sink.hpp"
#include "control/sip/sip_stack.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <future>
#include <stdexcept>
#include <thread>

namespace dialcore::test {
namespace {

using control::sip::CallEnd;
using control::sip::SipEvent;
using control::sip::SipEventKind;
using control::sip::SipStack;

std::size_t thread_count() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("events reach the control thread through asio::post", "[sip][stack]") {
  enter_private_netns();
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread control([&io] { io.run(); });
  const std::thread::id control_id = control.get_id();

  std::promise<std::pair<SipEvent, std::thread::id>> got;
  SipStack stack(test_sip_config(5070), control::sip::asio_event_sink(io, [&got](SipEvent e) {
                   got.set_value({std::move(e), std::this_thread::get_id()});
                 }));
  REQUIRE_FALSE(stack.start());
  // A dial to a trunk that does not exist is refused on the SIP thread: one Ended event.
  const auto id = stack.dial({"nosuch", "15551234", "", kTestSdp});
  auto future = got.get_future();
  REQUIRE(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  const auto [event, thread] = future.get();
  CHECK(event.call == id);
  CHECK(event.kind == SipEventKind::Ended);
  CHECK(event.end == CallEnd::NoSuchTrunk);
  CHECK(thread == control_id);
  CHECK(thread != std::this_thread::get_id());
  stack.stop();
  work.reset();
  control.join();
}

TEST_CASE("a burst of SIP events reaches control in order on one posted drain", "[sip][stack]") {
  // The SIP thread's side of asio_event_sink, driven from another thread while the control
  // thread is busy: 500 events, then io.run() executes ONE handler (the drain) for all of them.
  boost::asio::io_context io;
  std::vector<control::sip::CallId> seen;
  auto sink = control::sip::asio_event_sink(io, [&seen](SipEvent e) { seen.push_back(e.call); });
  std::thread sip_thread([&sink] {
    for (control::sip::CallId id = 1; id <= 500; ++id) {
      SipEvent e;
      e.kind = SipEventKind::Ended;
      e.call = id;
      sink(std::move(e));
    }
  });
  sip_thread.join();
  CHECK(io.run() == 1);  // handlers executed: one drain carried the whole burst
  REQUIRE(seen.size() == 500);
  bool ordered = true;
  for (std::size_t i = 0; i < seen.size(); ++i) ordered = ordered && seen[i] == i + 1;
  CHECK(ordered);
  // The batch is empty again: the next event posts a new drain.
  io.restart();
  SipEvent one;
  one.call = 501;
  sink(std::move(one));
  CHECK(io.run() == 1);
  CHECK(seen.back() == 501);
}

TEST_CASE("a handler that throws in a batch loses its own event only", "[sip][stack]") {
  boost::asio::io_context io;
  std::vector<control::sip::CallId> seen;
  auto sink = control::sip::asio_event_sink(io, [&seen](SipEvent e) {
    if (e.call == 3) throw std::runtime_error("handler failed");
    seen.push_back(e.call);
  });
  for (control::sip::CallId id = 1; id <= 6; ++id) {
    SipEvent e;
    e.call = id;
    sink(std::move(e));
  }
  CHECK_THROWS_AS(io.run(), std::runtime_error);  // as a posted handler's throw escapes run()
  io.restart();
  io.run();  // the drain the failed one re-posted
  CHECK(seen == std::vector<control::sip::CallId>{1, 2, 4, 5, 6});
}

TEST_CASE("sofia runs on the SIP thread alone", "[sip][stack]") {
  // su_root_threading(root, 0): each interface's nua stack shares the SIP thread's loop. With
  // sofia's default (threading on) each nua_create starts a thread of its own: 1 + 2 here.
  enter_private_netns();
  EventLog log;
  const std::size_t before = thread_count();
  SipStack stack(test_sip_config(5070), log.sink());
  REQUIRE_FALSE(stack.start());
  CHECK(thread_count() == before + 1);
  // Both stacks work on that one thread: each answers an OPTIONS, and a dial is refused there.
  UdpPeer peer;
  for (const auto* name : {"carriers", "handsets"}) {
    INFO(name);
    const std::string branch = std::string("threads-") + name;
    CHECK(peer.exchange(stack.interface(name)->port,
                        options_request(peer, branch, branch + "-call"), branch) == 200);
  }
  const auto id = stack.dial({"nosuch", "15551234", "", kTestSdp});
  CHECK(log.wait_kind(id, SipEventKind::Ended));
  CHECK(thread_count() == before + 1);
  stack.stop();
  CHECK(thread_count() == before);
}

TEST_CASE("every interface binds its own port and reports it", "[sip][stack]") {
  enter_private_netns();
  EventLog log;
  config::Sip settings = test_sip_config(5070);
  settings.interfaces[1].listen[0].port = 5090;  // a fixed port is kept as configured
  SipStack stack(settings, log.sink());
  REQUIRE_FALSE(stack.start());
  REQUIRE(stack.interfaces().size() == 2);
  const auto* trunk_side = stack.interface("carriers");
  const auto* agent_side = stack.interface("handsets");
  REQUIRE(trunk_side);
  REQUIRE(agent_side);
  CHECK(trunk_side->port != 0);
  CHECK(agent_side->port == 5090);
  CHECK(trunk_side->contact.find(std::to_string(trunk_side->port)) != std::string::npos);
  CHECK(agent_side->role == config::SipRole::Agent);
  CHECK(wait_udp_bound(5090));
  stack.stop();
  CHECK_FALSE(stack.running());
}

TEST_CASE("start fails cleanly when an interface cannot bind", "[sip][stack]") {
  enter_private_netns();
  EventLog log;
  config::Sip settings = test_sip_config(5070);
  settings.interfaces[1].listen[0].address = "192.0.2.1";  // not an address of this namespace
  SipStack stack(settings, log.sink());
  const auto error = stack.start();
  REQUIRE(error);
  CHECK(error->find("handsets") != std::string::npos);
  CHECK_FALSE(stack.running());
  CHECK(stack.dial({"carrier", "1", "", kTestSdp}) == 0);  // not running: refused
  CHECK(stack.counters().commands_refused == 1);
}

TEST_CASE("a trunk on an unknown interface is a start error", "[sip][stack]") {
  enter_private_netns();
  EventLog log;
  config::Sip settings = test_sip_config(5070);
  settings.trunks[0].interface = "nowhere";
  SipStack stack(settings, log.sink());
  const auto error = stack.start();
  REQUIRE(error);
  CHECK(error->find("nowhere") != std::string::npos);
  CHECK_FALSE(stack.running());
}

TEST_CASE("commands for unknown calls are refused and counted", "[sip][stack]") {
  enter_private_netns();
  EventLog log;
  SipStack stack(test_sip_config(5070), log.sink());
  REQUIRE_FALSE(stack.start());
  CHECK(stack.answer(12345, kTestSdp));  // queued; the SIP thread finds no such call
  CHECK(stack.hangup(12345));
  stack.stop();  // the queue is drained in order before the shutdown command
  CHECK(stack.counters().commands_refused == 2);
  CHECK(stack.live_handles() == 0);
}

}  // namespace dialcore::test
