#pragma once
// Relay: what `dialbench rtp` needs from a relay under test. The bench opens the generator's
// sockets, asks the relay to set up one bridged call per socket pair, then samples the relay's
// CPU time around the measured window. Implementations: DialcoreRelay (our Worker on SocketIo,
// in a thread of this process) and RtpengineRelay (an rtpengine daemon driven over ng).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dialcore::bench {

enum class RtpCodec : std::uint8_t { Pcmu, G729 };

// One call as the generator sees it: its two sockets (both on 127.0.0.1).
struct CallSockets {
  std::uint16_t a_port = 0;  // side A (the caller)
  std::uint16_t b_port = 0;  // side B (the callee)
};

// Where each generator socket must send for the relay to carry the call: A sends to
// relay_for_a, which the relay forwards to B, and B to relay_for_b, forwarded to A.
struct CallRelayPorts {
  std::uint16_t relay_for_a = 0;
  std::uint16_t relay_for_b = 0;
};

class Relay {
 public:
  virtual ~Relay() = default;
  virtual const char* name() const = 0;
  // Starts the relay and sets up every call. False with `error` set when it cannot.
  virtual bool setup(std::span<const CallSockets> calls, RtpCodec codec,
                     std::vector<CallRelayPorts>& ports, std::string& error) = 0;
  // CPU time the relay has used so far (its thread or its process), nanoseconds.
  virtual std::uint64_t cpu_ns() = 0;
  // Called about every 10 ms while traffic runs (drain the relay's events).
  virtual void service() {}
  // Stops the relay; bounded in time. Safe to call twice.
  virtual void stop() = 0;
};

}  // namespace dialcore::bench
