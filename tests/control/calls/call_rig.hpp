#pragma once
// The B2BUA under test, in-process and real: the dataplane Runtime (socket backend, one
// unpinned worker), MediaService and the SIP stack on one io_context (this thread), a SQLite
// call history, and CallController; the far ends are sipp processes in the private network
// namespace the SIP tests use (tests/control/sip/sip_test_support.hpp). Every wait is bounded.

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/calls/call_controller.hpp"
#include "control/history/call_history.hpp"
#include "control/media/media_service.hpp"
#include "control/sip/sip_stack.hpp"
#include "control/store/store.hpp"
#include "dataplane/runtime/runtime.hpp"
#include "tests/control/history/history_fixture.hpp"
#include "tests/control/sip/sip_test_support.hpp"
#include "tests/control/temp_dir.hpp"

namespace dialcore::test {

namespace calls = dialcore::control::calls;

// Fixed ports inside the test's own network namespace.
inline constexpr std::uint16_t kCarrierPort = 5070;  // sipp: the carrier (UAS)
inline constexpr std::uint16_t kAgentPort = 5080;    // sipp: the agent's UA (UAS, RTP echo)
inline constexpr std::uint16_t kCallerPort = 5090;   // sipp: an inbound caller (UAC)
inline constexpr std::uint16_t kCarrierMediaPort = 6000;
inline constexpr std::uint16_t kAgentMediaPort = 6100;
inline constexpr std::uint16_t kCallerMediaPort = 6200;

struct RigOptions {
  std::uint32_t legs_per_worker = 64;
  std::uint32_t rtp_timeout_ms = 0;  // 0: no RTP timeout
  config::SrtpPolicy carrier_srtp = config::SrtpPolicy::Off;  // the carriers trunk's SDES policy
};

class CallRig {
 public:
  explicit CallRig(RigOptions options = {});
  ~CallRig();

  // sipp processes: the carrier and the agent answer (UAS), the caller calls us (UAC).
  void carrier(const std::string& scenario_xml, int calls = 1);
  void agent(const std::string& scenario_xml, int calls = 1);
  Sipp& caller(const std::string& scenario_xml, const std::string& did);
  std::string caller_log() const;
  void carrier_passed();
  void agent_passed();
  void caller_passed();

  // Runs the io_context until `done()` or `limit`.
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(15));
  void run_for(std::chrono::milliseconds d);

  calls::CallHandle originate(const std::string& number = "15551234");
  calls::AgentTarget agent_target(std::int64_t agent_id = 7);
  calls::CallEventHandler handler();

  // Events seen so far for `call` (in order), and waits on them.
  std::vector<calls::CallEvent> events(calls::CallHandle call) const;
  std::optional<calls::CallEvent> wait_event(
      calls::CallHandle call, calls::CallEventKind kind,
      std::chrono::milliseconds limit = std::chrono::seconds(15));
  std::vector<std::string> kinds(calls::CallHandle call) const;
  dataplane::LegStats stats(calls::CallHandle call, calls::Side side);
  // No calls, no SIP dialogs or handles, no media legs anywhere (waits for them to drain).
  void require_clean();

  TempDir dir;
  boost::asio::io_context io;
  std::unique_ptr<dataplane::Runtime> runtime;
  std::unique_ptr<control::media::MediaService> media;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<control::history::CallHistory> history;
  HistoryWorld world;
  std::unique_ptr<calls::CallController> controller;
  std::unique_ptr<control::sip::SipStack> sip;
  std::vector<calls::CallEvent> all_events;
  std::uint16_t sip_port = 0;  // our trunk interface's bound port

 private:
  std::unique_ptr<Sipp> carrier_, agent_, caller_;
};

// Runs `io` (on this thread) until `done()` or `limit`; the last value of done().
bool run_io_until(boost::asio::io_context& io, const std::function<bool()>& done,
                  std::chrono::milliseconds limit);

std::vector<std::string> sipp_args(const std::string& scenario, std::uint16_t port,
                                   std::uint16_t media_port, int calls);

}  // namespace dialcore::test
