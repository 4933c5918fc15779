#pragma once
// dialctl top: the live view of a running appliance (issue 10 part 4), built only from what the
// admin API serves: /metrics (campaign counters, calls, workers' legs and thread CPU) and the
// agent floor (/api/v1/floor/agents). A frame every --interval seconds until --count frames or
// Ctrl-C; with --json one JSON object per frame (the demo's summary reads the last one).

#include <map>
#include <string>
#include <vector>

#include "tools/dialctl/api_commands.hpp"

namespace dialcore::tools {

// Prometheus text exposition → "name{labels}" → value (comments and malformed lines skipped).
std::map<std::string, double> parse_metrics(const std::string& text);
// Sum of every sample of `name` whose labels contain `label` (e.g. campaign="demo"; empty: all).
double metric_sum(const std::map<std::string, double>& m, const std::string& name,
                  const std::string& label = {});

int run_top_command(const CliOptions& options, const std::vector<std::string>& args);

}  // namespace dialcore::tools
