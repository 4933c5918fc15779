#include "control/calls/call_metrics.hpp"

#include <cstdint>
#include <string_view>

namespace dialcore::control::calls {

namespace {

void counter(std::string& out, std::string_view name, std::string_view help, std::uint64_t value) {
  out += "# HELP dialcore_calls_";
  out += name;
  out += "_total ";
  out += help;
  out += "\n# TYPE dialcore_calls_";
  out += name;
  out += "_total counter\ndialcore_calls_";
  out += name;
  out += "_total ";
  out += std::to_string(value);
  out += '\n';
}

}  // namespace

void append_call_metrics(const CallCounters& c, std::size_t live_calls, std::string& out) {
  counter(out, "started", "Outbound calls originated.", c.calls_started);
  counter(out, "incoming", "Inbound calls taken.", c.calls_incoming);
  counter(out, "answered", "Customer legs answered.", c.calls_answered);
  counter(out, "bridged", "Calls bridged to an agent.", c.calls_bridged);
  counter(out, "agent_legs", "Agent legs dialled.", c.agent_legs);
  counter(out, "agent_legs_failed", "Agent attempts ended before the bridge.", c.agent_legs_failed);
  counter(out, "offers_answered", "Re-INVITE offers answered.", c.offers_answered);
  counter(out, "offers_rejected", "Re-INVITE offers refused.", c.offers_rejected);
  counter(out, "dtmf_events", "DTMF keys reported (SIP INFO and RFC 4733).", c.dtmf_events);
  counter(out, "teardown_errors", "Hangups or leg destroys that could not be done cleanly.",
          c.teardown_errors);
  counter(out, "history_errors", "Call history writes that failed.", c.history_errors);
  out +=
      "# HELP dialcore_calls_ended_total Calls ended, by outcome.\n"
      "# TYPE dialcore_calls_ended_total counter\n";
  for (std::size_t i = 0; i < kCallOutcomeCount; ++i) {
    out += "dialcore_calls_ended_total{outcome=\"";
    out += outcome_name(static_cast<CallOutcome>(i));
    out += "\"} ";
    out += std::to_string(c.ended[i]);
    out += '\n';
  }
  out +=
      "# HELP dialcore_calls_live Calls in progress.\n# TYPE dialcore_calls_live gauge\n"
      "dialcore_calls_live ";
  out += std::to_string(live_calls);
  out += '\n';
}

}  // namespace dialcore::control::calls
