#pragma once
// dialctl's call history and lead list commands over the admin API:
//   cdrs list   [--from T] [--to T] [--campaign ID] [--agent ID] [--call-id C] [--limit N]
//               [--cursor C]
//   cdrs export [--from T] [--to T] [--campaign ID] [--agent ID] [--call-id C] [FILE]
//   leads import CAMPAIGN FILE.csv [--dry-run] [--country-code CC]
//   leads export CAMPAIGN [FILE]
//   leads list   CAMPAIGN [--status S] [--limit N] [--offset N]
// CAMPAIGN is an id or a campaign name. T is ms since the epoch or YYYY-MM-DD[THH:MM:SSZ] UTC.

#include <string>
#include <vector>

#include "tools/dialctl/api_commands.hpp"

namespace dialcore::tools {

bool is_history_command(const std::string& name);  // cdrs, leads
int run_history_command(const CliOptions& options, const std::vector<std::string>& args);
std::string history_help(const std::string& command);

}  // namespace dialcore::tools
