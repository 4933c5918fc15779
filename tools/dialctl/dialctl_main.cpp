// dialctl: the admin CLI. `config check` works on files; the commands over the appliance's API
// (agents, teams, queues, campaigns, ...) arrive with the rest of issue 6.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tools/dialctl/config_check.hpp"

namespace {

constexpr const char* kHelp =
    "usage: dialctl [--api URL] COMMAND ...\n"
    "\n"
    "Administers Dialcore. Commands:\n"
    "  config check FILE [--json]   validate a configuration file without starting anything\n"
    "\n"
    "The commands over a running dialcored's admin API (agents, teams, queues, campaigns,\n"
    "pause reasons, wrap codes, status) are not in this build yet.\n"
    "\n"
    "Exit status: 0 success, 1 failure (an invalid file), 2 usage.\n"
    "`dialctl COMMAND --help` describes one command.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace dialcore::tools;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kHelp, argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args[0] == "config") {
    if (args.size() >= 2 && args[1] == "check") {
      return config_check({args.begin() + 2, args.end()}, stdout, stderr);
    }
    std::fputs("usage: dialctl config check FILE [--json]\n",
               args.size() >= 2 && (args[1] == "--help" || args[1] == "-h") ? stdout : stderr);
    return args.size() >= 2 && (args[1] == "--help" || args[1] == "-h") ? kExitOk : kExitUsage;
  }
  std::fprintf(stderr, "dialctl: unknown command '%s'\n%s", argv[1], kHelp);
  return kExitUsage;
}
