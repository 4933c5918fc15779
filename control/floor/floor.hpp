#pragma once
// Floor: the agent floor service on the control io_context (single-threaded). One
// AgentMachine per logged-in agent; every accepted event's records go out on the event hub
// (timestamped), a steady_timer per agent follows AgentMachine::next_deadline (ring timeout →
// auto pause, auto-wrap). Call controls are checked on a copy of the agent's machine first and
// only then asked of CallControl; a refusal or a failed request changes nothing. Assistance
// requests go to supervisors of the agent's teams; payments capture DTMF digits into a
// CardCapture and hand them to a PaymentGateway only (no digit in any event, answer or log).

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control/agent_state/agent_machine.hpp"
#include "control/floor/call_control.hpp"
#include "control/floor/event_hub.hpp"
#include "control/floor/floor_types.hpp"
#include "control/floor/payment.hpp"

namespace dialcore::control::floor {

// What the agent types in the payment form (seed 003 §16); the digits come by DTMF.
struct PaymentForm {
  std::string reference;
  std::string cardholder;
  std::int64_t amount_cents = 0;
  std::string currency = "AUD";
  int expiry_month = 0;
  int expiry_year = 0;
};

class Floor {
 public:
  Floor(boost::asio::io_context& io, FloorSettings settings, FloorDirectory& directory,
        CallControl& calls, PaymentGateway& gateway);
  ~Floor();
  Floor(const Floor&) = delete;
  Floor& operator=(const Floor&) = delete;

  EventHub& hub() { return hub_; }
  const FloorSettings& settings() const { return settings_; }
  void apply(FloorSettings settings);  // reload: new pause reasons apply to the next login

  // --- the agent's session (agent API) ---
  FloorResult login(AgentId agent, const std::optional<VoiceRequest>& voice);
  FloorResult logout(AgentId agent);
  FloorResult reconnect_voice(AgentId agent);
  FloorResult pause(AgentId agent, const std::string& reason);
  FloorResult available(AgentId agent);
  FloorResult wrap(AgentId agent, const std::string& code, const std::string& notes);
  FloorResult extend_wrap(AgentId agent);
  FloorResult snapshot(AgentId agent) const;
  // --- supervisors ---
  FloorResult agents() const;
  FloorResult supervisor_available(AgentId agent);
  FloorResult force_logout(AgentId agent);

  // --- call controls (floor_calls.cpp); call 0: the agent's active call ---
  FloorResult answer(AgentId agent, CallId call);
  FloorResult hang_up(AgentId agent, CallId call);
  FloorResult hold(AgentId agent, CallId call, bool on);
  FloorResult mute(AgentId agent, CallId call, bool on);
  FloorResult transfer(AgentId agent, CallId call, const TransferTarget& to);
  FloorResult consult(AgentId agent, const TransferTarget& to);
  FloorResult complete_transfer(AgentId agent);
  FloorResult merge(AgentId agent);
  FloorResult leave(AgentId agent, bool terminate);
  FloorResult manual_call(AgentId agent, std::int64_t campaign_id, const std::string& number);
  FloorResult recording(AgentId agent, RecordingAction action, const std::string& tag);
  FloorResult announce(AgentId agent, const std::string& prompt);

  // --- assistance (floor_assist.cpp) ---
  FloorResult request_assistance(AgentId agent, const std::string& message,
                                 const std::string& priority);
  FloorResult assistance_seen(std::uint64_t id, const std::string& by);
  FloorResult assistance_list(std::optional<std::int64_t> team) const;

  // --- payments (floor_payment.cpp) ---
  FloorResult payment_start(AgentId agent);
  FloorResult payment_status(AgentId agent) const;
  FloorResult payment_reset(AgentId agent, CardField field);
  FloorResult payment_submit(AgentId agent, const PaymentForm& form);
  FloorResult payment_end(AgentId agent);

  // --- from the call layer ---
  void voice_connected(AgentId agent);
  void voice_lost(AgentId agent);
  // Offers a call to the agent (queue, dialler, transfer); the answer says why not.
  FloorResult offer(AgentId agent, CallInfo info);
  void call_answered(CallId call);   // the far end of a manual call answered
  // The ACD's ring timeout (its AutoPause decision): the agent did not answer `call` in time
  // and is auto-paused (AgentMachine::no_answer); the listener sees Cause::RingTimeout.
  void no_answer(AgentId agent, CallId call);
  void call_ended(CallId call);      // the far end hung up (or the call failed)
  void dtmf(CallId call, char digit);  // a digit the dataplane detected (masked or not)

  std::size_t sessions() const { return sessions_.size(); }

  // Every accepted transition of every agent, after it is published (the dialler's runners
  // follow the agents' states through this; control/appliance). `notes`: the agent's wrap
  // notes on a Wrapped record, empty otherwise. One listener; it may call back into the floor
  // only through posted work.
  using TransitionListener =
      std::function<void(AgentId, const agent_state::Transition&, const std::string& notes)>;
  void set_listener(TransitionListener listener) { listener_ = std::move(listener); }
  // Every logged-in agent's state now (a runner that starts late learns who is available).
  std::vector<std::pair<AgentId, agent_state::State>> states() const;

 private:
  struct Payment {
    CallId call = 0;
    CardCapture capture;
    std::string phase = "capturing";  // capturing, processing, accepted, rejected
    PaymentResult result;
  };
  struct Session {
    Session(boost::asio::io_context& io, AgentId a, AgentProfile p, agent_state::AgentPolicy pol,
            std::int64_t now)
        : id(a), profile(std::move(p)), machine(std::move(pol), now), timer(io) {}
    AgentId id;
    AgentProfile profile;
    VoiceRequest voice;
    agent_state::AgentMachine machine;
    boost::asio::steady_timer timer;
    std::map<CallId, CallInfo> calls;
    std::map<CallId, bool> muted;
    std::unique_ptr<Payment> payment;
    std::uint64_t timer_generation = 0;
    std::string wrap_notes;  // the notes of the wrap being committed (for the listener)
  };
  struct Assist {
    std::uint64_t id = 0;
    AgentId agent = 0;
    std::vector<std::int64_t> teams;
    std::string priority;
    std::string message;
    std::int64_t at_ms = 0;
    std::string seen_by;
    std::int64_t seen_at_ms = 0;
  };

  std::int64_t mono_ms() const;
  std::int64_t wall_ms() const;
  Session* find(AgentId agent);
  const Session* find(AgentId agent) const;
  agent_state::AgentPolicy policy_for(const AgentProfile& p) const;
  static FloorResult rejected(const agent_state::Rejection& r);
  static FloorResult not_logged_in();
  // Drains the machine's records onto the stream; forgets released calls (and, with
  // `end_legs`, asks CallControl to end them: timers, forced logout); re-arms the timer.
  void commit(Session& s, bool end_legs);
  void arm_timer(Session& s);
  void publish(Session& s, std::string_view type, boost::json::object data);
  using Event = std::function<agent_state::Status(agent_state::AgentMachine&, std::int64_t)>;
  using Request = std::function<CallResult()>;
  // Checks `event` on a copy of the agent's machine; if it passes, sends `request` to the call
  // layer; if that is accepted, applies `event` for real, publishes a call event `action` and
  // answers the agent's snapshot. Any refusal changes nothing.
  FloorResult act(Session& s, const Event& event, const Request& request, std::string_view action,
                  CallId call);
  // The call the control is about: `call` when given, else the active (not held) one; 0 none.
  CallId resolve_call(const Session& s, CallId call) const;
  FloorResult on_call_check(const Session& s, CallId call) const;  // status 0: fine
  FloorResult call_failed(const CallResult& r) const;
  // A transfer or consult target: a number is digits, an agent is another agent who takes a
  // transfer now (409 target_unavailable otherwise), a queue has an id. Status 0: fine.
  FloorResult target_check(AgentId agent, const TransferTarget& to) const;
  boost::json::object call_json(const Session& s, const CallInfo& c) const;
  boost::json::object payment_json(const Payment& p) const;
  void end_payment(Session& s, bool unmask);

  boost::asio::io_context& io_;
  FloorSettings settings_;
  FloorDirectory& directory_;
  CallControl& calls_;
  PaymentGateway& gateway_;
  EventHub hub_;
  std::map<AgentId, std::unique_ptr<Session>> sessions_;
  std::map<CallId, AgentId> call_owner_;
  std::deque<Assist> assists_;
  std::uint64_t next_assist_ = 1;
  TransitionListener listener_;
};

}  // namespace dialcore::control::floor
