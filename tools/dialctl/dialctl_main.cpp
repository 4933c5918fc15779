// dialctl: the admin CLI over the appliance's API. Commands arrive with issue 6.
#include <cstdio>
#include <cstring>

namespace {

constexpr const char* kHelp =
    "usage: dialctl [--api URL] COMMAND ...\n"
    "\n"
    "Administers a running dialcored through its admin API.\n"
    "\n"
    "This build has no commands yet (issue 6 brings config check, agents, campaigns,\n"
    "recordings and CDRs); every command exits with status 2.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kHelp, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::fprintf(stderr, "dialctl: unknown command '%s' (this build has none yet)\n", argv[1]);
  return 2;
}
