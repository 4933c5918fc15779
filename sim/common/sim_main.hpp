#pragma once
// What every simulator's main() does the same way: a stop flag set by SIGTERM/SIGINT (SIGPIPE
// ignored), and the exit after a command line that did not parse.

#include <atomic>
#include <string>

namespace dialcore::sim {

// Installs the handlers (once) and returns the flag the run loop polls.
const std::atomic<bool>& stop_on_signals();
// --help: the text on stdout, 0. A usage error: the message on stderr, 2.
int usage_exit(const std::string& message, bool help);

}  // namespace dialcore::sim
