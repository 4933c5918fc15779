#include "control/sdp/sdp_failure.hpp"

#include <algorithm>

namespace dialcore::control::sdp {

std::string SdpFailure::warning_header(const std::string& agent_host) const {
  std::string quoted = text;
  std::replace(quoted.begin(), quoted.end(), '"', '\'');
  std::replace_if(
      quoted.begin(), quoted.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return std::to_string(static_cast<int>(warning)) + " " + agent_host + " \"" + quoted + "\"";
}

}  // namespace dialcore::control::sdp
