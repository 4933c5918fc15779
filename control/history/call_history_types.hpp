#pragma once
// What the call owner reports to the call history (call_history.hpp): the causes and the
// value types of leg starts and wrap-ups.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dialcore::control::history {

enum class EndCause {
  Normal,       // either side hung up after an answer
  Busy,         // 486/600
  NoAnswer,     // ring timeout, 480/408
  Invalid,      // 404/484/604: the number does not exist
  Rejected,     // 403/603
  Failed,       // anything else: 5xx, transport, media
  Abandoned,    // answered live, no agent within the limit (the caller heard the message)
  MessageLeft,  // AMD said machine; the campaign's message played after the beep (on_machine)
  Interrupted,  // written by recovery: the process died with the leg open
};
std::string_view to_string(EndCause cause);

struct LegStart {
  std::string call_id;    // the interaction id the call keeps across its legs
  std::string leg = "a";  // a (customer), agent, consult, b...
  std::string direction;  // inbound, outbound, internal
  std::string from_number;
  std::string to_number;  // an outbound attempt's dialled number
  std::optional<std::int64_t> agent_id;
  std::optional<std::int64_t> campaign_id;
  std::optional<std::int64_t> queue_id;
  std::optional<std::int64_t> lead_id;  // with campaign_id on an outbound leg: an attempt
};

struct Wrap {
  std::string call_id;
  std::optional<std::int64_t> agent_id;
  std::string wrap_code;  // must exist (and belong to the call's campaign or to every campaign)
  std::string notes;
  std::optional<std::int64_t> callback_at_ms;  // the lead is due again then (a callback)
};

}  // namespace dialcore::control::history
