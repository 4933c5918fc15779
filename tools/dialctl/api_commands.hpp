#pragma once
// dialctl's commands over the admin API: RESOURCE list|show|add|edit|delete|search|export|import
// for agents, teams, queues, campaigns, pause-reasons and wrap-codes; agents unlock|password;
// campaigns start|pause|stop|stats; status. Human tables by default, the API's JSON with --json.
//
// Exit status scripts can trust: 0 ok, 1 the API refused (validation, not found, conflict) or
// failed, 2 usage, 3 cannot connect, 4 authentication or permission (401/403).

#include <cstdio>
#include <string>
#include <vector>

#include "tools/dialctl/api_client.hpp"
#include "tools/dialctl/config_check.hpp"  // kExitOk, kExitUsage

namespace dialcore::tools {

inline constexpr int kExitApiError = 1;
inline constexpr int kExitConnect = 3;
inline constexpr int kExitAuth = 4;

struct CliOptions {
  ApiTarget target;
  bool json = false;
  bool progress = false;  // a progress bar on stderr (only when it is a terminal)
};

bool is_resource(const std::string& name);
// args: RESOURCE VERB ARGS... (or "status").
int run_api_command(const CliOptions& options, const std::vector<std::string>& args);
std::string resource_help(const std::string& resource);

}  // namespace dialcore::tools
