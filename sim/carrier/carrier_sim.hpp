#pragma once
// The simulated carrier: control/sip's SipStack with one trunk-role interface answers every
// INVITE per a drawn CallPlan (call_plan.hpp), control/sdp answers the offer, and each answered
// call gets an oRTP stream (rtp_stream.hpp) that plays corpus audio (call_audio.hpp), keys a
// payment when the plan says so, receives, and ends with our BYE when the talk time is over.
//
// Threads: SIP events arrive on the SIP thread and are queued; everything else (plans, SDP,
// media, the summary) runs on the thread calling run(), one 20 ms tick at a time.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "control/sip/sip_stack.hpp"
#include "sim/carrier/call_plan.hpp"
#include "sim/carrier/corpus.hpp"
#include "sim/carrier/options.hpp"
#include "sim/carrier/summary.hpp"

namespace dialcore::sim::carrier {

struct SimCall;

class CarrierSim {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kTick{20};

  CarrierSim(Options options, Planner planner, Corpus corpus);
  ~CarrierSim();
  CarrierSim(const CarrierSim&) = delete;
  CarrierSim& operator=(const CarrierSim&) = delete;

  // Starts the SIP thread and binds; an error text on failure.
  std::optional<std::string> start();
  std::uint16_t sip_port() const;

  // Runs until `stop` is set, --duration passes, or --max-calls INVITEs have all ended; then
  // ends every call (BYE when up, 480 while ringing), waits for them (bounded, 5 s) and stops
  // the SIP stack.
  void run(const std::atomic<bool>& stop);
  const Summary& summary() const { return summary_; }

 private:
  void on_event(control::sip::SipEvent event);  // SIP thread
  void handle(const control::sip::SipEvent& event, Clock::time_point now);
  void incoming(const control::sip::SipEvent& event, Clock::time_point now);
  void reoffer(const control::sip::SipEvent& event);
  void ended(const control::sip::SipEvent& event, Clock::time_point now);
  void step(SimCall& call, Clock::time_point now);
  void answer(SimCall& call, Clock::time_point now);
  void media(SimCall& call, Clock::time_point now);
  void drain(Clock::time_point now);
  bool finished() const;

  Options options_;
  Planner planner_;
  Corpus corpus_;
  Summary summary_;
  std::unique_ptr<control::sip::SipStack> stack_;
  std::mutex mutex_;
  std::deque<control::sip::SipEvent> events_;  // guarded by mutex_
  std::map<control::sip::CallId, std::unique_ptr<SimCall>> calls_;
  std::uint64_t next_seq_ = 1;
  bool stopping_ = false;
};

}  // namespace dialcore::sim::carrier
