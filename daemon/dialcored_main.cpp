// dialcored: the appliance daemon. Until issue 10 wires the planes together it only
// explains itself; it refuses to pretend to run.
#include <cstdio>
#include <cstring>

namespace {

constexpr const char* kHelp =
    "usage: dialcored --config FILE\n"
    "\n"
    "The Dialcore appliance: RTP dataplane workers, SIP, agents, queues and the dialler,\n"
    "configured by one YAML file.\n"
    "\n"
    "This build has the codec layer only (see README.md, 'Status'); the daemon is wired\n"
    "together by issue 10 and exits with status 2 when asked to run.\n";

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kHelp, stdout);
      return 0;
    }
  }
  std::fputs(kHelp, stderr);
  std::fputs("dialcored: not implemented yet in this build\n", stderr);
  return 2;
}
