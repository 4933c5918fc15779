#pragma once
// Shared by the dialcored tests: a dataplane section that fits a test run, and reading one
// sample out of /metrics text.

#include <unistd.h>

#include <string>

namespace dialcore::test {

// Unpinned (by default) workers on a 32-port range picked from the process id.
inline std::string dataplane_yaml(const std::string& workers = "[0, 1]", bool pin = false) {
  const unsigned first = 40000 + (static_cast<unsigned>(::getpid()) % 300) * 64 + 32;
  return "dataplane:\n"
         "  workers: " +
         workers +
         "\n"
         "  pin_workers: " +
         (pin ? "true" : "false") +
         "\n"
         "  rtp_port_first: " +
         std::to_string(first) +
         "\n"
         "  rtp_port_last: " +
         std::to_string(first + 31) +
         "\n"
         "  legs_per_worker: 64\n"
         "pause_reasons:\n"
         "  - {code: auto, name: Auto Pause, auto_pause: true}\n";
}

// The value of the first sample line starting with `prefix`, or -1.
inline double sample(const std::string& text, const std::string& prefix) {
  const auto at = text.find("\n" + prefix);
  if (at == std::string::npos) return -1;
  const auto space = text.find(' ', at + 1 + prefix.size());
  return std::stod(text.substr(space + 1, text.find('\n', space) - space - 1));
}

}  // namespace dialcore::test
