#pragma once
// The agent simulator: N agents, each a SIP handset (sip_phones.hpp) and an API client
// (floor_client.hpp), with the handsets' media on one 20 ms loop: each answered call gets the
// handset audio (handset_audio.hpp) sent over its oRTP stream while it is not held, counts what
// arrives, times the first packet each way after our 200 OK, and writes what it heard with
// --capture-dir. A run ends at SIGTERM/SIGINT or --duration-s: the API side logs out (a wrap in
// progress first), then the handsets send BYE, un-REGISTER and stop.
//
// Threads: the SIP thread, the API client's io thread, and the caller's thread running run()
// (media, the summary).

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sim/agents/floor_client.hpp"
#include "sim/agents/handset_audio.hpp"
#include "sim/agents/options.hpp"
#include "sim/agents/sip_phones.hpp"
#include "sim/agents/summary.hpp"

namespace dialcore::sim::agents {

struct MediaCall;

class AgentSim {
 public:
  static constexpr std::chrono::milliseconds kTick{20};

  explicit AgentSim(Options options);  // throws std::runtime_error for an unreadable --audio
  ~AgentSim();
  AgentSim(const AgentSim&) = delete;
  AgentSim& operator=(const AgentSim&) = delete;

  // Binds the handsets (the port is then sip_port()); an error text on failure.
  std::optional<std::string> start_sip();
  std::uint16_t sip_port() const { return phones_->port(); }
  // With --sip: waits (at most 5 s) for every REGISTER's final answer; an error names the
  // agents refused. Then, with --api, logs every agent in; an error says why not.
  std::optional<std::string> start_agents();
  // The media loop until `stop` is set or --duration-s passes.
  void run(const std::atomic<bool>& stop);
  // Logs out, hangs up, un-registers (bounded) and returns the summary.
  std::vector<AgentSummary> finish();

 private:
  void on_phone_event(PhoneEvent event);  // SIP thread: queue it
  void drain(Clock::time_point now);
  void start_media(PhoneEvent& e);
  void end_media(MediaCall& call, Clock::time_point now, bool we_hung_up);
  void step(MediaCall& call, Clock::time_point now);

  Options options_;
  HandsetAudio audio_;
  std::unique_ptr<SipPhones> phones_;
  std::unique_ptr<FloorClients> floor_;
  std::vector<MediaCounts> media_;
  std::mutex mutex_;
  std::deque<PhoneEvent> events_;  // guarded by mutex_
  std::map<std::uint64_t, std::unique_ptr<MediaCall>> calls_;
  std::vector<std::uint64_t> call_numbers_;  // per agent, for capture file names
  bool finished_ = false;
};

}  // namespace dialcore::sim::agents
