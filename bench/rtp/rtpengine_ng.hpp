#pragma once
// RtpengineRelay: the reference relay, an rtpengine daemon (Debian `rtpengine-daemon`, 10.5)
// started by the bench, userspace only, on loopback, with ports picked at run time (the machine
// is shared): the ng control port from the kernel, the media range in a random free block below
// the ephemeral range. Each call is one ng `offer` (SDP pointing at the generator's side A) and
// one `answer` (side B); the relay's ports are read from the m= lines of the SDP it returns.
// CPU time is the sum over the daemon's threads of /proc/PID/task/TID/schedstat (ns; utime +
// stime from /proc/PID/stat, 10 ms ticks, when schedstat is missing). stop() sends SIGTERM and
// SIGKILL after 3 s.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bench/rtp/bencode.hpp"
#include "bench/rtp/relay.hpp"

namespace dialcore::bench {

class RtpengineRelay final : public Relay {
 public:
  // `binary`: the daemon's path ("rtpengine", found on PATH or in /usr/sbin, /usr/bin).
  explicit RtpengineRelay(std::string binary = "rtpengine", int threads = 2);
  ~RtpengineRelay() override;

  const char* name() const override { return "rtpengine"; }
  bool setup(std::span<const CallSockets> calls, RtpCodec codec, std::vector<CallRelayPorts>& ports,
             std::string& error) override;
  std::uint64_t cpu_ns() override;
  void stop() override;

  // Where rtpengine was found, or nullopt: the reason the rtpengine relay cannot run here.
  static std::optional<std::string> find_binary(const std::string& name);

 private:
  bool start(std::size_t calls, std::string& error);
  // One ng request: `COOKIE <bencoded dict>` over UDP, 3 tries of 2 s. The reply's dict.
  std::optional<bencode::Value> request(const bencode::Value& dict, std::string& error);
  std::string log_tail() const;

  std::string binary_;
  int threads_;
  pid_t pid_ = -1;
  int ng_fd_ = -1;
  std::uint64_t cookie_ = 0;
  std::string log_path_;
  bool keep_log_ = false;
};

}  // namespace dialcore::bench
