#pragma once
// The SIP part of dialcored: control/sip's SipStack on the control io_context, started after the
// dataplane and MediaService when sip.interfaces is configured, its counters on /metrics.
//
// Every SipEvent goes to the handler set with set_handler() (the Appliance: the B2BUA, the
// campaigns, the floor). Without one, every Incoming call is rejected with 480 Temporarily
// Unavailable and counted (dialcore_sip_incoming_rejected_total).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "config/config.hpp"
#include "control/sip/sip_stack.hpp"

namespace dialcore::daemon {

class SipSetup {
 public:
  SipSetup(boost::asio::io_context& io, const config::Sip& settings);
  ~SipSetup();  // stop()
  SipSetup(const SipSetup&) = delete;
  SipSetup& operator=(const SipSetup&) = delete;

  // Binds every interface; an error text when one cannot bind. Logs each bound contact.
  std::optional<std::string> start();
  // BYE/CANCEL to calls still up, bounded (3 s inside the stack); idempotent.
  void stop();

  const control::sip::SipStack& stack() const { return *stack_; }
  control::sip::SipStack& stack() { return *stack_; }
  // Where SipEvents go from now on (control thread); empty: the 480 fallback above.
  void set_handler(std::function<void(const control::sip::SipEvent&)> handler) {
    handler_ = std::move(handler);
  }
  // The registrar's credentials (a whole snapshot; users missing from it lose their bindings).
  void set_agent_credentials(std::vector<control::sip::AgentCredential> credentials) {
    stack_->set_agent_credentials(std::move(credentials));
  }
  std::uint64_t incoming_rejected() const { return incoming_rejected_; }
  // Prometheus text: dialcore_sip_* counters, live calls and handles, Incoming calls rejected.
  void render_metrics(std::string& out) const;

 private:
  void on_event(control::sip::SipEvent event);  // on the control thread (asio_event_sink)

  std::unique_ptr<control::sip::SipStack> stack_;
  std::function<void(const control::sip::SipEvent&)> handler_;
  std::uint64_t incoming_rejected_ = 0;  // control thread; read by /metrics on the same thread
};

}  // namespace dialcore::daemon
