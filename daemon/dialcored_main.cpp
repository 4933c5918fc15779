// dialcored: the appliance daemon. It runs the dataplane workers (socket backend), the media
// service over their rings, and the control side (store, agents, admin API); SIP and the
// dialler join the same composition root (run.cpp) with issues 7-10.
#include <cstdio>
#include <cstring>
#include <string>

#include "config/config_summary.hpp"
#include "config/loader.hpp"
#include "daemon/run.hpp"

namespace {

constexpr const char* kHelp =
    "usage: dialcored [--config FILE] [--check]\n"
    "\n"
    "The Dialcore appliance: RTP dataplane workers, SIP, agents, queues and the dialler,\n"
    "configured by one YAML file (the embedded config/dialcore.yaml without --config).\n"
    "\n"
    "  --check   validate the configuration and exit: 0 valid, 1 invalid\n"
    "\n"
    "Without --check it starts the dataplane workers (one per dataplane.workers core), the\n"
    "recorders, SIP (sip.interfaces) with the B2BUA, the campaigns and the agent floor, and the\n"
    "admin API, until SIGTERM or SIGINT; SIGHUP (or POST /api/v1/config/reload, which\n"
    "`dialctl config reload` sends) rereads the file: live keys apply, the others are named as\n"
    "needing a restart.\n";

// Same output as `dialctl config check`: warnings and errors on stderr, "ok: ..." on stdout.
int check(const std::string& file) {
  namespace config = dialcore::config;
  const config::LoadResult r = file.empty() ? config::load_default() : config::load_file(file);
  const std::string name = file.empty() ? "<embedded dialcore.yaml>" : file;
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", to_string(w).c_str());
  for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", to_string(e).c_str());
  if (!r.ok()) {
    std::fprintf(stderr, "invalid: %s (%zu errors)\n", name.c_str(), r.errors.size());
    return 1;
  }
  std::printf("ok: %s (%s)\n", name.c_str(), config::summary_text(*r.config).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kHelp, stdout);
      return 0;
    }
    if (std::strcmp(argv[i], "--check") == 0) {
      check_only = true;
    } else if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      file = argv[++i];
    } else {
      std::fprintf(stderr, "dialcored: unexpected argument '%s'\n%s", argv[i], kHelp);
      return 2;
    }
  }
  if (check_only) return check(file);
  namespace config = dialcore::config;
  const config::LoadResult r = file.empty() ? config::load_default() : config::load_file(file);
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", to_string(w).c_str());
  for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", to_string(e).c_str());
  if (!r.ok()) return 1;
  return dialcore::daemon::run(*r.config, file);
}
