#pragma once
// dialbench sip: the B2BUA under load, in-process and real: the dataplane Runtime (socket
// backend, unpinned workers), MediaService, the SIP stack (one trunk interface on 127.0.0.1,
// kernel-chosen port) and CallController on one io_context run by the calling (control)
// thread. Every inbound call is answered: bridged to the agent's UA (a sipp UAS reached
// through the trunk "agents") or parked. The rig tracks peaks, checks the RTP sample calls'
// leg counters through MediaService::stats, and reads the CPU of its threads.

#include <boost/asio/io_context.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "control/calls/call_controller.hpp"
#include "control/media/media_service.hpp"
#include "control/sip/sip_stack.hpp"
#include "dataplane/runtime/runtime.hpp"

namespace dialcore::bench::sip {

inline constexpr const char* kSampleUser = "rtpsample";  // From user of the RTP sample calls

struct RigSettings {
  std::uint32_t workers = 1;
  std::uint32_t legs_per_worker = 1024;
  dataplane::PortRange rtp_ports{20000, 29999};
  bool park = false;               // Route::Park instead of bridging to the agent's UA
  std::uint16_t agent_port = 0;    // the sipp UAS (bridge mode)
  std::uint32_t max_calls = 1000;  // the agents trunk's limits
  std::uint32_t max_cps = 1000;
  std::chrono::milliseconds sample_check{500};  // after the answer/bridge: read the legs' stats
  std::uint32_t session_s = 1800;  // sip.timers.session_expires_s: the reaper's probe at half
  std::uint32_t t1_ms = 500;       // sip.timers.t1_ms
};

struct RigCpu {
  double control_s = 0, sip_s = 0, workers_s = 0;
};

struct RigGauges {
  std::size_t peak_calls = 0;
  std::size_t peak_legs = 0;         // CallController's media legs
  std::size_t peak_worker_legs = 0;  // the workers' own leg counts (Runtime snapshots)
  std::uint64_t routed = 0;          // calls the router answered
  std::chrono::steady_clock::time_point first_routed, last_routed;
  std::uint64_t sample_calls = 0;     // RTP sample calls routed
  std::uint64_t sample_checked = 0;   // their stats read while up
  std::uint64_t sample_ok = 0;        // every leg of the call received RTP
  std::uint64_t sample_rx_packets = 0;
};

class B2buaRig {
 public:
  explicit B2buaRig(const RigSettings& settings);
  ~B2buaRig();
  B2buaRig(const B2buaRig&) = delete;
  B2buaRig& operator=(const B2buaRig&) = delete;

  // An error text when something could not start (then nothing else may be called).
  const std::optional<std::string>& error() const { return error_; }
  std::uint16_t sip_port() const { return sip_port_; }

  // Runs the io_context for `slice`, then samples the gauges.
  void run_for(std::chrono::milliseconds slice);
  // Runs until `done()` or `limit`; returns done().
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit);
  bool idle() const;  // no call, no SIP handle, no media leg anywhere
  // Media legs still alive: the most any layer (controller, MediaService, workers) knows of.
  std::size_t legs_left() const;
  RigCpu cpu() const;
  // Orderly stop: SIP stack stopped, the io_context run until the calls are gone (bounded).
  void stop();

  const RigGauges& gauges() const { return gauges_; }
  const control::calls::CallCounters& call_counters() const { return controller_->counters(); }
  control::sip::SipCountersSnapshot sip_counters() const { return sip_->counters(); }
  const control::media::MediaCounters& media_counters() const { return media_->counters(); }
  std::size_t live_calls() const { return controller_->live_calls(); }
  std::size_t sip_handles() const { return sip_->live_handles(); }

 private:
  control::calls::Route route(const control::calls::InboundCall& call);
  void on_event(const control::calls::CallEvent& event);
  void check_sample(control::calls::CallHandle call);
  void sample_gauges();
  std::size_t worker_legs() const;

  RigSettings settings_;
  std::optional<std::string> error_;
  boost::asio::io_context io_;
  std::unique_ptr<dataplane::Runtime> runtime_;
  std::unique_ptr<control::media::MediaService> media_;
  std::unique_ptr<control::calls::CallController> controller_;
  std::unique_ptr<control::sip::SipStack> sip_;
  std::uint16_t sip_port_ = 0;
  std::vector<pid_t> sip_threads_, worker_threads_;
  std::unordered_set<control::calls::CallHandle> samples_;
  RigGauges gauges_;
};

}  // namespace dialcore::bench::sip
