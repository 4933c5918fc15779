#pragma once
// The agents' side of the agent API (control/api/openapi.yaml), one Boost.Beast HTTP client per
// simulated agent on one io_context thread (C++20 coroutines): POST /api/v1/auth/login (the
// agent's own credentials) for a session token, POST /api/v1/floor/login with the voice request
// (call-me / call-in, persistent or not), then the floor's Server-Sent Events stream
// (/api/v1/floor/events, reconnected with Last-Event-ID). On the stream's state transitions the
// agent answers an offered call (reserved: POST /floor/calls/answer), wraps after a drawn wrap
// time with a disposition drawn from the weighted codes (POST /floor/wrap), and, with
// --pause-prob, pauses with a drawn reason for a drawn time and goes available again. stop()
// finishes a wrap in progress, logs out of the floor and ends the session.
//
// Threads: everything runs on the client's own io thread; start() and stop() block (bounded).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/agents/options.hpp"

namespace dialcore::sim::agents {

// One agent's API side, read with counts() after stop().
struct FloorCounts {
  bool logged_in = false;  // the floor session was started
  std::int64_t agent_id = 0;
  std::uint64_t offers = 0, answers = 0, wraps = 0, pauses = 0, availables = 0, payments = 0;
  std::uint64_t events = 0, reconnects = 0, replay_gaps = 0;
  std::uint64_t errors = 0;  // refused or failed requests after the start
  std::uint64_t logouts = 0;
  std::map<std::string, std::uint64_t> dispositions;
  double on_call_seconds = 0;  // on_call state time, from the stream
  std::string state;           // the last state the stream reported
  std::string last_error;
};

class FloorClients {
 public:
  FloorClients(const Options& options, std::vector<AgentAccount> accounts);
  ~FloorClients();  // stop()
  FloorClients(const FloorClients&) = delete;
  FloorClients& operator=(const FloorClients&) = delete;

  // Logs every agent in (API login, floor login, the event stream) and returns nullopt, or a
  // clear error (the API is unreachable, credentials refused) with nothing left running.
  // Each request is bounded (5 s).
  std::optional<std::string> start();
  // Ends every agent: a wrap in progress is submitted, floor logout, session logout; bounded
  // (about 6 s in all), then the thread is joined.
  void stop();
  std::vector<FloorCounts> counts() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace dialcore::sim::agents
