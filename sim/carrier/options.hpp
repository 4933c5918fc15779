#pragma once
// dialcore-carrier-sim's command line (README.md lists every option).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dialcore::sim::carrier {

struct Options {
  std::string workload;                 // --workload FILE (required)
  std::string listen_host = "127.0.0.1";  // --listen HOST:PORT
  std::uint16_t listen_port = 0;
  std::string media_host;               // --media-ip; default: the listen host
  std::uint64_t seed = 1;               // --seed
  std::string corpus;                   // --corpus DIR (default: tests/fixtures/amd)
  std::uint64_t max_calls = 0;          // --max-calls N: handle N INVITEs, then end; 0 = no bound
  double duration_s = 0;                // --duration S; 0 = until SIGTERM/SIGINT
  double time_scale = 1.0;              // --time-scale X
  std::string capture_dir;              // --capture-dir DIR
  bool json = false;                    // --json
  bool pay_all = false;                 // --pay: every live answer pays
  bool verbose = false;                 // --verbose: one line per call on stderr
  std::vector<std::string> codecs = {"PCMU", "PCMA", "telephone-event"};  // --codecs a,b
  std::uint32_t max_ring_s = 300;       // --max-ring-s: a no-answer gets 480 after this
};

// Parses argv; on error or --help returns nullopt and sets `message` (help text on --help,
// with `help` true).
std::optional<Options> parse_options(int argc, char** argv, std::string& message, bool& help);
std::string usage();
// The corpus used without --corpus: the repository's tests/fixtures/amd (set at build time).
std::string default_corpus();

}  // namespace dialcore::sim::carrier
