#pragma once
// `dialctl config check FILE [--json]`: validates a configuration file without starting
// anything. Exit status 0 valid, 1 invalid or unreadable, 2 usage.

#include <cstdio>
#include <string>
#include <vector>

namespace dialcore::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

// args: what follows "config check". Writes to out (results) and err (diagnostics).
int config_check(const std::vector<std::string>& args, std::FILE* out, std::FILE* err);

}  // namespace dialcore::tools
