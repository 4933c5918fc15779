#pragma once
// POST /api/v1/config/reload (admin): the same reload SIGHUP does, answered with what it did.
// The daemon provides the reload (it owns the file and the running configuration); the API only
// carries the answer:
//   200 {"applied":[keys],"needs_restart":[keys],"changed":bool}
//   422 {"error":{"code":"invalid_config","message":...,"fields":[{"field":KEY,"message":
//        "file:line:column: key: message"}]}} — nothing is applied
//   404 reload_not_available when no reload is attached (a test router).

#include <functional>
#include <string>
#include <vector>

#include "control/agents/agent_error.hpp"
#include "control/api/http_types.hpp"

namespace dialcore::control::api {

struct ReloadOutcome {
  bool ok = false;                          // false: the file was refused, nothing changed
  std::vector<std::string> applied;         // live keys now in effect
  std::vector<std::string> needs_restart;   // changed keys that wait for a restart
  std::vector<agents::FieldError> errors;   // when !ok
};

// actor: who asked ("admin"), for the daemon's log line.
using ReloadFn = std::function<ReloadOutcome(const std::string& actor)>;

ApiResponse reload_response(const ReloadOutcome& outcome);

}  // namespace dialcore::control::api
