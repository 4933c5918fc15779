#pragma once
// CallInLine: the call-in access line (issue 8, seed 001 "call in"). An inbound call to one of
// organisation.call_in_numbers is answered and parked; the agent keys its agent id, '#', its
// PIN, '#' (SIP INFO or RFC 4733: CallController's Dtmf events; '*' starts again). The PIN is
// the agent's SIP password: it is checked against the store's HA1 (MD5 of
// username:realm:PIN), so no PIN is ever stored. A match hands the call to AgentVoice::call_in
// (the call becomes the agent's standing voice leg: customer calls are bridged to it with the
// beep); three wrong entries or no entry within `key_limit` hang up. Control thread only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "control/appliance/agent_voice.hpp"
#include "control/calls/call_controller.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::appliance {

struct CallInCounters {
  std::uint64_t calls = 0;     // calls to the access line
  std::uint64_t accepted = 0;  // became an agent's voice leg
  std::uint64_t refused = 0;   // wrong id/PIN, agent not waiting for a call-in, ...
  std::uint64_t dropped = 0;   // hung up: three wrong entries or the key limit
};

class CallInLine {
 public:
  CallInLine(boost::asio::io_context& io, calls::CallController& calls, store::Store& store,
             AgentVoice& voice, std::string realm);
  void set_numbers(std::vector<std::string> numbers) { numbers_ = std::move(numbers); }
  void set_key_limit(std::chrono::milliseconds limit) { key_limit_ = limit; }
  bool is_access(const std::string& did) const;

  void take(calls::CallHandle call);  // a call the router parks for the line
  // The inbound call events; true when the call is the line's (then nobody else handles it).
  bool on_event(const calls::CallEvent& e);
  const CallInCounters& counters() const { return counters_; }

 private:
  struct Pending {
    std::string keyed;      // digits since the last '#'
    std::string agent_id;   // the first field, once ended by '#'
    int wrong = 0;
    bool adopted = false;   // the agent's voice leg now (AgentVoice owns its events)
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  void on_digit(calls::CallHandle call, Pending& p, char digit);
  bool verify(const std::string& agent_id, const std::string& pin, std::int64_t& agent) const;

  boost::asio::io_context& io_;
  calls::CallController& calls_;
  store::Store& store_;
  AgentVoice& voice_;
  std::string realm_;
  std::vector<std::string> numbers_;
  std::chrono::milliseconds key_limit_{30000};
  std::map<calls::CallHandle, Pending> calls_in_;
  CallInCounters counters_;
};

}  // namespace dialcore::control::appliance
