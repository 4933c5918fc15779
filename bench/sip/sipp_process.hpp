#pragma once
// dialbench sip: one sipp child process (the load generator or the far end). Its screen goes to
// a log file, its statistics to a CSV (-trace_stat) the bench reads for the successful and
// failed call counts; its CPU time comes from wait4's rusage once it has exited.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace dialcore::bench::sip {

struct SippCalls {
  std::uint64_t ok = 0;      // SuccessfulCall(C)
  std::uint64_t failed = 0;  // FailedCall(C)
  bool read = false;         // the statistics file had a data line
};

class SippProcess {
 public:
  // Starts `sipp` with `args` plus the statistics options, in directory `dir` (logs
  // `<name>.log`, `<name>.csv` there). running() is false when it could not be started.
  SippProcess(const std::string& dir, const std::string& name, std::vector<std::string> args);
  ~SippProcess();  // SIGKILL when still running, then reaped
  SippProcess(const SippProcess&) = delete;
  SippProcess& operator=(const SippProcess&) = delete;

  bool running() const { return pid_ > 0; }
  // Reaps it when it has exited (no wait); true once it has.
  bool poll();
  // Waits at most `limit` for it to exit, then kills it. Returns its exit status (-1: killed).
  int wait(std::chrono::milliseconds limit);
  void kill();
  int status() const { return status_; }
  double cpu_s() const { return cpu_s_; }  // user + system, valid once exited
  SippCalls calls() const;                  // from the statistics CSV's last line
  std::string log_tail(std::size_t bytes = 2000) const;

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  double cpu_s_ = 0;
  std::string log_path_;
  std::string stat_path_;
};

// A UDP port on 127.0.0.1 free right now (the kernel's choice; 0 when none).
std::uint16_t free_udp_port();
// An even free UDP port with the next one free too (sipp's RTP and RTCP), 0 when none found.
std::uint16_t free_media_port();

}  // namespace dialcore::bench::sip
