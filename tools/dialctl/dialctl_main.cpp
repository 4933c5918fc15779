// dialctl: the admin CLI. `config check` works on files; every other command talks to a running
// dialcored's admin API (--api URL --token T, or DIALCORE_API / DIALCORE_TOKEN).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tools/dialctl/api_commands.hpp"
#include "tools/dialctl/config_check.hpp"
#include "tools/dialctl/history_commands.hpp"
#include "tools/dialctl/top_command.hpp"

namespace {

constexpr const char* kHelp =
    "usage: dialctl [--api URL] [--token TOKEN] [--json] COMMAND ...\n"
    "\n"
    "Administers Dialcore. Commands:\n"
    "  config check FILE [--json]   validate a configuration file without starting anything\n"
    "  config reload                the daemon rereads its file (as SIGHUP): applied keys and\n"
    "                               the keys that wait for a restart\n"
    "  status                       a summary of the running appliance\n"
    "  top [--campaign ID]          the live view: agents, calls, AMD, abandonment, CPU\n"
    "  agents VERB ...              list, search, show, add, edit, delete, export, import,\n"
    "                               unlock, password\n"
    "  teams | queues | campaigns | pause-reasons | wrap-codes | dnc VERB ...\n"
    "                               list, search, show, add, edit, delete, export, import\n"
    "  campaigns start|pause|stop|stats ID\n"
    "                               a running campaign's dialling and live figures\n"
    "  cdrs list|export [--from T] [--to T] [--campaign ID] [--agent ID] ...\n"
    "                               call detail records (export: CSV)\n"
    "  recordings list [--campaign ID] [--call-id C] [--state S] ...\n"
    "                               the recording index (one row per file)\n"
    "  leads import|export|list CAMPAIGN ...\n"
    "                               a campaign's leads (import: CSV with a per-row report)\n"
    "\n"
    "  --api URL     the admin API, http://HOST:PORT or https://HOST:PORT (default\n"
    "                $DIALCORE_API, else http://127.0.0.1:8080)\n"
    "  --cacert FILE https: the PEM CA that signed the daemon's certificate (default\n"
    "                $DIALCORE_CACERT, else the system's CAs)\n"
    "  --insecure    https: skip the certificate and host name check (labs only)\n"
    "  --token T     bearer token (default $DIALCORE_TOKEN)\n"
    "  --json        print the API's JSON instead of tables (one document on stdout)\n"
    "\n"
    "Exit status: 0 success, 1 API or validation error (or an invalid file), 2 usage,\n"
    "3 cannot connect, 4 authentication or permission refused.\n"
    "`dialctl COMMAND --help` describes one command.\n";

const char* env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dialcore::tools;
  std::vector<std::string> args;
  CliOptions options;
  std::string api = env_or("DIALCORE_API", "http://127.0.0.1:8080");
  options.target.token = env_or("DIALCORE_TOKEN", "");
  options.target.ca_file = env_or("DIALCORE_CACERT", "");
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (args.empty() && (a == "--help" || a == "-h")) {
      std::fputs(kHelp, stdout);
      return kExitOk;
    }
    if (a == "--insecure") {
      options.target.insecure = true;
    } else if ((a == "--api" || a == "--token" || a == "--cacert") && i + 1 < argc) {
      (a == "--api" ? api : a == "--token" ? options.target.token : options.target.ca_file) = argv[++i];
    } else if (a == "--api" || a == "--token" || a == "--cacert") {
      std::fprintf(stderr, "dialctl: %s needs a value\n", a.c_str());
      return kExitUsage;
    } else if (a == "--json" && (args.empty() || args[0] != "config" ||
                                 (args.size() == 2 && args[1] == "reload"))) {
      options.json = true;
    } else {
      args.push_back(a);
    }
  }
  if (args.empty()) {
    std::fputs(kHelp, stderr);
    return kExitUsage;
  }
  const bool reload = args[0] == "config" && args.size() == 2 && args[1] == "reload";
  if (args[0] == "config" && !reload) {
    if (args.size() >= 2 && args[1] == "check") {
      return config_check({args.begin() + 2, args.end()}, stdout, stderr);
    }
    const bool help = args.size() >= 2 && (args[1] == "--help" || args[1] == "-h");
    std::fputs("usage: dialctl config check FILE [--json]\n       dialctl config reload\n",
               help ? stdout : stderr);
    return help ? kExitOk : kExitUsage;
  }
  if (!reload && args[0] != "status" && args[0] != "top" && !is_resource(args[0]) &&
      !is_history_command(args[0])) {
    std::fprintf(stderr, "dialctl: unknown command '%s'\n%s", args[0].c_str(), kHelp);
    return kExitUsage;
  }
  std::string why;
  if (!parse_api_url(api, options.target, why)) {
    std::fprintf(stderr, "dialctl: %s\n", why.c_str());
    return kExitUsage;
  }
  options.progress = isatty(2) == 1 && !options.json;
  if (is_history_command(args[0])) return run_history_command(options, args);
  if (args[0] == "top") return run_top_command(options, args);
  return run_api_command(options, args);
}
