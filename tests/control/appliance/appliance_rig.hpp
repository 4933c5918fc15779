#pragma once
// The appliance under test, in-process and real: the dataplane Runtime (socket backend, one
// worker, a prompt library holding the abandon message), MediaService, the SIP stack, a SQLite
// store (one connection for the control thread, one for the history writer), and the
// Appliance joining them; sipp far ends in the private network namespace the SIP tests use:
// a carrier (UAS) and agents' handsets that REGISTER with digest and then answer our calls
// (RTP echoed). Every wait is bounded.

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "control/agents/agent_service.hpp"
#include "control/appliance/appliance.hpp"
#include "control/history/call_history.hpp"
#include "control/media/media_service.hpp"
#include "control/sip/sip_stack.hpp"
#include "control/store/store.hpp"
#include "dataplane/runtime/runtime.hpp"
#include "dataplane/worker/prompt_player.hpp"
#include "tests/control/history/history_fixture.hpp"
#include "tests/control/sip/sip_test_support.hpp"
#include "tests/control/temp_dir.hpp"

namespace dialcore::test {

namespace appl = dialcore::control::appliance;

inline constexpr std::uint16_t kApplCarrierPort = 5070;
inline constexpr std::uint16_t kApplCarrierMedia = 6000;
inline constexpr std::uint16_t kHandsetBase = 5091;  // agent i's handset: kHandsetBase + i
inline constexpr std::uint16_t kHandsetMediaBase = 6100;  // + 10 * i
inline constexpr std::uint32_t kAbandonClip = 7;

struct ApplianceOptions {
  std::string strategy = "progressive";  // config::DialStrategy by name: progressive, power
  double lines_per_agent = 1.0;
  int agents = 2;
  int leads = 10;
  bool record = false;
  bool amd = false;
};

class ApplianceRig {
 public:
  explicit ApplianceRig(ApplianceOptions options = {});
  ~ApplianceRig();

  // The carrier answers up to `calls` calls with `xml`.
  void carrier(const std::string& xml, int calls);
  // Agent i's handset: REGISTER (digest) from its port, then answer calls with `xml`.
  void handset(int i, const std::string& xml, int calls);
  // Agent i logs in on the floor (per-call voice to its handset) and is made available.
  void login(int i);

  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(30));
  void run_for(std::chrono::milliseconds d);

  // Flushes the history, then reads through a connection of its own.
  std::unique_ptr<store::Store> reader();
  std::string sipp_logs() const;

  ApplianceOptions options;
  TempDir dir;
  boost::asio::io_context io;
  dataplane::PromptLibrary prompts;
  std::unique_ptr<dataplane::Runtime> runtime;
  std::unique_ptr<control::media::MediaService> media;
  std::unique_ptr<store::Store> store;          // the control thread's connection
  std::unique_ptr<store::Store> history_store;  // the history writer's
  std::unique_ptr<control::history::CallHistory> history;
  std::unique_ptr<control::agents::AgentService> agent_service;
  HistoryWorld world;
  std::vector<std::int64_t> agents;  // store ids, agent i = agents[i]
  std::unique_ptr<control::sip::SipStack> sip;
  std::unique_ptr<appl::Appliance> appliance;
  config::Config config;
  std::uint16_t handsets_port = 0;
  std::int64_t prompt_lookups = 0;

 private:
  std::unique_ptr<Sipp> carrier_;
  std::vector<std::unique_ptr<Sipp>> handsets_;
};

}  // namespace dialcore::test
