#include "daemon/sip_setup.hpp"

#include <cstdio>

#include "control/sip/asio_event_sink.hpp"

namespace dialcore::daemon {

namespace sip = control::sip;

SipSetup::SipSetup(boost::asio::io_context& io, const config::Sip& settings)
    : stack_(std::make_unique<sip::SipStack>(
          settings,
          sip::asio_event_sink(io, [this](sip::SipEvent e) { on_event(std::move(e)); }))) {}

SipSetup::~SipSetup() { stop(); }

std::optional<std::string> SipSetup::start() {
  if (auto error = stack_->start()) return error;
  for (const auto& i : stack_->interfaces()) {
    std::fprintf(stderr, "dialcored: sip: interface %s (%s) listening on %s port %u\n",
                 i.name.c_str(), i.role == config::SipRole::Trunk ? "trunk" : "agent",
                 i.contact.c_str(), static_cast<unsigned>(i.port));
  }
  std::fflush(stderr);
  return std::nullopt;
}

void SipSetup::stop() { stack_->stop(); }

void SipSetup::on_event(sip::SipEvent event) {
  if (handler_) {
    handler_(event);
    return;
  }
  // Nobody takes calls (no handler): the caller hears 480 at once rather than ringing into the
  // invite timeout.
  if (event.kind == sip::SipEventKind::Incoming) {
    ++incoming_rejected_;
    stack_->reject(event.call, 480);
  }
}

namespace {
void line(std::string& out, const std::string& name, std::uint64_t value,
          const std::string& labels = "") {
  out += name + labels + " " + std::to_string(value) + "\n";
}
}  // namespace

void SipSetup::render_metrics(std::string& out) const {
  const sip::SipCountersSnapshot c = stack_->counters();
  out += "# TYPE dialcore_sip_calls_started_total counter\n";
  line(out, "dialcore_sip_calls_started_total", c.calls_started);
  line(out, "dialcore_sip_calls_answered_total", c.calls_answered);
  line(out, "dialcore_sip_calls_incoming_total", c.calls_incoming);
  line(out, "dialcore_sip_incoming_rejected_total", incoming_rejected_);
  line(out, "dialcore_sip_auth_challenges_total", c.auth_challenges);
  line(out, "dialcore_sip_auth_failures_total", c.auth_failures);
  line(out, "dialcore_sip_dtmf_events_total", c.dtmf_events);
  line(out, "dialcore_sip_malformed_requests_total", c.malformed_requests);
  line(out, "dialcore_sip_commands_refused_total", c.commands_refused);
  line(out, "dialcore_sip_events_lost_total", c.events_lost);
  for (std::size_t i = 1; i < sip::kCallEndCount; ++i) {  // 0 is None
    const auto end = static_cast<sip::CallEnd>(i);
    line(out, "dialcore_sip_calls_ended_total", c.ended[i],
         "{end=\"" + std::string(sip::call_end_name(end)) + "\"}");
  }
  line(out, "dialcore_sip_live_calls", stack_->live_calls());
  line(out, "dialcore_sip_live_handles", stack_->live_handles());
  for (const auto& i : stack_->interfaces()) {
    line(out, "dialcore_sip_interface_port", i.port, "{interface=\"" + i.name + "\"}");
  }
}

}  // namespace dialcore::daemon
