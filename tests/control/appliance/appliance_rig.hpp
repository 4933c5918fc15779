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
#include "daemon/recording_setup.hpp"
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
inline constexpr std::uint32_t kBeepClip = 8;  // "beep": 440 Hz, 150 ms
inline constexpr std::uint32_t kMachineClip = 9;  // "machine:spring": 440 Hz, 1.5 s
inline constexpr std::uint16_t kCallerBase = 5095;       // inbound caller i: kCallerBase + i
inline constexpr std::uint16_t kCallerMediaBase = 6300;  // + 10 * i
inline constexpr const char* kQueueDid = "442070000100";   // the "help" queue's DID
inline constexpr const char* kCallInDid = "442070000200";  // the call-in access line

struct ApplianceOptions {
  std::string strategy = "progressive";  // config::DialStrategy by name: progressive, power
  double lines_per_agent = 1.0;
  int agents = 2;
  int leads = 10;
  bool record = false;
  bool amd = false;
  std::string on_machine = "hangup";  // config::MachineAction by name: hangup, message, agent
  // Inbound: queue "help" (DID kQueueDid; agents of team "support"), call-in line kCallInDid.
  bool queue = false;
  std::uint32_t ring_timeout_s = 20;
  std::vector<int> support_agents;  // agent indices in team "support"
  // dialcored's recording part (daemon::RecordingSetup): recorder thread, index into the store.
  bool recorder = false;
};

// The time of the first event of `type` in a CDR's events_json; -1 when none.
std::int64_t event_at(const store::Cdr& c, const std::string& type);

class ApplianceRig {
 public:
  explicit ApplianceRig(ApplianceOptions options = {});
  ~ApplianceRig();

  // The carrier answers up to `calls` calls with `xml`.
  void carrier(const std::string& xml, int calls);
  // Agent i's handset: REGISTER (digest) from its port, then answer calls with `xml`.
  void handset(int i, const std::string& xml, int calls);
  // Agent i logs in on the floor (voice to its handset: per call, or one persistent leg;
  // call-in: waits for its call to the access line) and is made available.
  void login(int i, bool persistent = false,
             control::floor::VoiceMode mode = control::floor::VoiceMode::CallMe);
  // Inbound caller i (UAC) calls the appliance's trunk interface with `xml`.
  void caller(int i, const std::string& xml);
  // Agent i's PIN for call-in: its store HA1 becomes MD5(user:realm:pin).
  void set_pin(int i, const std::string& pin);

  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(30));
  void run_for(std::chrono::milliseconds d);

  // Waits (serving the io_context) for the callers' / handsets' sipp to exit; true: all 0.
  bool callers_passed();
  bool handsets_passed();

  // Flushes the history, then reads through a connection of its own.
  std::unique_ptr<store::Store> reader();
  std::string sipp_logs() const;

  ApplianceOptions options;
  TempDir dir;
  boost::asio::io_context io;
  dataplane::PromptLibrary prompts;
  std::unique_ptr<daemon::RecordingSetup> recording;  // options.recorder; outlives the runtime
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
  bool passed(std::vector<std::unique_ptr<Sipp>>& sipps);
  std::unique_ptr<Sipp> carrier_;
  std::vector<std::unique_ptr<Sipp>> handsets_;
  std::vector<std::unique_ptr<Sipp>> callers_;
};

}  // namespace dialcore::test
