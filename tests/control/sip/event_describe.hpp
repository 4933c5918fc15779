#pragma once
// Every event an EventLog holds, one line each ("ended 3 status 486 end busy"), for the SIP
// tests' failure messages.

#include "sip_test_support.hpp"

#include <string>

namespace dialcore::test {

inline std::string describe_events(EventLog& log) {
  std::string s;
  for (const auto& e : log.all()) {
    s += std::string(control::sip::sip_event_kind_name(e.kind)) + " " + std::to_string(e.call) +
         " status " + std::to_string(e.status) + " end " +
         std::string(control::sip::call_end_name(e.end)) + "\n";
  }
  return s;
}

}  // namespace dialcore::test
