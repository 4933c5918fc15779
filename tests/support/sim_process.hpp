#pragma once
// A simulator child for the tests (dialcore-carrier-sim, dialcore-agent-sim): started with
// arguments, its first stdout line (`listen HOST:PORT`) read for the SIP port, its remaining
// stdout (the summary and, with --json, the JSON line) collected when it exits. stderr goes to
// a log file. Bounded waits.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace dialcore::test {

class SimProcess {
 public:
  // `args[0]` is the binary. Throws std::runtime_error when it cannot start or prints no
  // listen line within 10 s.
  SimProcess(std::vector<std::string> args, const std::string& stderr_log);
  ~SimProcess();  // SIGKILL if still running
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  std::uint16_t sip_port() const { return port_; }
  void terminate();  // SIGTERM
  // Exit status (-1 if it had to be killed after `timeout`, -2 if a signal ended it).
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  const std::string& output() const { return output_; }  // stdout after the listen line
  std::string json_line() const;                          // its last line
  // A number from the JSON line: "answers", or "calls.live" / "ended.our_bye" one level down.
  long long json_number(const std::string& key) const;

 private:
  void read_available(int timeout_ms);
  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
  std::uint16_t port_ = 0;
};

}  // namespace dialcore::test
